package gitops

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ambientkit/ambientkit/internal/gittest"
	"github.com/ambientkit/ambientkit/manifest/load"

	"github.com/ambientkit/ambientkit/manifest"
	"github.com/google/go-cmp/cmp"
)

// build writes files (slash-separated path → content) into a fresh repository and returns
// the model and inventory of a lint run over it.
func build(t *testing.T, files map[string]string) (*Model, *manifest.Inventory) {
	t.Helper()
	return buildWith(t, files, Options{})
}

// buildAll is build with Options.Unreached: objects no unit applies stay in the inventory,
// on the implicit Application, for tests of where everything is placed.
func buildAll(t *testing.T, files map[string]string) (*Model, *manifest.Inventory) {
	t.Helper()
	return buildWith(t, files, Options{Unreached: true})
}

func buildWith(t *testing.T, files map[string]string, opts Options) (*Model, *manifest.Inventory) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		writeFile(t, dir, name, strings.TrimLeft(data, "\n"))
	}
	return buildDir(t, dir, opts)
}

// objectNamed returns the object of kind named name.
func objectNamed(t *testing.T, inv *manifest.Inventory, kind, name string) *manifest.Object {
	t.Helper()
	for _, o := range inv.Objects {
		if o.Ref.Kind == kind && o.Ref.Name == name {
			return o
		}
	}
	t.Fatalf("no %s %s in the tree", kind, name)
	return nil
}

// placementsOf returns the placements of an object as strings.
func placementsOf(m *Model, o *manifest.Object) []string {
	var out []string
	for _, p := range m.Placements(o) {
		out = append(out, p.String())
	}
	return out
}

// componentsOf returns "kind: placement (via)" for every component instance.
func componentsOf(m *Model) []string {
	var out []string
	for _, c := range m.Components {
		out = append(out, c.Kind.String()+": "+c.Placement.String()+" ("+c.Via+")")
	}
	return out
}

// argoApp is an Application of the repository at path with a sync wave, or of a chart.
func argoApp(name, wave, source string) string {
	return `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ` + name + `
  namespace: argocd
  annotations:
    argocd.argoproj.io/sync-wave: "` + wave + `"
spec:
  project: default
  destination:
    server: https://kubernetes.default.svc
    namespace: ` + strings.TrimPrefix(name, "example-") + `
  source:
` + source
}

// chartSource is an Argo CD source for an Istio chart.
func chartSource(chart, values string) string {
	s := `    repoURL: https://istio-release.storage.googleapis.com/charts
    chart: ` + chart + `
    targetRevision: 1.28.0
`
	if values != "" {
		s += "    helm:\n      valuesObject:\n        " + values + "\n"
	}
	return s
}

// seedTree is the seed post's app-of-apps layout: waves -40 Gateway API CRDs, -30 base, -20
// istiod, -10 cni, -5 ztunnel, 10 the applications.
func seedTree() map[string]string {
	local := func(path string) string {
		return "    repoURL: https://github.com/example/gitops.git\n    path: " + path + "\n    targetRevision: main\n"
	}
	return map[string]string{
		"bootstrap/root.yaml": `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: root
  namespace: argocd
spec:
  destination:
    server: https://kubernetes.default.svc
    namespace: argocd
  source:
    repoURL: https://github.com/example/gitops.git
    path: apps
`,
		"apps/gateway-api-crds.yaml": argoApp("gateway-api-crds", "-40", local("platform/gateway-api")),
		"apps/istio-base.yaml":       argoApp("istio-base", "-30", chartSource("base", "")),
		"apps/istiod.yaml":           argoApp("istiod", "-20", chartSource("istiod", "profile: ambient")),
		"apps/istio-cni.yaml":        argoApp("istio-cni", "-10", chartSource("cni", "profile: ambient")),
		"apps/ztunnel.yaml":          argoApp("ztunnel", "-5", chartSource("ztunnel", "")),
		"apps/example-api.yaml":      argoApp("example-api", "10", local("workloads/example-api")),
		"platform/gateway-api/kustomization.yaml": `
resources:
  - https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.2.0/standard-install.yaml
`,
		"workloads/example-api/namespace.yaml": `
apiVersion: v1
kind: Namespace
metadata:
  name: example-api
  labels:
    istio.io/dataplane-mode: ambient
`,
		"workloads/example-api/deployment.yaml": `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: example-api
spec:
  selector:
    matchLabels: {app: example-api}
  template:
    metadata:
      labels: {app: example-api}
    spec:
      containers:
        - name: api
          image: example/api:1
`,
		"workloads/example-api/waypoint.yaml": `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: example-api-waypoint
  labels:
    istio.io/waypoint-for: service
spec:
  gatewayClassName: istio-waypoint
  listeners:
    - name: mesh
      port: 15008
      protocol: HBONE
`,
	}
}

func TestModelResolvesTheSeedLayout(t *testing.T) {
	m, inv := build(t, seedTree())

	t.Run("every object has its position in the app-of-apps", func(t *testing.T) {
		got := map[string][]string{}
		for _, o := range inv.Objects {
			got[o.Ref.Kind+" "+o.Ref.Name] = placementsOf(m, o)
		}
		want := map[string][]string{
			"Application root":             {"wave 0 Application"},
			"Application gateway-api-crds": {"wave 0 Application root > wave -40 Application"},
			"Application istio-base":       {"wave 0 Application root > wave -30 Application"},
			"Application istiod":           {"wave 0 Application root > wave -20 Application"},
			"Application istio-cni":        {"wave 0 Application root > wave -10 Application"},
			"Application ztunnel":          {"wave 0 Application root > wave -5 Application"},
			"Application example-api":      {"wave 0 Application root > wave 10 Application"},
			"Namespace example-api":        {"wave 0 Application root > wave 10 Application example-api > wave 0 Namespace"},
			"Deployment example-api":       {"wave 0 Application root > wave 10 Application example-api > wave 0 Deployment"},
			"Gateway example-api-waypoint": {"wave 0 Application root > wave 10 Application example-api > wave 0 Gateway"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("placements (-want +got):\n%s", diff)
		}
	})

	t.Run("the mesh components are found in charts and remote sources", func(t *testing.T) {
		want := []string{
			"istio base: wave 0 Application root > wave -30 Application istio-base > wave 0 CustomResourceDefinition (chart base 1.28.0 from https://istio-release.storage.googleapis.com/charts)",
			"istio-cni: wave 0 Application root > wave -10 Application istio-cni > wave 0 DaemonSet (chart cni 1.28.0 from https://istio-release.storage.googleapis.com/charts)",
			"istiod: wave 0 Application root > wave -20 Application istiod > wave 0 Deployment (chart istiod 1.28.0 from https://istio-release.storage.googleapis.com/charts)",
			"ztunnel: wave 0 Application root > wave -5 Application ztunnel > wave 0 DaemonSet (chart ztunnel 1.28.0 from https://istio-release.storage.googleapis.com/charts)",
			"Gateway API CRDs: wave 0 Application root > wave -40 Application gateway-api-crds > wave 0 CustomResourceDefinition (kustomize resource https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.2.0/standard-install.yaml)",
		}
		if diff := cmp.Diff(want, componentsOf(m)); diff != "" {
			t.Errorf("components (-want +got):\n%s", diff)
		}
	})

	t.Run("the namespace is enrolled after every component", func(t *testing.T) {
		if len(m.Enrollments) != 1 || m.Enrollments[0].What != "Namespace example-api" {
			t.Fatalf("enrollments = %+v, want Namespace example-api", m.Enrollments)
		}
		e := m.Enrollments[0]
		for _, c := range m.Components {
			r := m.Compare(e.Placements[0], c.Placement)
			if !r.After {
				t.Errorf("Namespace example-api is not after %s: %+v", c.Kind, r)
			}
		}
		r := m.Compare(e.Placements[0], m.ComponentsOf(IstioCNI)[0].Placement)
		want := Relation{After: true, A: "at wave 10 (Application example-api)", B: "at wave -10 (Application istio-cni)"}
		if diff := cmp.Diff(want, r); diff != "" {
			t.Errorf("relation (-want +got):\n%s", diff)
		}
	})

	t.Run("objects without a namespace get the destination namespace", func(t *testing.T) {
		if got := objectNamed(t, inv, "Deployment", "example-api").Namespace; got != "api" {
			t.Errorf("Deployment namespace = %q, want the destination namespace %q", got, "api")
		}
		if got := objectNamed(t, inv, "Namespace", "example-api").Namespace; got != "" {
			t.Errorf("Namespace namespace = %q, want none", got)
		}
	})

	t.Run("the plan lists the Applications in sync order", func(t *testing.T) {
		var got []string
		for _, s := range m.Plan() {
			got = append(got, strings.Repeat("  ", s.Level)+s.Unit.String())
		}
		want := []string{
			"no Application", "  Application root", "    Application gateway-api-crds",
			"    Application istio-base", "    Application istiod", "    Application istio-cni",
			"    Application ztunnel", "    Application example-api",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("plan (-want +got):\n%s", diff)
		}
	})
}

func TestModelRendersCopiesAndLeavesLoadedObjectsAlone(t *testing.T) {
	dir := t.TempDir()
	gittest.Write(t, dir, map[string]string{
		"app/kustomization.yaml": "namespace: shop\ncommonLabels:\n  istio.io/dataplane-mode: ambient\nresources: [cm.yaml]\n",
		"app/cm.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n",
		"flux/app.yaml":          "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app\n  namespace: flux-system\nspec:\n  path: ./app\n",
	})
	loaded, err := load.Load(context.Background(), []string{dir}, load.Options{Root: dir, MaxFileSize: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Build(os.DirFS(dir), dir, loaded.Objects, Options{})
	if err != nil {
		t.Fatal(err)
	}
	src, got := loaded.Objects[0], m.Objects[0] // app/cm.yaml, walked first
	if got.Source != src {
		t.Fatalf("the rendered object does not point at the loaded one")
	}
	if src.Namespace != "" || src.Labels["istio.io/dataplane-mode"] != "" {
		t.Errorf("the loaded object was changed: namespace %q, labels %v", src.Namespace, src.Labels)
	}
	if got.Namespace != "shop" || got.Labels["istio.io/dataplane-mode"] != "ambient" {
		t.Errorf("the rendered object has namespace %q and labels %v, want shop and the kustomization's label", got.Namespace, got.Labels)
	}
}
