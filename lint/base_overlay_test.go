package lint

import (
	"context"
	"fmt"
	"github.com/ambientkit/ambientkit/manifest"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/internal/gittest"
)

// overlayRepo commits base to a new repository, then writes change over it ("" deletes a
// file), and returns the directory.
func overlayRepo(t *testing.T, base, change map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	gittest.Run(t, dir, "init", "--quiet")
	gittest.Write(t, dir, base)
	gittest.Run(t, dir, "add", "--all")
	gittest.Run(t, dir, "commit", "--quiet", "-m", "base")
	gittest.Write(t, dir, change)
	return dir
}

// describeInventory lists what a rule can see of an inventory: objects with their resolved
// namespaces and labels, units, and placements.
func describeInventory(b *Base) []string {
	inv := b.Inventory
	var out []string
	for _, o := range inv.Objects {
		out = append(out, fmt.Sprintf("%s %s/%s ns=%s labels=%v", o.GK(), o.Ref.Namespace, o.Ref.Name, o.Namespace, o.Labels))
	}
	m := b.Model
	for _, u := range m.Units {
		out = append(out, "unit "+u.String())
	}
	for _, o := range inv.Objects {
		for _, p := range m.Placements(o) {
			out = append(out, fmt.Sprintf("%s/%s in %s at %+v", o.Ref.Namespace, o.Ref.Name, p.Unit, p.At))
		}
	}
	return out
}

// overlayAndLoad builds the base of dir at HEAD both ways: overlay (ok false when it
// declines) and the revision loaded whole.
func overlayAndLoad(t *testing.T, dir string, paths []string) (*Base, bool, *Base) {
	t.Helper()
	ctx := context.Background()
	g, err := openGit(ctx, dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	tree, err := g.resolve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := g.changes(ctx, tree)
	if err != nil {
		t.Fatal(err)
	}
	cfg, maxSize := runConfig(nil)
	results, _, err := load(ctx, excludeFunc(cfg), dir, paths, nil, maxSize)
	if err != nil {
		t.Fatal(err)
	}
	ws := snapshot(paths, results)
	var objs []*manifest.Object
	for _, r := range results {
		objs = append(objs, r.objects...)
	}
	if _, err := BuildModel(dir, objs, cfg); err != nil { // as Run does, before the base
		t.Fatal(err)
	}
	inv, ok := g.overlay(ctx, tree, dir, cfg, maxSize, ws, st)
	slow, err := g.load(ctx, tree, dir, Options{Paths: paths, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return inv, ok, slow
}

const (
	ovNamespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n  labels: {istio.io/dataplane-mode: %s}\n"
	ovConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\n"
	ovFlux      = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps
  targetNamespace: shop
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild:
    substitute: {mode: ambient}
`
)

func ovBase() map[string]string {
	return map[string]string{
		"clusters/prod/apps.yaml":  ovFlux,
		"apps/kustomization.yaml":  "resources:\n  - ns.yaml\n  - cm.yaml\n  - gone.yaml\n  - later.yaml\n",
		"apps/ns.yaml":             fmt.Sprintf(ovNamespace, "shop", "${mode}"),
		"apps/cm.yaml":             fmt.Sprintf(ovConfigMap, "cm"),
		"apps/gone.yaml":           fmt.Sprintf(ovConfigMap, "gone"),
		"apps/values.yaml":         "replicas: 1\n",
		"loose/a.yaml":             fmt.Sprintf(ovNamespace, "loose", "none"),
		"loose/sub/b.yaml":         fmt.Sprintf(ovConfigMap, "b"),
		"loose/sub-x.yaml":         fmt.Sprintf(ovConfigMap, "sub-x"),
		"charts/web/Chart.yaml":    "apiVersion: v2\nname: web\nversion: 1.0.0\n",
		"charts/web/templates/a.y": "{{ .Values.x }}\n",
	}
}

func TestOverlayIsTheRevisionLoadedWhole(t *testing.T) {
	dir := overlayRepo(t, ovBase(), map[string]string{
		"apps/ns.yaml":     fmt.Sprintf(ovNamespace, "shop", "none"), // modified
		"apps/gone.yaml":   "",                                       // deleted, still listed
		"apps/later.yaml":  fmt.Sprintf(ovConfigMap, "later"),        // new, listed before
		"loose/sub/b.yaml": "",                                       // deleted with its directory
		"loose/new.yaml":   fmt.Sprintf(ovConfigMap, "new"),          // new
		"README.md":        "not read\n",
	})
	// A deleted file whose directory went too is not walkable: overlay declines. Put the
	// directory back, empty, and it must agree with the revision loaded whole.
	if err := os.Remove(filepath.Join(dir, "loose", "sub")); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := overlayAndLoad(t, dir, []string{dir}); ok {
		t.Errorf("overlay accepted a deleted file whose directory is gone")
	}
	os.MkdirAll(filepath.Join(dir, "loose", "sub"), 0o755)
	inv, ok, slow := overlayAndLoad(t, dir, []string{dir})
	if !ok {
		t.Fatal("overlay declined a change of manifests only")
	}
	if diff := cmp.Diff(describeInventory(slow), describeInventory(inv)); diff != "" {
		t.Errorf("overlay differs from the revision loaded whole (-whole +overlay):\n%s", diff)
	}
}

func TestOverlayDeclines(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change map[string]string
		sub    string // the run's path below the root
	}{
		{"a kustomization changed", map[string]string{"apps/kustomization.yaml": "resources:\n  - ns.yaml\n"}, ""},
		{"a values file changed", map[string]string{"apps/values.yaml": "replicas: 2\n"}, ""},
		{"a manifest became something else", map[string]string{"apps/cm.yaml": "replicas: 2\n"}, ""},
		{"a file of a Helm chart changed", map[string]string{"charts/web/values.yaml": "x: 1\n"}, ""},
		{"a manifest outside the run's directory changed", map[string]string{"loose/a.yaml": fmt.Sprintf(ovConfigMap, "a2")}, "apps"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := overlayRepo(t, ovBase(), tt.change)
			_, ok, _ := overlayAndLoad(t, dir, []string{filepath.Join(dir, tt.sub)})
			if ok {
				t.Errorf("overlay accepted it")
			}
		})
	}
}

// A run on a directory below the root: the changes are in it.
func TestOverlayBelowTheRoot(t *testing.T) {
	dir := overlayRepo(t, ovBase(), map[string]string{
		"apps/ns.yaml":   fmt.Sprintf(ovNamespace, "shop", "none"),
		"apps/gone.yaml": "",
		"apps/new.yaml":  fmt.Sprintf(ovConfigMap, "new"),
	})
	inv, ok, slow := overlayAndLoad(t, dir, []string{filepath.Join(dir, "apps")})
	if !ok {
		t.Fatal("overlay declined a change of manifests in the run's directory")
	}
	if diff := cmp.Diff(describeInventory(slow), describeInventory(inv)); diff != "" {
		t.Errorf("overlay differs from the revision loaded whole (-whole +overlay):\n%s", diff)
	}
}

func TestWalkOrder(t *testing.T) {
	paths := []string{"b.yaml", "a.yaml", "a/z.yaml", "a-b/x.yaml", "a/b/c.yaml", "a.b/y.yaml"}
	want := []string{"a/b/c.yaml", "a/z.yaml", "a-b/x.yaml", "a.b/y.yaml", "a.yaml", "b.yaml"}
	got := append([]string(nil), paths...)
	slices.SortFunc(got, walkOrder)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("walk order (-want +got):\n%s", diff)
	}
}
