package load_test

import (
	"context"
	"os"
	"path/filepath"
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
		missing := [][]string{{"metadata", "labels", "no-such-label"}, {"spec", "template", "metadata", "nothing"},
			{"spec", "jobTemplate", "spec", "template", "metadata", "labels"}}
		// Before the rebuild, the paths a released object answers from the subtrees it
		// keeps, and the missing ones it looks up there (which must not rebuild it); then,
		// after it, every path.
		for _, p := range missing {
			if got, want := describeNode(r.Lookup(p...)), describeNode(k.Lookup(p...)); got != want {
				t.Fatalf("%s %v: Lookup %s, want %s", k.Pos(), p, got, want)
			}
		}
		paths = append(paths, append(missing, []string{"spec", "no", "such", "field"})...)
		var metaPaths [][]string
		for _, p := range paths[:len(paths)-len(missing)-1] {
			if len(p) > 0 && (p[0] == "metadata" || len(p) > 2 && p[0] == "spec" && p[1] == "template" && p[2] == "metadata") {
				metaPaths = append(metaPaths, p)
			}
		}
		wasReleased := r.Released() // and its file not yet parsed again (by another object of it)
		for _, when := range []string{"before", "after"} {
			ps := metaPaths
			if when == "after" {
				if wasReleased && r.File.Reparsed() {
					t.Fatalf("%s: reading its metadata parsed its file again", k.Pos())
				}
				r.Root()
				ps = paths
			}
			for _, p := range ps {
				if got, want := r.Pos(p...), k.Pos(p...); got != want {
					t.Fatalf("%s %v, %s the rebuild: Pos %v, want %v", k.Pos(), p, when, got, want)
				}
				if len(p) > 0 {
					if got, want := r.KeyPos(p...), k.KeyPos(p...); got != want {
						t.Fatalf("%s %v, %s the rebuild: KeyPos %v, want %v", k.Pos(), p, when, got, want)
					}
				}
				if got, want := describeNode(r.Lookup(p...)), describeNode(k.Lookup(p...)); got != want {
					t.Fatalf("%s %v, %s the rebuild: Lookup %s, want %s", k.Pos(), p, when, got, want)
				}
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
		{"metadata", "labels", "app"},
		{"metadata", "annotations"},
		{"spec", "template", "metadata", "labels", "istio.io/dataplane-mode"},
		{"spec", "template", "metadata", "annotations", "x"},
		{"spec", "jobTemplate", "spec", "template", "metadata", "labels"},
	} {
		o.Lookup(p...)
	}
	o.KeyPos("metadata", "labels", "app")
	if o.File.Reparsed() {
		t.Fatal("reading labels parsed the file again")
	}
	if got := o.Pos("spec", "template", "spec", "containers", "0", "image"); got.Line != 13 {
		t.Errorf("image at %v, want line 13", got)
	}
	if !o.File.Reparsed() {
		t.Error("a position below spec came without parsing the file again")
	}
}
