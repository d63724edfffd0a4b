package gitops

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestModelReadsChartValues(t *testing.T) {
	m, _ := build(t, map[string]string{
		"apps/istiod.yaml": `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: istiod}
spec:
  destination: {namespace: istio-system}
  sources:
    - repoURL: https://istio-release.storage.googleapis.com/charts
      chart: istiod
      targetRevision: 1.28.0
      helm:
        releaseName: istiod-main
        valueFiles:
          - $values/values/istiod.yaml
        values: |
          a: from-values
          b: from-values
        valuesObject:
          b: from-object
          c: from-object
        parameters:
          - name: c
            value: from-parameter
          - name: pilot.env.PILOT_ENABLE_AMBIENT
            value: "true"
    - repoURL: https://github.com/example/gitops.git
      targetRevision: main
      ref: values
`,
		"values/istiod.yaml": "file: from-file\na: from-file\n",
		"flux/release.yaml": `
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: ztunnel, namespace: istio-system}
spec:
  chartRef: {kind: OCIRepository, name: ztunnel, namespace: flux-system}
  valuesFrom:
    - kind: ConfigMap
      name: ztunnel-values
    - kind: ConfigMap
      name: optional-values
      optional: true
    - kind: ConfigMap
      name: ztunnel-values
      valuesKey: extra
      targetPath: resources.requests.cpu
  values:
    profile: ambient
---
apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: OCIRepository
metadata: {name: ztunnel, namespace: flux-system}
spec:
  url: oci://gcr.io/istio-release/charts/ztunnel
  ref: {tag: 1.28.0}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ztunnel-values, namespace: istio-system}
data:
  values.yaml: |
    profile: default
    logLevel: debug
  extra: 100m
`,
		"kustomize/app.yaml": `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: cni}
spec:
  destination: {namespace: istio-system}
  source: {repoURL: https://github.com/example/gitops.git, path: kustomize/cni}
`,
		"kustomize/cni/kustomization.yaml": `
helmCharts:
  - name: cni
    repo: https://istio-release.storage.googleapis.com/charts
    version: 1.28.0
    releaseName: istio-cni
    valuesInline:
      profile: ambient
`,
	})
	type install struct {
		Chart, RepoURL, Version, ReleaseName, Namespace string
		Values                                          map[string]any
		Known                                           bool
		Unit                                            string
	}
	var got []install
	for _, ci := range m.Charts {
		got = append(got, install{ci.Chart, ci.RepoURL, ci.Version, ci.ReleaseName, ci.Namespace, ci.Values, ci.ValuesKnown,
			ci.Placement.Unit.String()})
	}
	want := []install{
		{"istiod", "https://istio-release.storage.googleapis.com/charts", "1.28.0", "istiod-main", "istio-system",
			map[string]any{"file": "from-file", "a": "from-values", "b": "from-object", "c": "from-parameter",
				"pilot": map[string]any{"env": map[string]any{"PILOT_ENABLE_AMBIENT": "true"}}}, true, "Application istiod"},
		{"ztunnel", "oci://gcr.io/istio-release/charts/ztunnel", "1.28.0", "ztunnel", "istio-system",
			map[string]any{"profile": "ambient", "logLevel": "debug", "resources": map[string]any{"requests": map[string]any{"cpu": "100m"}}},
			true, "HelmRelease istio-system/ztunnel"},
		{"cni", "https://istio-release.storage.googleapis.com/charts", "1.28.0", "istio-cni", "istio-system",
			map[string]any{"profile": "ambient"}, true, "Application cni"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("chart installs (-want +got):\n%s", diff)
	}
}

func TestModelFollowsArgoCDSources(t *testing.T) {
	files := map[string]string{
		"root.yaml": `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: root}
spec:
  destination: {namespace: argocd}
  source: {repoURL: https://github.com/example/gitops.git, path: .}
`,
		"apps.yaml": `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: flat
  annotations: {argocd.argoproj.io/sync-wave: "1"}
spec:
  destination: {namespace: flat}
  source: {repoURL: https://github.com/example/gitops.git, path: dir}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: deep
  annotations: {argocd.argoproj.io/sync-wave: "2"}
spec:
  destination: {namespace: deep}
  source:
    repoURL: git@github.com:example/gitops.git
    path: dir
    directory:
      recurse: true
      exclude: '{skip.yaml,*/skip.yaml}'
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: elsewhere}
spec:
  destination: {namespace: other}
  source: {repoURL: https://github.com/example/other.git, path: dir/sub}
`,
		"dir/top.yaml":      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: top}\n",
		"dir/skip.yaml":     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: skip}\n",
		"dir/sub/deep.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\n",
		"dir/hooks.yaml": `
apiVersion: batch/v1
kind: Job
metadata:
  name: pre
  annotations: {argocd.argoproj.io/hook: "PreSync,PostSync"}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: helm-post
  annotations: {helm.sh/hook: post-install, helm.sh/hook-weight: "3"}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: skipped
  annotations: {argocd.argoproj.io/hook: Skip}
`,
	}
	t.Run("without argocd.repoURLs the repository of the root Applications is this one", func(t *testing.T) {
		m, inv := buildAll(t, files)
		got := map[string][]string{}
		for _, n := range []string{"top", "skip", "deep"} {
			got[n] = placementsOf(m, objectNamed(t, inv, "ConfigMap", n))
		}
		for _, n := range []string{"pre", "helm-post", "skipped"} {
			got[n] = placementsOf(m, objectNamed(t, inv, "Job", n))
		}
		want := map[string][]string{
			"top": {"wave 0 Application root > wave 1 Application flat > wave 0 ConfigMap",
				"wave 0 Application root > wave 2 Application deep > wave 0 ConfigMap"},
			"skip": {"wave 0 Application root > wave 1 Application flat > wave 0 ConfigMap"},
			// Application elsewhere syncs dir/sub of example/other.git, not of this tree.
			"deep": {"wave 0 Application root > wave 2 Application deep > wave 0 ConfigMap"},
			"pre": {"wave 0 Application root > wave 1 Application flat > PreSync wave 0 Job",
				"wave 0 Application root > wave 2 Application deep > PreSync wave 0 Job"},
			"helm-post": {"wave 0 Application root > wave 1 Application flat > PostSync wave 3 Job",
				"wave 0 Application root > wave 2 Application deep > PostSync wave 3 Job"},
			"skipped": nil,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("placements (-want +got):\n%s", diff)
		}
		if u := m.UnitOf(objectNamed(t, inv, "Application", "root")); u.Parent != m.Implicit() {
			t.Errorf("the self-managed root Application's parent = %v, want the implicit Application", u.Parent)
		}
	})
	t.Run("argocd.repoURLs makes the repository match exact", func(t *testing.T) {
		m, inv := buildWith(t, files, Options{RepoURLs: []string{"https://github.com/Example/gitops"}})
		got := placementsOf(m, objectNamed(t, inv, "ConfigMap", "deep"))
		want := []string{"wave 0 Application root > wave 2 Application deep > wave 0 ConfigMap"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("placements of deep (-want +got):\n%s", diff)
		}
	})
}

func TestModelFindsRenderedComponents(t *testing.T) {
	m, _ := build(t, map[string]string{
		"istio/crds.yaml": `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: serviceentries.networking.istio.io}
spec:
  group: networking.istio.io
  names: {kind: ServiceEntry, plural: serviceentries}
  scope: Namespaced
`,
		"istio/workloads.yaml": `
apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod-1-28, namespace: istio-system}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: cni, namespace: istio-system}
spec:
  template:
    metadata:
      labels: {k8s-app: istio-cni-node}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ztunnel, namespace: istio-system}
---
apiVersion: sailoperator.io/v1
kind: ZTunnel
metadata: {name: default}
spec:
  namespace: ztunnel
`,
	})
	want := []string{
		"istio base: wave 0 CustomResourceDefinition (CustomResourceDefinition serviceentries.networking.istio.io)",
		"istiod: wave 0 Deployment (Deployment istio-system/istiod-1-28)",
		"istio-cni: wave 0 DaemonSet (DaemonSet istio-system/cni)",
		"ztunnel: wave 0 DaemonSet (DaemonSet istio-system/ztunnel)",
		"ztunnel: wave 0 ZTunnel (ZTunnel default (Sail operator))",
	}
	if diff := cmp.Diff(want, componentsOf(m)); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	if got := m.CRDComponents("networking.istio.io/ServiceEntry"); len(got) != 1 {
		t.Errorf("CRDComponents(ServiceEntry) = %v, want the CRD", got)
	}
}
