package gitops

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ambientkit/ambientkit/internal/gentree"
	"github.com/ambientkit/ambientkit/internal/golden"
	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/manifest/load"
	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/layouts")

// TestLayouts builds the model of repository layouts people copy (testdata/layouts/NAME)
// and compares what it renders with NAME.golden: every kustomize build with the objects it
// emits (as the cluster gets them, with the file and line they come from) and the generated
// ones, the units with their namespaces and paths, the chart installs with their values,
// and the objects nothing applies.
func TestLayouts(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "layouts", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			m, _ := buildDir(t, dir, Options{OnDisk: true})
			got := describe(m)
			golden.Check(t, dir+".golden", []byte(got), *update)
			// Read through a file system that is not the disk (a git revision), Flux's
			// generator works on a copy: the same model.
			copied, _ := buildDir(t, dir, Options{})
			if diff := cmp.Diff(got, describe(copied)); diff != "" {
				t.Errorf("the model of a tree read through a copy differs (-on disk +copy):\n%s", diff)
			}
		})
	}
}

// buildDir builds the model of the tree at dir, and the inventory of a lint run over it.
func buildDir(t *testing.T, dir string, opts Options) (*Model, *manifest.Inventory) {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := load.Load(context.Background(), []string{abs}, load.Options{Root: abs, MaxFileSize: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Build(os.DirFS(abs), abs, loaded.Objects, opts)
	if err != nil {
		t.Fatal(err)
	}
	return m, manifest.NewInventory(loaded.Files, m.Objects, m.Names)
}

// renderingOf returns the build of dir (relative to the root) in m, nil when none.
func renderingOf(m *Model, dir string) *Rendering {
	for _, r := range m.Renderings {
		if r.Dir == dir {
			return r
		}
	}
	return nil
}

// describe prints what the model renders, with paths relative to its root.
func describe(m *Model) string {
	var sb strings.Builder
	rel := func(p string) string {
		if r, err := filepath.Rel(m.Root, p); err == nil {
			return filepath.ToSlash(r)
		}
		return p
	}
	for _, r := range m.Renderings {
		fmt.Fprintf(&sb, "build %s for %s\n", r.Dir, r.Unit)
		if r.Err != nil {
			fmt.Fprintf(&sb, "  error: %v\n", r.Err)
		}
		for _, ro := range r.objects {
			if ro.gen != nil {
				fmt.Fprintf(&sb, "  generated %s %s/%s in %s\n", ro.gen.Ref.Kind, ro.gen.Ref.Namespace, ro.gen.Ref.Name, rel(ro.gen.File.Path))
				continue
			}
			pos := ro.src.Pos()
			fmt.Fprintf(&sb, "  %s %s/%s from %s:%d\n", ro.src.Ref.Kind, ro.ns, ro.name, rel(pos.File), pos.Line)
		}
		for _, l := range r.LeftOut {
			fmt.Fprintf(&sb, "  left out %s\n", l)
		}
	}
	sb.WriteString("units\n")
	for _, u := range m.Units[1:] {
		fmt.Fprintf(&sb, "  %s", u)
		if u.TargetNamespace != "" {
			fmt.Fprintf(&sb, " targetNamespace=%s", u.TargetNamespace)
		}
		if len(u.Paths) > 0 {
			fmt.Fprintf(&sb, " paths=%s", strings.Join(u.Paths, ","))
		}
		for _, d := range u.DependsOn {
			fmt.Fprintf(&sb, " dependsOn=%s", d.Ref.Namespace+"/"+d.Ref.Name)
			if d.Unit == nil {
				sb.WriteString("(missing)")
			}
		}
		fmt.Fprintf(&sb, " under %s\n", u.Parent)
	}
	sb.WriteString("charts\n")
	for _, ci := range m.Charts {
		keys := make([]string, 0, len(ci.Values))
		for k := range ci.Values {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		fmt.Fprintf(&sb, "  %s %s release %s in %s by %s known=%v values=%v\n", ci.Chart, ci.Version, ci.ReleaseName,
			ci.Namespace, ci.Placement.Unit, ci.ValuesKnown, ci.Values)
	}
	sb.WriteString("enrollments\n")
	for _, e := range m.Enrollments {
		var units []string
		for _, p := range e.Placements {
			units = append(units, p.Unit.String()+" ("+strings.Join(p.Unit.Paths, ",")+")")
		}
		pos := e.Pos()
		fmt.Fprintf(&sb, "  %s at %s:%d by %s\n", e.What, rel(pos.File), pos.Line, strings.Join(units, ", "))
	}
	sb.WriteString("objects\n")
	for _, o := range m.Objects {
		if isBuildConfig(o) {
			continue
		}
		var units []string
		for _, p := range m.Placements(o) {
			units = append(units, p.Unit.String())
		}
		fmt.Fprintf(&sb, "  %s %s/%s from %s:%d by %s\n", o.Ref.Kind, o.Namespace, m.Name(o), rel(o.Pos().File), o.Pos().Line,
			strings.Join(units, ", "))
	}
	sb.WriteString("applied by nothing\n")
	for _, o := range m.Unreached {
		fmt.Fprintf(&sb, "  %s %s from %s:%d\n", o.Ref.Kind, o.Ref.Name, rel(o.Pos().File), o.Pos().Line)
	}
	return sb.String()
}

// TestPlainBuildIsKustomizes builds every kustomization of the test trees that plainBuild
// takes both ways, by plainBuild and by kustomize, and compares what each emits: the same
// objects of the same files, with the same namespace, name, labels and annotations.
func TestPlainBuildIsKustomizes(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "layouts", "*"))
	if err != nil {
		t.Fatal(err)
	}
	gen := t.TempDir()
	if err := gentree.GenerateTree(gen, 200); err != nil {
		t.Fatal(err)
	}
	dirs = append(dirs, gen)
	plain := 0
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		fast, _ := buildDir(t, dir, Options{})
		slow, _ := buildDir(t, dir, Options{noPlain: true})
		emitted := func(m *Model) map[string][]string {
			out := map[string][]string{}
			for _, r := range m.Renderings {
				for _, ro := range r.objects {
					if ro.src == nil {
						continue
					}
					node := ""
					if ro.node != nil {
						// A unit's object as the build emits it, without the comments
						// kustomize drops.
						y := yaml.CopyYNode(ro.node.YNode())
						clearComments(y)
						node, _ = yaml.NewRNode(y).String()
					}
					out[r.Dir] = append(out[r.Dir], fmt.Sprintf("%s#%d %s/%s labels=%v annotations=%v\n%s",
						ro.src.Source.File.Path, ro.src.Source.Doc, ro.ns, ro.name, ro.labels, ro.annotations, node))
				}
				slices.Sort(out[r.Dir])
			}
			return out
		}
		want, got := emitted(slow), emitted(fast)
		for _, r := range fast.Renderings {
			if !r.plain {
				continue
			}
			plain++
			if diff := cmp.Diff(want[r.Dir], got[r.Dir]); diff != "" {
				t.Errorf("%s: plainBuild differs from kustomize's build (-kustomize +plain):\n%s", r.Dir, diff)
			}
		}
	}
	if plain == 0 {
		t.Fatal("no test tree has a kustomization that plainBuild takes")
	}
}

// clearComments removes the comments of n and its descendants.
func clearComments(n *yaml.Node) {
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		clearComments(c)
	}
}

// fetches counts the HTTP requests made through http.DefaultTransport, failing each.
type fetches struct{ n int }

func (f *fetches) RoundTrip(r *http.Request) (*http.Response, error) {
	f.n++
	return nil, fmt.Errorf("no network in tests: %s", r.URL)
}

// TestRenderNeverFetches builds a kustomization that names remote resources, components,
// generator sources, patches and an OpenAPI schema: the build leaves each out (and says so),
// makes no request and runs no git, and still applies and generates what is local.
func TestRenderNeverFetches(t *testing.T) {
	rt := &fetches{}
	saved := http.DefaultTransport
	http.DefaultTransport = rt
	t.Cleanup(func() { http.DefaultTransport = saved })
	t.Setenv("PATH", "") // no git to clone with
	m, inv := buildWith(t, map[string]string{
		"clusters/prod/sync.yaml": `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: app, namespace: flux-system}
spec:
  path: ./app
  targetNamespace: shop
  sourceRef: {kind: GitRepository, name: flux-system}
`,
		"app/kustomization.yaml": `
resources:
  - cm.yaml
  - https://example.com/remote.yaml
  - github.com/example/repo//base?ref=v1
components:
  - https://example.com/component
configMapGenerator:
  - name: gen
    files:
      - dash.json=https://example.com/dash.json
      - local.txt
patches:
  - path: https://example.com/patch.yaml
openapi:
  path: https://example.com/schema.json
`,
		"app/cm.yaml":   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n",
		"app/local.txt": "hello\n",
	}, Options{OnDisk: true})
	if rt.n > 0 {
		t.Errorf("the build made %d HTTP requests", rt.n)
	}
	r := renderingOf(m, "app")
	if r == nil || r.Err != nil {
		t.Fatalf("build of app: %+v", r)
	}
	for _, url := range []string{"https://example.com/remote.yaml", "github.com/example/repo//base?ref=v1",
		"https://example.com/component", "https://example.com/dash.json", "https://example.com/patch.yaml",
		"https://example.com/schema.json"} {
		if !slices.ContainsFunc(r.LeftOut, func(l string) bool { return strings.HasSuffix(l, url) }) {
			t.Errorf("LeftOut %q does not name %s", r.LeftOut, url)
		}
	}
	if files, generated := r.Emitted(); files != 1 || generated != 1 {
		t.Errorf("emitted %d objects and %d generated, want 1 and 1", files, generated)
	}
	if o := objectNamed(t, inv, "ConfigMap", "cm"); o.Namespace != "shop" || len(m.Placements(o)) != 1 {
		t.Errorf("ConfigMap cm: namespace %q, %d placements; want shop, 1", o.Namespace, len(m.Placements(o)))
	}
}

// TestRenderFallsBack builds a kustomization kustomize rejects (a patch whose target is not
// in the build): the model says why and reads the kustomization's resources itself.
func TestRenderFallsBack(t *testing.T) {
	m, inv := buildWith(t, map[string]string{
		"clusters/prod/sync.yaml": `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: app, namespace: flux-system}
spec:
  path: ./app
  sourceRef: {kind: GitRepository, name: flux-system}
`,
		"app/kustomization.yaml":  "namespace: shop\nresources: [cm.yaml]\npatches:\n  - path: missing-target.yaml\n",
		"app/cm.yaml":             "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n",
		"app/missing-target.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: gone}\nspec:\n  replicas: 2\n",
	}, Options{OnDisk: true})
	r := renderingOf(m, "app")
	if r == nil || r.Err == nil || !strings.Contains(r.Err.Error(), "gone") {
		t.Fatalf("build of app: %+v, want an error about the patch of Deployment gone", r)
	}
	if o := objectNamed(t, inv, "ConfigMap", "cm"); o.Namespace != "shop" || len(m.Placements(o)) != 1 {
		t.Errorf("ConfigMap cm: namespace %q, %d placements; want shop, 1", o.Namespace, len(m.Placements(o)))
	}
}
