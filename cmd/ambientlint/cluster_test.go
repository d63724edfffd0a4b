package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/rules"
	"github.com/ambientkit/ambientkit/manifest/cluster"
)

func TestClusterUsage(t *testing.T) {
	unreachable := writeKubeconfig(t, "https://127.0.0.1:1", nil, "")
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"--fix is refused", []string{"--cluster", "--fix"}, "--fix works on the files of a repository, not on a live cluster (--cluster)"},
		{"--diff is refused", []string{"--cluster", "--diff"}, "--diff works on the files of a repository"},
		{"--base is refused", []string{"--cluster", "--base", "HEAD"}, "--base works on the files of a repository"},
		{"stdin is refused", []string{"--cluster", "-"}, "cannot be stdin"},
		{"--kubeconfig needs --cluster", []string{"--kubeconfig", unreachable}, "--kubeconfig, --context and --namespace need --cluster"},
		{"-n needs --cluster", []string{"-n", "shop"}, "need --cluster"},
		{"order refuses --cluster", []string{"order", "--cluster"}, "a live cluster (--cluster) has none"},
		{"a missing kubeconfig is an error", []string{"--cluster", "--kubeconfig", "testdata/no-such-kubeconfig"}, "reading kubeconfig"},
		{"an unreachable cluster says what it tried to reach", []string{"--cluster", "--kubeconfig", unreachable},
			"ambientlint: reaching the API server https://127.0.0.1:1: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != exitError || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("ambientlint %q = %d, stderr %q; want %d and %q", tt.args, code, stderr.String(), exitError, tt.stderr)
			}
			if stdout.Len() > 0 {
				t.Errorf("ambientlint %q wrote to stdout: %q", tt.args, stdout.String())
			}
		})
	}
}

// The objects of the live cluster of TestClusterAgainstAPIServer, each with a known mistake.
const liveObjects = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/dataplane-mode: ambient
    istio-injection: enabled
---
apiVersion: v1
kind: Namespace
metadata:
  name: typo
  labels:
    istio.io/dataplane-mod: ambient
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: vendor
  namespace: shop
spec:
  hosts: ["*.vendor.example"]
  location: MESH_EXTERNAL
  ports:
  - {number: 443, name: tls, protocol: TLS}
  resolution: DNS
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
  labels:
    istio.io/use-waypoint: missing
spec:
  ports:
  - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: api-7d9c-x2x
  namespace: shop
  labels:
    istio.io/use-waypoint: missing
  ownerReferences:
  - {apiVersion: apps/v1, kind: ReplicaSet, name: api-7d9c, uid: 00000000-0000-0000-0000-000000000001, controller: true}
spec:
  containers:
  - {name: api, image: registry.example/api:1}
`

// TestClusterAgainstAPIServer runs ambientlint --cluster against a real kube-apiserver, as an
// identity that has only the ClusterRole of examples/cluster-rbac: the role suffices (no
// permission is missing), the findings are placed at the live objects in every format, and
// removing one resource from the role gives the finding that names it.
func TestClusterAgainstAPIServer(t *testing.T) {
	env, cfg := startAPIServer(t)
	admin := kubernetes.NewForConfigOrDie(cfg)
	createObjects(t, cfg, liveObjects)

	role := exampleClusterRole(t)
	kubeconfig := roleUser(t, env, cfg, admin, "ambientlint", role)
	lint := func(t *testing.T, kubeconfig string, args ...string) (stdout, stderr string, code int) {
		t.Helper()
		var out, errb bytes.Buffer
		code = run(t.Context(), append([]string{"--cluster", "--kubeconfig", kubeconfig}, args...), strings.NewReader(""), &out, &errb)
		return out.String(), errb.String(), code
	}

	t.Run("the findings are placed at the live objects", func(t *testing.T) {
		stdout, stderr, code := lint(t, kubeconfig)
		// The Pod that a ReplicaSet owns names the same missing waypoint, and is left to its
		// owner: no finding.
		want := `Namespace shop: error: Namespace "shop" has both the label istio.io/dataplane-mode=ambient and the label istio-injection=enabled; sidecar injection wins, so its pods get sidecars and stay out of ambient: remove the label istio-injection [AMB202 sidecar-ambient-conflict]
Namespace typo: error: unknown Istio label key "istio.io/dataplane-mod": did you mean "istio.io/dataplane-mode"?; Istio ignores it, so the object is neither enrolled in ambient mode nor opted out [AMB002 unknown-istio-key]
Service shop/api: error: Service shop/api uses waypoint "missing" in its namespace shop, but the tree defines no Gateway shop/missing there: istiod sends its traffic around any waypoint [AMB203 waypoint-not-found]
ServiceEntry shop/vendor: error: ServiceEntry vendor has wildcard host "*.vendor.example": list explicit hosts, or allow it in egress.allowWildcards [AMB301 wildcard-egress]
ServiceEntry shop/vendor: error: ServiceEntry vendor: with resolution DNS and no endpoints every host must be a fully qualified name, and "*.vendor.example" is not: use resolution NONE for wildcard hosts, or list the hosts (domain name "*.vendor.example" invalid (label "*" invalid)) [AMB302 invalid-service-entry]
`
		if diff := cmp.Diff(want, stdout); diff != "" {
			t.Errorf("findings (-want +got):\n%s", diff)
		}
		if code != exitFindings {
			t.Errorf("exit status %d, want %d; stderr %s", code, exitFindings, stderr)
		}
		if n := strings.Count(stderr, notLiveNote); n != 1 {
			t.Errorf("stderr says %d times that the GitOps order rules do not apply, want once:\n%s", n, stderr)
		}
		if !strings.Contains(stderr, "5 errors, 0 warnings, 0 infos in cluster ") {
			t.Errorf("stderr has no summary of the cluster run:\n%s", stderr)
		}
	})

	t.Run("json names the object and the field", func(t *testing.T) {
		stdout, _, _ := lint(t, kubeconfig, "--format", "json")
		var got struct {
			Findings []struct {
				Rule   string
				File   string
				Object map[string]string
				Field  string
			}
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(got.Findings, func(f struct {
			Rule   string
			File   string
			Object map[string]string
			Field  string
		}) bool {
			return f.Rule == "AMB301"
		})
		if i < 0 {
			t.Fatalf("no AMB301 in %s", stdout)
		}
		f := got.Findings[i]
		want := map[string]string{"apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry", "namespace": "shop", "name": "vendor"}
		if diff := cmp.Diff(want, f.Object); diff != "" || f.Field != "spec.hosts[0]" || f.File != "" {
			t.Errorf("AMB301 object (-want +got):\n%s\nfield %q, file %q", diff, f.Field, f.File)
		}
	})

	t.Run("-n reads only the namespaces named", func(t *testing.T) {
		stdout, _, _ := lint(t, kubeconfig, "-n", "typo")
		want := `Namespace typo: error: unknown Istio label key "istio.io/dataplane-mod": did you mean "istio.io/dataplane-mode"?; Istio ignores it, so the object is neither enrolled in ambient mode nor opted out [AMB002 unknown-istio-key]` + "\n"
		if diff := cmp.Diff(want, stdout); diff != "" {
			t.Errorf("findings with -n typo (-want +got):\n%s", diff)
		}
	})

	t.Run("a finding about an object the repository also holds says where", func(t *testing.T) {
		dir := t.TempDir()
		se := "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: vendor\n  namespace: shop\nspec:\n  hosts: [api.vendor.example]\n  resolution: DNS\n"
		if err := os.WriteFile(filepath.Join(dir, "serviceentry.yaml"), []byte(se), 0o644); err != nil {
			t.Fatal(err)
		}
		stdout, _, _ := lint(t, kubeconfig, "--disable", "AMB302", dir)
		want := `ServiceEntry shop/vendor: error: ServiceEntry vendor has wildcard host "*.vendor.example": list explicit hosts, or allow it in egress.allowWildcards [AMB301 wildcard-egress]
    ` + filepath.Join(dir, "serviceentry.yaml") + `:1:1: ServiceEntry shop/vendor is also in the repository, here; the live object is what was linted (drift is not compared)
`
		if !strings.Contains(stdout, want) {
			t.Errorf("findings with the repository beside the cluster do not hold\n%s\ngot:\n%s", want, stdout)
		}
	})

	t.Run("the role grants exactly the reads of a run", func(t *testing.T) {
		r, err := cluster.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		read, err := r.Read(t.Context(), cluster.Options{Kinds: engine.LiveKinds(nil, rules.All())})
		if err != nil {
			t.Fatal(err)
		}
		var requested []string
		for _, q := range read.Requests {
			requested = append(requested, q.GroupResource())
		}
		var granted []string
		for _, rule := range role.Rules {
			if diff := cmp.Diff([]string{"get", "list"}, rule.Verbs); diff != "" {
				t.Errorf("the role grants other verbs than get and list (-want +got):\n%s", diff)
			}
			for _, res := range rule.Resources {
				granted = append(granted, schema.GroupResource{Group: rule.APIGroups[0], Resource: res}.String())
			}
		}
		slices.Sort(requested)
		slices.Sort(granted)
		// Kiali's CRD, OpenShift's routes and Cilium's policies are not served here: granted,
		// never requested.
		notServed := []string{"kialis.kiali.io", "routes.route.openshift.io",
			"ciliumnetworkpolicies.cilium.io", "ciliumclusterwidenetworkpolicies.cilium.io"}
		want := slices.DeleteFunc(slices.Clone(granted), func(s string) bool { return slices.Contains(notServed, s) })
		if diff := cmp.Diff(want, requested); diff != "" {
			t.Errorf("resources the role grants and a run requests (-granted +requested):\n%s", diff)
		}
	})

	t.Run("a resource missing from the role is a finding that names the permission", func(t *testing.T) {
		less := role.DeepCopy()
		less.Name = "ambientlint-cluster-without-serviceentries"
		for i, rule := range less.Rules {
			less.Rules[i].Resources = slices.DeleteFunc(slices.Clone(rule.Resources), func(r string) bool { return r == "serviceentries" })
		}
		kc := roleUser(t, env, cfg, admin, "ambientlint-less", less)
		stdout, _, code := lint(t, kc)
		want := `ServiceEntry *: error: forbidden: cannot list serviceentries.networking.istio.io at the cluster scope: grant "list" on serviceentries.networking.istio.io to the identity running ambientlint (see examples/cluster-rbac); these objects were not linted [AMB001 invalid-yaml]`
		if !strings.Contains(stdout, want+"\n") || strings.Contains(stdout, "AMB301") || code != exitFindings {
			t.Errorf("exit %d, findings:\n%s\nwant the line\n%s\nand no AMB301", code, stdout, want)
		}
		stdout, _, _ = lint(t, kc, "-n", "shop")
		want = `ServiceEntry shop/*: error: forbidden: cannot list serviceentries.networking.istio.io in namespace shop: grant "list" on serviceentries.networking.istio.io`
		if !strings.Contains(stdout, want) {
			t.Errorf("findings with -n shop:\n%s\nwant a line starting\n%s", stdout, want)
		}
	})
}

// exampleClusterRole reads the ClusterRole of examples/cluster-rbac.
func exampleClusterRole(t *testing.T) *rbacv1.ClusterRole {
	t.Helper()
	raw, err := os.ReadFile("../../examples/cluster-rbac/rbac.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range bytes.Split(raw, []byte("\n---")) {
		role := &rbacv1.ClusterRole{}
		if err := yaml.UnmarshalStrict(doc, role); err == nil && role.Kind == "ClusterRole" {
			return role
		}
	}
	t.Fatal("examples/cluster-rbac/rbac.yaml has no ClusterRole")
	return nil
}

// roleUser creates role, a user called name with no other permission bound to it, and
// returns the path of the user's kubeconfig once the API server authorizes the user's reads.
func roleUser(t *testing.T, env *envtest.Environment, cfg *rest.Config, admin kubernetes.Interface, name string, role *rbacv1.ClusterRole) string {
	t.Helper()
	ctx := t.Context()
	role = role.DeepCopy()
	role.ResourceVersion = ""
	if _, err := admin.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: name}}}
	if _, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	user, err := env.AddUser(envtest.User{Name: name}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	kc, err := user.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, kc, 0o600); err != nil {
		t.Fatal(err)
	}
	// The authorizer learns of a new binding through its informers: wait for the read of
	// the first resource the role grants.
	c := kubernetes.NewForConfigOrDie(user.Config())
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := c.CoreV1().Namespaces().List(ctx, metav1.ListOptions{Limit: 1}); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("user %s cannot list namespaces: %v", name, err)
		}
	}
	return path
}

// createObjects creates the objects of a multi-document YAML text as the admin.
func createObjects(t *testing.T, cfg *rest.Config, docs string) {
	t.Helper()
	dyn := dynamic.NewForConfigOrDie(cfg)
	resources := map[string]schema.GroupVersionResource{
		"Namespace":    {Version: "v1", Resource: "namespaces"},
		"Service":      {Version: "v1", Resource: "services"},
		"Pod":          {Version: "v1", Resource: "pods"},
		"ServiceEntry": {Group: "networking.istio.io", Version: "v1", Resource: "serviceentries"},
	}
	for _, doc := range strings.Split(docs, "\n---") {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
			t.Fatal(err)
		}
		gvr, ok := resources[u.GetKind()]
		if !ok {
			t.Fatalf("no resource for kind %s", u.GetKind())
		}
		if _, err := dyn.Resource(gvr).Namespace(u.GetNamespace()).Create(t.Context(), u, metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating %s %s: %v", u.GetKind(), u.GetName(), err)
		}
	}
}
