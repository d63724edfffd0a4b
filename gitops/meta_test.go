package gitops

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Labels and annotations that builds add: kustomize transformers (own, a Component's, an
// enclosing build's), Argo CD's kustomize options, Flux's commonMetadata.
func TestModelAddsBuildMetadata(t *testing.T) {
	m, inv := buildAll(t, map[string]string{
		"argocd/shop.yaml": `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: shop, namespace: argocd}
spec:
  destination: {namespace: shop}
  source:
    repoURL: https://github.com/example/gitops.git
    path: overlays/prod
    kustomize:
      commonLabels: {env: prod}
      commonAnnotations: {argocd.argoproj.io/sync-wave: "7"}
`,
		"overlays/prod/kustomization.yaml": `
resources: [../../base]
components: [../../components/ambient]
commonAnnotations: {argocd.argoproj.io/sync-wave: "5", owner: prod}
`,
		"components/ambient/kustomization.yaml": `
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
labels:
  - pairs: {istio.io/dataplane-mode: ambient, env: component}
`,
		"base/kustomization.yaml": `
resources: [ns.yaml, cm.yaml]
commonAnnotations: {owner: base}
commonLabels: {tier: base}
`,
		"base/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {tier: written}}\n",
		"base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, annotations: {argocd.argoproj.io/sync-wave: \"-1\"}}\n",
		"flux/ks.yaml": `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: tenant, namespace: flux-system}
spec:
  path: ./tenant
  sourceRef: {kind: GitRepository, name: flux-system}
  commonMetadata:
    labels: {istio.io/dataplane-mode: ambient}
  postBuild:
    substitute: {team: blue}
`,
		"tenant/ns.yaml":            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tenant\n  labels:\n    team: ${team}\n",
		"loose/ns.yaml":             "apiVersion: v1\nkind: Namespace\nmetadata: {name: loose}\n",
		"unused/kustomization.yaml": "commonLabels: {istio.io/dataplane-mode: ambient}\nresources: [ns.yaml]\n",
		"unused/ns.yaml":            "apiVersion: v1\nkind: Namespace\nmetadata: {name: unused}\n",
	})
	meta := func(kind, name string) string {
		o := objectNamed(t, inv, kind, name)
		wave := "-"
		if ps := m.Placements(o); len(ps) > 0 {
			wave = fmt.Sprint(ps[0].At.Wave)
		}
		return fmt.Sprintf("labels=%v annotations=%v wave=%s", o.Labels, o.Annotations, wave)
	}
	for _, tt := range []struct{ kind, name, want string }{
		// base's own transformers, then the Component's, then the overlay's, then Argo CD's.
		{"Namespace", "shop", "labels=map[env:prod istio.io/dataplane-mode:ambient tier:base] " +
			"annotations=map[argocd.argoproj.io/sync-wave:7 owner:prod] wave=7"},
		{"ConfigMap", "cm", "labels=map[env:prod istio.io/dataplane-mode:ambient tier:base] " +
			"annotations=map[argocd.argoproj.io/sync-wave:7 owner:prod] wave=7"},
		// Flux: commonMetadata over the object, which keeps its substituted label.
		{"Namespace", "tenant", "labels=map[istio.io/dataplane-mode:ambient team:blue] annotations=map[] wave=0"},
		// No build applies these: nothing is added.
		{"Namespace", "loose", "labels=map[] annotations=map[] wave=0"},
		{"Namespace", "unused", "labels=map[] annotations=map[] wave=0"},
	} {
		if got := meta(tt.kind, tt.name); got != tt.want {
			t.Errorf("%s %s: %s\nwant %s", tt.kind, tt.name, got, tt.want)
		}
	}

	// The enrollments point where the label is set.
	var got []string
	for _, e := range m.Enrollments {
		p := e.Pos()
		rel, _ := filepath.Rel(m.Root, p.File)
		got = append(got, fmt.Sprintf("%s %s:%d", e.What, filepath.ToSlash(rel), p.Line))
	}
	want := []string{
		"Namespace shop components/ambient/kustomization.yaml:4",
		"Namespace tenant flux/ks.yaml:8",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("enrollments (-want +got):\n%s", diff)
	}
	if p, ok := m.LabelSetAt(objectNamed(t, inv, "Namespace", "shop"), "env"); !ok || p.Line != 10 {
		t.Errorf("LabelSetAt(shop, env) = %v, %v; want the Application's line 10", p, ok)
	}
	if _, ok := m.LabelSetAt(objectNamed(t, inv, "Namespace", "tenant"), "team"); ok {
		t.Errorf("LabelSetAt(tenant, team): the label is written in the object")
	}
}

func TestModelRootNamespaces(t *testing.T) {
	app := func(name, chart, values string) string {
		return `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: ` + name + `, namespace: argocd}
spec:
  destination: {namespace: istio-system}
  source:
    repoURL: https://istio-release.storage.googleapis.com/charts
    chart: ` + chart + `
    targetRevision: 1.28.0
    helm:
      valuesObject: ` + values + `
`
	}
	for _, tt := range []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"no istiod", map[string]string{"ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"},
			[]string{"istio-system"}},
		{"istiod with defaults", map[string]string{"a.yaml": app("istiod", "istiod", "{profile: ambient}")},
			[]string{"istio-system"}},
		{"meshConfig.rootNamespace", map[string]string{"a.yaml": app("istiod", "istiod", "{meshConfig: {rootNamespace: root}}")},
			[]string{"root"}},
		{"global.istioNamespace", map[string]string{"a.yaml": app("istiod", "istiod", "{global: {istioNamespace: istio}}")},
			[]string{"istio"}},
		{"the ambient umbrella chart", map[string]string{"a.yaml": app("ambient", "ambient", "{istiod: {meshConfig: {rootNamespace: umbrella}}}")},
			[]string{"umbrella"}},
		{"a Sail operator Istio", map[string]string{"istio.yaml": `
apiVersion: sailoperator.io/v1
kind: Istio
metadata: {name: default}
spec:
  namespace: istio-cp
  profile: ambient
`}, []string{"istio-cp"}},
		{"a Sail operator Istio with meshConfig", map[string]string{"istio.yaml": `
apiVersion: sailoperator.io/v1
kind: Istio
metadata: {name: default}
spec:
  namespace: istio-cp
  values: {meshConfig: {rootNamespace: sail-root}}
`}, []string{"sail-root"}},
		{"two revisions", map[string]string{
			"a.yaml": app("istiod-a", "istiod", "{revision: a}"),
			"b.yaml": app("istiod-b", "istiod", "{revision: b, meshConfig: {rootNamespace: other}}")},
			[]string{"istio-system", "other"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := build(t, tt.files)
			if diff := cmp.Diff(tt.want, m.RootNamespaces()); diff != "" {
				t.Errorf("RootNamespaces (-want +got):\n%s", diff)
			}
		})
	}
}
