package gitops

import (
	"fmt"
	"testing"

	"github.com/ambientkit/ambientkit/manifest"
	"github.com/google/go-cmp/cmp"
)

// relation compares the placement of object (kind, name) with component k's nearest
// instance.
func relation(t *testing.T, m *Model, inv *manifest.Inventory, kind, name string, k ComponentKind) Relation {
	t.Helper()
	ps := m.Placements(objectNamed(t, inv, kind, name))
	if len(ps) == 0 {
		t.Fatalf("%s %s is not placed", kind, name)
	}
	_, r, ok := m.Nearest(ps[0], m.ComponentsOf(k))
	if !ok {
		t.Fatalf("the tree installs no %s", k)
	}
	return r
}

const meshApp = `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: mesh
spec:
  destination: {namespace: istio-system}
  source:
    repoURL: https://github.com/example/gitops.git
    path: mesh
`

func namespaceDoc(name, wave string) string {
	return fmt.Sprintf(`
apiVersion: v1
kind: Namespace
metadata:
  name: %s
  annotations:
    argocd.argoproj.io/sync-wave: %q
  labels:
    istio.io/dataplane-mode: ambient
`, name, wave)
}

func daemonSetDoc(name, wave string) string {
	return fmt.Sprintf(`
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: %s
  annotations:
    argocd.argoproj.io/sync-wave: %q
spec:
  template:
    metadata:
      labels: {app: %s}
`, name, wave, name)
}

func TestModelOrdersInsideOneApplication(t *testing.T) {
	m, inv := build(t, map[string]string{
		"bootstrap/mesh.yaml":  meshApp,
		"mesh/ztunnel.yaml":    daemonSetDoc("ztunnel", "-5"),
		"mesh/early.yaml":      namespaceDoc("early", "-10"),
		"mesh/same.yaml":       namespaceDoc("same", "-5"),
		"mesh/late.yaml":       namespaceDoc("late", "1"),
		"mesh/unresolved.yaml": namespaceDoc("unresolved", "${WAVE}"),
		"mesh/gw-crd.yaml": `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gateways.gateway.networking.k8s.io
  annotations:
    argocd.argoproj.io/sync-wave: "5"
spec:
  group: gateway.networking.k8s.io
  names: {kind: Gateway, plural: gateways}
  scope: Namespaced
`,
		"mesh/gateway.yaml": `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: waypoint
  namespace: late
spec:
  gatewayClassName: istio-waypoint
`,
	})
	tests := []struct {
		name, obj string
		kind      string
		comp      ComponentKind
		want      Relation
	}{
		{"an earlier wave is not after", "early", "Namespace", Ztunnel,
			Relation{A: "at wave -10 in Application mesh", B: "at wave -5 in Application mesh"}},
		{"the same wave falls back to the kind order", "same", "Namespace", Ztunnel,
			Relation{A: "at wave -5 as a Namespace in Application mesh", B: "at wave -5 as a DaemonSet in Application mesh"}},
		{"a later wave is after", "late", "Namespace", Ztunnel,
			Relation{After: true, A: "at wave 1 in Application mesh", B: "at wave -5 in Application mesh"}},
		{"an unresolved wave is undecided", "unresolved", "Namespace", Ztunnel,
			Relation{Unknown: true, A: "at an unresolved wave in Application mesh", B: "at wave -5 in Application mesh"}},
		{"a custom resource follows its CRD whatever the waves", "waypoint", "Gateway", GatewayAPICRDs,
			Relation{After: true, A: "at wave 0 in Application mesh", B: "at wave 5 in Application mesh"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := relation(t, m, inv, tt.kind, tt.obj, tt.comp)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("relation (-want +got):\n%s", diff)
			}
		})
	}
}

func TestModelExpandsApplicationSets(t *testing.T) {
	m, inv := buildAll(t, map[string]string{
		"apps/appset.yaml": `
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: workloads
  namespace: argocd
  annotations:
    argocd.argoproj.io/sync-wave: "10"
spec:
  generators:
    - git:
        repoURL: https://github.com/example/gitops.git
        revision: main
        directories:
          - path: workloads/*
          - path: workloads/skipped
            exclude: true
  template:
    metadata:
      name: '{{path.basename}}'
    spec:
      destination:
        namespace: '{{path.basename}}'
      source:
        repoURL: https://github.com/example/gitops.git
        path: '{{path}}'
`,
		"apps/gotemplate.yaml": `
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: platform
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - name: ztunnel
            chart: ztunnel
          - name: istio-cni
            chart: cni
  template:
    metadata:
      name: '{{.name}}'
    spec:
      destination:
        namespace: istio-system
      source:
        repoURL: oci://gcr.io/istio-release/charts
        chart: '{{.chart}}'
        targetRevision: 1.28.0
        helm:
          valuesObject:
            profile: ambient
`,
		"workloads/api/ns.yaml":     namespaceDoc("api", "0"),
		"workloads/worker/ns.yaml":  namespaceDoc("worker", "0"),
		"workloads/skipped/ns.yaml": namespaceDoc("skipped", "0"),
	})
	t.Run("git directories become Applications at the ApplicationSet's point", func(t *testing.T) {
		got := map[string][]string{}
		for _, name := range []string{"api", "worker", "skipped"} {
			got[name] = placementsOf(m, objectNamed(t, inv, "Namespace", name))
		}
		want := map[string][]string{
			"api":     {"wave 10 Application api of ApplicationSet workloads > wave 0 Namespace"},
			"worker":  {"wave 10 Application worker of ApplicationSet workloads > wave 0 Namespace"},
			"skipped": {"wave 0 Namespace"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("placements (-want +got):\n%s", diff)
		}
	})
	t.Run("list elements render Go templates", func(t *testing.T) {
		want := []string{
			"ztunnel: wave 0 Application ztunnel of ApplicationSet platform > wave 0 DaemonSet (chart ztunnel 1.28.0 from oci://gcr.io/istio-release/charts)",
			"istio-cni: wave 0 Application istio-cni of ApplicationSet platform > wave 0 DaemonSet (chart cni 1.28.0 from oci://gcr.io/istio-release/charts)",
		}
		if diff := cmp.Diff(want, componentsOf(m)); diff != "" {
			t.Errorf("components (-want +got):\n%s", diff)
		}
	})
	t.Run("Applications of one ApplicationSet are not ordered among themselves", func(t *testing.T) {
		cni, zt := m.ComponentsOf(IstioCNI)[0], m.ComponentsOf(Ztunnel)[0]
		if r := m.Compare(zt.Placement, cni.Placement); r.After {
			t.Errorf("ztunnel is ordered after istio-cni: %+v", r)
		}
	})
}

func TestArgoPointReadsHooks(t *testing.T) {
	tests := []struct {
		name        string
		annotations map[string]string
		want        SyncPoint
		run         bool
	}{
		{name: "a plain object syncs in the Sync phase", run: true,
			want: SyncPoint{Phase: PhaseSync, Kind: "Job", KindRank: kindRank("Job")}},
		{name: "a Helm pre-install hook runs in PreSync at its weight", run: true,
			annotations: map[string]string{"helm.sh/hook": "pre-install", "helm.sh/hook-weight": "-3"},
			want:        SyncPoint{Phase: PhasePreSync, Wave: -3, Kind: "Job", KindRank: kindRank("Job")}},
		{name: "a Helm test hook does not run in a sync",
			annotations: map[string]string{"helm.sh/hook": "test"},
			want:        SyncPoint{Phase: PhaseSync, Kind: "Job", KindRank: kindRank("Job")}},
		// gitops-engine pkg/sync/hook/helm: IsHook is false for helm.sh/hook: crd-install.
		{name: "Helm's crd-install marks no hook, so the object syncs as usual", run: true,
			annotations: map[string]string{"helm.sh/hook": "crd-install"},
			want:        SyncPoint{Phase: PhaseSync, Kind: "Job", KindRank: kindRank("Job")}},
		{name: "an Argo CD Skip hook is not applied",
			annotations: map[string]string{"argocd.argoproj.io/hook": "Skip"},
			want:        SyncPoint{Phase: PhaseSync, Kind: "Job", KindRank: kindRank("Job")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &manifest.Object{Ref: manifest.ObjectRef{Kind: "Job"}, Annotations: tt.annotations}
			got, run := argoPointOK(o)
			if diff := cmp.Diff(tt.want, got); diff != "" || run != tt.run {
				t.Errorf("argoPointOK = %v (-want +got):\n%s", run, diff)
			}
		})
	}
}
