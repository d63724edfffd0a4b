package load_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/manifest/load"
)

// The load releases the trees of decoded objects and parses their files again when asked
// (manifest.File.ReleaseTrees). Over every manifest of the repository's testdata and
// examples, a load that releases and one that keeps every tree must agree on each object:
// its tree, once rebuilt, and the value and position of every path below it, asked before
// and after the rebuild.
func TestReleasedTreesAreTheTreesTheLoadHad(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, d := range []string{"lint/rules/testdata", "lint/engine/testdata", "examples", "cmd/ambientlint/testdata"} {
		if _, err := os.Stat(filepath.Join(root, d)); err == nil {
			dirs = append(dirs, filepath.Join(root, d))
		}
	}
	if len(dirs) == 0 {
		t.Fatal("no testdata found")
	}
	opts := load.Options{Root: root, MaxFileSize: 10 << 20}
	released, err := load.Load(context.Background(), dirs, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.KeepTrees = true
	kept, err := load.Load(context.Background(), dirs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(released.Objects) != len(kept.Objects) {
		t.Fatalf("%d objects released, %d kept", len(released.Objects), len(kept.Objects))
	}
	nReleased := 0
	for i, r := range released.Objects {
		k := kept.Objects[i]
		if r.Released() {
			nReleased++
		}
		if k.Released() {
			t.Fatalf("%s: released although KeepTrees is set", k.Pos())
		}
		paths := pathsOf(k.Root().YNode(), nil, nil)
		paths = append(paths, []string{"spec", "no", "such", "field"}, []string{"metadata", "labels", "no-such-label"})
		// Before the rebuild, what a released object answers without its tree (which must
		// not rebuild it): its labels and annotations, and the lookup of a missing one;
		// then, after it, every path.
		wasReleased := r.Released() // and its file not yet parsed again (by another object of it)
		for _, p := range [][]string{
			{"metadata", "labels"}, {"metadata", "annotations"},
			{"spec", "template", "metadata", "labels"}, {"spec", "template", "metadata", "annotations"},
			{"spec", "jobTemplate", "spec", "template", "metadata", "labels"},
			{"spec", "jobTemplate", "spec", "template", "metadata", "annotations"},
		} {
			got, gok := r.MapEntries(p...)
			want, wok := k.MapEntries(p...)
			if gok != wok || !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %v: MapEntries %v %v, want %v %v", k.Pos(), p, got, gok, want, wok)
			}
			for _, missing := range [][]string{append(p[:len(p):len(p)], "no-such-key"), append(p[:len(p):len(p)], "no-such-key", "below")} {
				if got, want := describeNode(r.Lookup(missing...)), describeNode(k.Lookup(missing...)); got != want {
					t.Fatalf("%s %v: Lookup %s, want %s", k.Pos(), missing, got, want)
				}
			}
		}
		if got, want := r.Pos("metadata", "name"), k.Pos("metadata", "name"); got != want {
			t.Fatalf("%s: the name's position %v, want %v", k.Pos(), got, want)
		}
		if wasReleased && r.File.Reparsed() {
			t.Fatalf("%s: reading its labels, annotations or name's position parsed its file again", k.Pos())
		}
		r.Root()
		for _, p := range paths {
			if got, want := r.Pos(p...), k.Pos(p...); got != want {
				t.Fatalf("%s %v: Pos %v, want %v", k.Pos(), p, got, want)
			}
			if len(p) > 0 {
				if got, want := r.KeyPos(p...), k.KeyPos(p...); got != want {
					t.Fatalf("%s %v: KeyPos %v, want %v", k.Pos(), p, got, want)
				}
			}
			if got, want := describeNode(r.Lookup(p...)), describeNode(k.Lookup(p...)); got != want {
				t.Fatalf("%s %v: Lookup %s, want %s", k.Pos(), p, got, want)
			}
		}
		got, _ := r.Root().String()
		want, _ := k.Root().String()
		if got != want {
			t.Fatalf("%s: rebuilt tree\n%s\nwant\n%s", k.Pos(), got, want)
		}
	}
	if nReleased < 100 {
		t.Errorf("only %d of %d objects released", nReleased, len(released.Objects))
	}
}

// pathsOf returns the path of every node below n, map keys and list indices.
func pathsOf(n *yaml.Node, at []string, out [][]string) [][]string {
	out = append(out, append([]string(nil), at...))
	if len(at) > 12 {
		return out
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			out = pathsOf(c, at, out)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			out = pathsOf(n.Content[i+1], append(at, n.Content[i].Value), out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			out = pathsOf(c, append(at, strconv.Itoa(i)), out)
		}
	}
	return out
}

func describeNode(n *yaml.Node) string {
	if n == nil {
		return "nil"
	}
	return strconv.Itoa(int(n.Kind)) + " " + n.Tag + " " + strconv.Quote(n.Value) + " at " + strconv.Itoa(n.Line) + ":" + strconv.Itoa(n.Column)
}

// A released object answers what every run asks of every object (its labels and
// annotations, and its pod template's) without its file being parsed again.
func TestMetadataDoesNotParseTheFileAgain(t *testing.T) {
	dir := t.TempDir()
	data := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web, istio.io/dataplane-mode: ambient}
    spec:
      containers: [{name: web, image: nginx}]
`
	if err := os.WriteFile(filepath.Join(dir, "web.yaml"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := load.Load(context.Background(), []string{dir}, load.Options{Root: dir, MaxFileSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	o := l.Objects[0]
	if !o.Released() || o.Typed == nil {
		t.Fatalf("a decoded Deployment is not released (released %v, typed %T)", o.Released(), o.Typed)
	}
	for _, p := range [][]string{
		{"metadata", "labels"},
		{"metadata", "annotations"},
		{"spec", "template", "metadata", "labels"},
		{"spec", "template", "metadata", "annotations"},
		{"spec", "jobTemplate", "spec", "template", "metadata", "labels"},
	} {
		o.MapEntries(p...)
	}
	for _, p := range [][]string{
		{"metadata", "labels", "tier"},
		{"metadata", "annotations", "x"},
		{"spec", "template", "metadata", "labels", "version"},
		{"spec", "jobTemplate", "spec", "template", "metadata", "labels", "app"},
	} {
		if n := o.Lookup(p...); n != nil {
			t.Errorf("Lookup(%v) = %v", p, n)
		}
	}
	if got := o.Pos("metadata", "name"); got.Line != 4 || got.Column != 9 || got.EndColumn != 12 {
		t.Errorf("the name at %+v, want 4:9-12", got)
	}
	if entries, _ := o.MapEntries("spec", "template", "metadata", "labels"); len(entries) != 2 || entries[1].Key != "istio.io/dataplane-mode" || entries[1].Value != "ambient" {
		t.Errorf("pod template labels %v", entries)
	}
	if o.File.Reparsed() {
		t.Fatal("reading labels parsed the file again")
	}
	if n := o.Lookup("metadata", "labels", "app"); n == nil || n.Value != "web" || n.Line != 6 {
		t.Errorf("Lookup of a label it has = %v", n)
	}
	if got := o.Pos("spec", "template", "spec", "containers", "0", "image"); got.Line != 13 {
		t.Errorf("image at %v, want line 13", got)
	}
	if !o.File.Reparsed() {
		t.Error("a label's node came without parsing the file again")
	}
}
