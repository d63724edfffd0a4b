package gitops

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

// fluxTree is a Flux repository: flux-system applies clusters/prod, whose infra
// Kustomization installs ztunnel with a HelmRelease and whose apps Kustomization depends on
// infra. infraSpec and releaseSpec are added to those specs.
func fluxTree(infraSpec, releaseSpec string) map[string]string {
	return map[string]string{
		"clusters/prod/flux-system/gotk-sync.yaml": `
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  url: ssh://git@github.com/example/gitops
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  path: ./clusters/prod
  sourceRef: {kind: GitRepository, name: flux-system}
`,
		"clusters/prod/infra.yaml": `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: infra
  namespace: flux-system
spec:
  path: ./infrastructure
  sourceRef: {kind: GitRepository, name: flux-system}
` + infraSpec,
		"clusters/prod/apps.yaml": `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  path: ./apps
  sourceRef: {kind: GitRepository, name: flux-system}
  dependsOn:
    - name: infra
`,
		"infrastructure/istio.yaml": `
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: istio
  namespace: flux-system
spec:
  url: https://istio-release.storage.googleapis.com/charts
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ztunnel
  namespace: istio-system
spec:
  chart:
    spec:
      chart: ztunnel
      version: 1.28.0
      sourceRef: {kind: HelmRepository, name: istio, namespace: flux-system}
` + releaseSpec,
		"apps/ns.yaml": namespaceDoc("example-api", "0"),
	}
}

func TestModelOrdersFluxDependencies(t *testing.T) {
	const noWait = "it does not wait for it: set wait: true or a healthCheck"
	tests := []struct {
		name           string
		infra, release string
		after          bool
		wantB          string
	}{
		{name: "a dependency that waits orders the dependent after the chart", infra: "  wait: true\n", after: true,
			wantB: "in HelmRelease istio-system/ztunnel"},
		{name: "a dependency that does not wait orders nothing",
			wantB: "in HelmRelease istio-system/ztunnel (Kustomization flux-system/apps depends on Kustomization flux-system/infra, but " + noWait + ")"},
		{name: "a health check naming the HelmRelease waits for it", after: true, wantB: "in HelmRelease istio-system/ztunnel",
			infra: "  healthChecks:\n    - {apiVersion: helm.toolkit.fluxcd.io/v2, kind: HelmRelease, name: ztunnel, namespace: istio-system}\n"},
		{name: "a health check naming something else does not", wantB: "in HelmRelease istio-system/ztunnel (Kustomization flux-system/apps depends on Kustomization flux-system/infra, but " + noWait + ")",
			infra: "  healthChecks:\n    - {apiVersion: apps/v1, kind: Deployment, name: istiod, namespace: istio-system}\n"},
		{name: "a HelmRelease that does not wait for its chart breaks the chain", infra: "  wait: true\n",
			release: "  install:\n    disableWait: true\n",
			wantB:   "in HelmRelease istio-system/ztunnel (Kustomization flux-system/apps depends on Kustomization flux-system/infra, but HelmRelease istio-system/ztunnel does not wait for its resources (install.disableWait))"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, inv := build(t, fluxTree(tt.infra, tt.release))
			got := relation(t, m, inv, "Namespace", "example-api", Ztunnel)
			want := Relation{After: tt.after, A: "in Kustomization flux-system/apps", B: tt.wantB}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("relation (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("units know their parents and dependencies", func(t *testing.T) {
		m, _ := build(t, fluxTree("  wait: true\n", ""))
		var got []string
		for _, s := range m.Plan() {
			line := strings.Repeat("  ", s.Level) + s.Unit.String()
			for _, d := range s.Unit.DependsOn {
				line += " -> " + d.Unit.String()
			}
			got = append(got, line)
		}
		want := []string{
			"no Application",
			"  Kustomization flux-system/flux-system",
			"    Kustomization flux-system/infra",
			"      HelmRelease istio-system/ztunnel",
			"    Kustomization flux-system/apps -> Kustomization flux-system/infra",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("plan (-want +got):\n%s", diff)
		}
	})
	t.Run("without any dependency the description says so", func(t *testing.T) {
		tree := fluxTree("  wait: true\n", "")
		tree["clusters/prod/apps.yaml"] = strings.Replace(tree["clusters/prod/apps.yaml"], "  dependsOn:\n    - name: infra\n", "", 1)
		m, inv := build(t, tree)
		got := relation(t, m, inv, "Namespace", "example-api", Ztunnel)
		want := Relation{A: "in Kustomization flux-system/apps",
			B: "in HelmRelease istio-system/ztunnel (no dependency of Kustomization flux-system/apps applies it)"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("relation (-want +got):\n%s", diff)
		}
	})
}

func TestModelResolvesNamespaces(t *testing.T) {
	m, inv := buildAll(t, map[string]string{
		"apps/app.yaml": `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web}
spec:
  destination: {namespace: dest}
  source: {repoURL: https://github.com/example/gitops.git, path: overlays/prod}
`,
		"overlays/prod/kustomization.yaml": "namespace: prod\nresources:\n  - ../../base\ncomponents:\n  - ../../components/used\n",
		"components/used/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n" +
			"resources:\n  - cm.yaml\n",
		"components/used/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: in-component}\n",
		"base/kustomization.yaml": "namespace: base\nresources:\n  - deploy.yaml\n  - ns.yaml\n",
		"base/deploy.yaml": `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: own}
`,
		"base/ns.yaml":     "apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n",
		"base/unused.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unused}\n",
		"plain/app.yaml": `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: plain}
spec:
  destination: {namespace: dest}
  source: {repoURL: https://github.com/example/gitops.git, path: plain/manifests}
`,
		"plain/manifests/own.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: own, namespace: mine}\n",
		"plain/manifests/none.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: none}\n",
		"flux/ks.yaml": `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: tenant, namespace: flux-system}
spec:
  path: ./tenant
  targetNamespace: tenant
  sourceRef: {kind: GitRepository, name: flux-system}
`,
		"tenant/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tenant-cm, namespace: other}\n",
		"loose/cm.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: loose}\n",
		"overlays/prod/components/mtls/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n" +
			"resources:\n  - cm.yaml\n",
		"overlays/prod/components/mtls/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: in-unreached-component}\n",
		"overlays/dead/kustomization.yaml":      "resources:\n  - cm.yaml\n",
		"overlays/dead/cm.yaml":                 "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: in-unreached-kustomization}\n",
	})
	tests := []struct {
		kind, name, want string
		placed           bool
	}{
		{"Deployment", "web", "prod", true},         // the outermost kustomization namespace wins over its own
		{"Namespace", "prod", "", true},             // cluster-scoped
		{"ConfigMap", "unused", "default", false},   // not in the kustomization's resources: not applied
		{"ConfigMap", "own", "mine", true},          // its own namespace
		{"ConfigMap", "none", "dest", true},         // the Argo CD destination namespace
		{"ConfigMap", "tenant-cm", "tenant", true},  // Flux targetNamespace overrides
		{"ConfigMap", "loose", "default", true},     // under no Application
		{"ConfigMap", "in-component", "prod", true}, // through the overlay that lists the Component
		// A Component is applied only through a kustomization that lists it; nothing does.
		{"ConfigMap", "in-unreached-component", "default", false},
		// A kustomization nothing reaches may still be applied by hand (kubectl apply -k).
		{"ConfigMap", "in-unreached-kustomization", "default", true},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.name+" is in namespace "+tt.want, func(t *testing.T) {
			o := objectNamed(t, inv, tt.kind, tt.name)
			if o.Namespace != tt.want {
				t.Errorf("namespace = %q, want %q", o.Namespace, tt.want)
			}
			if placed := len(m.Placements(o)) > 0; placed != tt.placed {
				t.Errorf("placed = %v, want %v", placed, tt.placed)
			}
		})
	}
}

func TestModelSubstitutesFluxVariables(t *testing.T) {
	m, inv := build(t, map[string]string{
		"clusters/prod/sync.yaml": `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec:
  path: ./clusters/prod
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild:
    substitute:
      cluster: prod
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps/${cluster}
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild:
    substitute:
      mode: ambient
    substituteFrom:
      - kind: ConfigMap
        name: vars
`,
		"clusters/prod/vars.yaml": `
apiVersion: v1
kind: ConfigMap
metadata: {name: vars, namespace: flux-system}
data:
  team: payments
`,
		"apps/prod/ns.yaml": `
apiVersion: v1
kind: Namespace
metadata:
  name: ${team}
  labels:
    istio.io/dataplane-mode: ${mode}
    owner: ${owner:=platform}
    region: ${region}
`,
		"apps/prod/opaque.yaml": `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: opaque, namespace: flux-system}
spec:
  path: ./opaque
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild:
    substituteFrom:
      - kind: Secret
        name: not-in-the-tree
`,
		"opaque/ns.yaml": `
apiVersion: v1
kind: Namespace
metadata:
  name: opaque
  labels:
    owner: ${owner:=platform}
`,
	})
	ns := objectNamed(t, inv, "Namespace", "payments")
	want := map[string]string{"istio.io/dataplane-mode": "ambient", "owner": "platform", "region": "${region}"}
	if diff := cmp.Diff(want, ns.Labels); diff != "" {
		t.Errorf("substituted labels (-want +got):\n%s", diff)
	}
	if typed, ok := ns.Typed.(*corev1.Namespace); !ok || typed.Labels["istio.io/dataplane-mode"] != "ambient" {
		t.Errorf("typed Namespace = %#v, want it decoded from the substituted node", ns.Typed)
	}
	if len(m.Enrollments) != 1 || m.Enrollments[0].Object != ns {
		t.Errorf("enrollments = %v, want the substituted Namespace", m.Enrollments)
	}
	if got := objectNamed(t, inv, "Namespace", "opaque").Labels["owner"]; got != "${owner:=platform}" {
		t.Errorf("with variables outside the tree, owner = %q, want it left opaque", got)
	}
}

func TestEnvsubst(t *testing.T) {
	vars := map[string]string{"a": "1", "empty": ""}
	tests := []struct {
		in       string
		complete bool
		want     string
	}{
		{"${a}", true, "1"},
		{"x-${a}-y", true, "x-1-y"},
		{"${b}", true, "${b}"},
		{"${b:=2}", true, "2"},
		{"${b:=2}", false, "${b:=2}"},
		{"${empty:=2}", false, "2"},
		// fluxcd/pkg envsubst maps "=" and "-" to the same default function as ":=" and
		// ":-": the default applies when the variable is unset or empty.
		{"${empty=2}", true, "2"},
		{"${empty-2}", true, "2"},
		{"${a-2}", true, "1"},
		{"$${a}", true, "${a}"},
		{"${a/1/2}", true, "${a/1/2}"},
		{"$a", true, "$a"},
	}
	for _, tt := range tests {
		t.Run(tt.in+" expands to "+tt.want, func(t *testing.T) {
			if got := envsubst(tt.in, vars, tt.complete); got != tt.want {
				t.Errorf("envsubst(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestModelResolvesDependenciesInTheirOwnCluster(t *testing.T) {
	// Two clusters define Kustomizations of the same names; each apps depends on its own
	// cluster's infra, as Flux resolves dependsOn in the cluster the Kustomization lives in.
	tree := map[string]string{}
	for _, c := range []string{"prod", "staging"} {
		for name, data := range fluxTree("  wait: true\n", "") {
			name = strings.Replace(name, "clusters/prod/", "clusters/"+c+"/", 1)
			data = strings.ReplaceAll(data, "./clusters/prod", "./clusters/"+c)
			data = strings.ReplaceAll(data, "./infrastructure", "./infrastructure/"+c)
			data = strings.ReplaceAll(data, "./apps", "./apps/"+c)
			if strings.HasPrefix(name, "infrastructure/") || strings.HasPrefix(name, "apps/") {
				dir, file, _ := strings.Cut(name, "/")
				name = dir + "/" + c + "/" + file
			}
			tree[name] = data
		}
	}
	m, _ := build(t, tree)
	var got []string
	for _, u := range m.Units {
		for _, d := range u.DependsOn {
			got = append(got, u.Paths[0]+" -> "+d.Unit.Paths[0])
		}
	}
	want := []string{"apps/prod -> infrastructure/prod", "apps/staging -> infrastructure/staging"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}
}

func TestModelRenamesNamespacesAsKustomizeDoes(t *testing.T) {
	const nsApp = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n  labels: {istio.io/dataplane-mode: ambient}\n"
	m, inv := build(t, map[string]string{
		"apps/prod.yaml": `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: prod}
spec:
  destination: {namespace: dest}
  source: {repoURL: https://github.com/example/gitops.git, path: overlays/prod}
`,
		"apps/staging.yaml": `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: staging}
spec:
  destination: {namespace: dest}
  source: {repoURL: https://github.com/example/gitops.git, path: overlays/staging}
`,
		"overlays/prod/kustomization.yaml":    "namespace: app-prod\nresources:\n  - ../../base\n",
		"overlays/staging/kustomization.yaml": "namespace: app-staging\nresources:\n  - ../../base\n",
		"base/kustomization.yaml":             "resources:\n  - namespace.yaml\n  - deploy.yaml\n",
		"base/namespace.yaml":                 nsApp,
		// The Deployment syncs at an earlier wave: gitops-engine still creates the
		// Namespace first, since the Deployment is in it under its new name.
		"base/deploy.yaml": `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {argocd.argoproj.io/sync-wave: "-3"}
`,
		// A kustomization without a namespace keeps the name, and so does an Argo CD
		// destination namespace, which only defaults the namespace of namespaced objects.
		"apps/kept.yaml": `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: kept}
spec:
  destination: {namespace: dest}
  source: {repoURL: https://github.com/example/gitops.git, path: kept}
`,
		"kept/kustomization.yaml": "resources:\n  - namespace.yaml\n",
		"kept/namespace.yaml":     "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kept\n  labels: {istio.io/dataplane-mode: ambient}\n",
		// A Flux targetNamespace sets kustomize's namespace: it renames too.
		"flux/ks.yaml": `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: tenant, namespace: flux-system}
spec:
  path: ./tenant
  targetNamespace: tenant-prod
  sourceRef: {kind: GitRepository, name: flux-system}
`,
		"tenant/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tenant\n  labels: {istio.io/dataplane-mode: ambient}\n",
	})
	t.Run("each Namespace object has the names the cluster gets", func(t *testing.T) {
		got := map[string][]string{}
		for _, name := range []string{"app", "kept", "tenant"} {
			o := objectNamed(t, inv, "Namespace", name)
			got[name] = append([]string{m.Name(o)}, m.Names(o)...)
		}
		want := map[string][]string{
			"app":    {"app-prod", "app-prod", "app-staging"},
			"kept":   {"kept", "kept"},
			"tenant": {"tenant-prod", "tenant-prod"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("names (-want +got):\n%s", diff)
		}
	})
	t.Run("the inventory finds a renamed Namespace by its new names only", func(t *testing.T) {
		got := map[string]string{}
		for _, name := range []string{"app", "app-prod", "app-staging", "kept", "dest", "tenant", "tenant-prod"} {
			if o := inv.Namespace(name); o != nil {
				got[name] = o.Ref.Name
			}
		}
		want := map[string]string{"app-prod": "app", "app-staging": "app", "kept": "kept", "tenant-prod": "tenant"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Namespace(name) → written name (-want +got):\n%s", diff)
		}
	})
	t.Run("enrollments name the namespaces the cluster gets, one per name", func(t *testing.T) {
		var got []string
		for _, e := range m.Enrollments {
			var units []string
			for _, p := range e.Placements {
				units = append(units, p.Unit.String())
			}
			got = append(got, e.Namespace+": "+e.What+" in "+strings.Join(units, ", "))
		}
		want := []string{
			"app-prod: Namespace app-prod (written as app) in Application prod",
			"app-staging: Namespace app-staging (written as app) in Application staging",
			"kept: Namespace kept in Application kept",
			"tenant-prod: Namespace tenant-prod (written as tenant) in Kustomization flux-system/tenant",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("enrollments (-want +got):\n%s", diff)
		}
	})
	t.Run("a renamed Namespace syncs before the objects in its new namespace", func(t *testing.T) {
		ns, deploy := m.Placements(objectNamed(t, inv, "Namespace", "app")), m.Placements(objectNamed(t, inv, "Deployment", "web"))
		if len(ns) != 2 || len(deploy) != 2 {
			t.Fatalf("placements: Namespace %v, Deployment %v; want two each", ns, deploy)
		}
		if r := m.Compare(deploy[0], ns[0]); !r.After {
			t.Errorf("Deployment web in app-prod is not ordered after Namespace app-prod: %+v", r)
		}
		if r := m.Compare(ns[0], deploy[0]); r.After {
			t.Errorf("Namespace app-prod is ordered after Deployment web in it: %+v", r)
		}
	})
}

// The Flux Operator's FluxInstance syncs spec.sync.path through a Kustomization it names
// after its namespace: what that path holds is applied by Flux, not by hand.
func TestModelFluxInstance(t *testing.T) {
	m, inv := buildAll(t, map[string]string{
		"clusters/prod/flux-system/instance.yaml": `
apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata: {name: flux, namespace: flux-system}
spec:
  distribution: {version: "2.x", registry: ghcr.io/fluxcd}
  sync:
    kind: GitRepository
    url: https://github.com/example/fleet.git
    ref: refs/heads/main
    path: clusters/prod
`,
		"clusters/prod/apps.yaml": `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps
  dependsOn: [{name: flux-system}]
  sourceRef: {kind: GitRepository, name: flux-system}
`,
		"clusters/prod/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
		"apps/cm.yaml":          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: shop}\n",
		"other/ns.yaml":         "apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n",
	})
	unitOf := func(kind, name string) string {
		ps := m.Placements(objectNamed(t, inv, kind, name))
		if len(ps) == 0 {
			return "none"
		}
		return ps[0].Unit.String()
	}
	for _, tt := range []struct{ kind, name, want string }{
		{"Namespace", "shop", "Kustomization flux-system/flux-system"},
		{"Kustomization", "apps", "Kustomization flux-system/flux-system"},
		{"ConfigMap", "cm", "Kustomization flux-system/apps"},
		{"FluxInstance", "flux", "Kustomization flux-system/flux-system"},
		{"Namespace", "other", "no Application"}, // the implicit Application
	} {
		if got := unitOf(tt.kind, tt.name); got != tt.want {
			t.Errorf("%s %s is applied by %s, want %s", tt.kind, tt.name, got, tt.want)
		}
	}
}
