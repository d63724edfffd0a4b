package probe

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/ambientkit/ambientkit/readiness"
)

// exampleRBAC reads the ServiceAccount, ClusterRole and ClusterRoleBinding of the example
// ready hook.
func exampleRBAC(t *testing.T) (*corev1.ServiceAccount, *rbacv1.ClusterRole, *rbacv1.ClusterRoleBinding) {
	t.Helper()
	const file = "../../examples/ready-hook/rbac.yaml"
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var sa *corev1.ServiceAccount
	var role *rbacv1.ClusterRole
	var binding *rbacv1.ClusterRoleBinding
	for _, doc := range bytes.Split(raw, []byte("\n---\n")) {
		var head struct{ Kind string }
		if err := yaml.Unmarshal(doc, &head); err != nil {
			t.Fatalf("reading %s: %v", file, err)
		}
		var into any
		switch head.Kind {
		case "ServiceAccount":
			sa = &corev1.ServiceAccount{}
			into = sa
		case "ClusterRole":
			role = &rbacv1.ClusterRole{}
			into = role
		case "ClusterRoleBinding":
			binding = &rbacv1.ClusterRoleBinding{}
			into = binding
		default:
			t.Fatalf("%s: unexpected kind %q", file, head.Kind)
		}
		if err := yaml.UnmarshalStrict(doc, into); err != nil {
			t.Fatalf("reading %s: %v", file, err)
		}
	}
	if sa == nil || role == nil || binding == nil {
		t.Fatalf("%s must hold a ServiceAccount, a ClusterRole and a ClusterRoleBinding", file)
	}
	return sa, role, binding
}

// serviceAccountConfig creates a ServiceAccount bound to rules and returns a configuration
// that authenticates as it with a token from the TokenRequest API.
func serviceAccountConfig(t *testing.T, k *kube, admin *rest.Config, ns, name string, rules []rbacv1.PolicyRule) *rest.Config {
	t.Helper()
	ctx := t.Context()
	_, err := k.core.CoreV1().ServiceAccounts(ns).Create(ctx,
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}, metav1.CreateOptions{})
	k.check(err)
	_, err = k.core.RbacV1().ClusterRoles().Create(ctx,
		&rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, metav1.CreateOptions{})
	k.check(err)
	_, err = k.core.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: ns}},
	}, metav1.CreateOptions{})
	k.check(err)
	tok, err := k.core.CoreV1().ServiceAccounts(ns).CreateToken(ctx, name, &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr(int64(3600))},
	}, metav1.CreateOptions{})
	k.check(err)
	return &rest.Config{
		Host:            admin.Host,
		BearerToken:     tok.Status.Token,
		TLSClientConfig: rest.TLSClientConfig{CAData: admin.CAData},
	}
}

// ruleResources names the resources of a rule as the probe's messages do: plural.group, or
// plural alone for the core group.
func ruleResources(r rbacv1.PolicyRule) []string {
	var out []string
	for _, g := range r.APIGroups {
		for _, res := range r.Resources {
			if g == "" {
				out = append(out, res)
			} else {
				out = append(out, res+"."+g)
			}
		}
	}
	return out
}

func TestExampleRBAC(t *testing.T) {
	admin := apiServer(t)
	installMesh(t, admin)
	k := newKube(t, admin)
	sa, role, binding := exampleRBAC(t)
	if binding.RoleRef.Name != role.Name || len(binding.Subjects) != 1 || binding.Subjects[0].Name != sa.Name ||
		binding.Subjects[0].Namespace != sa.Namespace {
		t.Fatalf("the example binding does not bind ClusterRole %s to ServiceAccount %s/%s", role.Name, sa.Namespace, sa.Name)
	}

	// A namespace that makes the probe use every rule: a sidecar Pod owned through a
	// ReplicaSet (replicasets), a waypoint binding, and Kiali (the route kinds).
	k.namespace("rbac-shop", ambientNS)
	k.replicaSet("rbac-shop", "cart-old", "cart")
	k.pod("rbac-shop", "cart-old-a", "cart-old", sidecar, false)
	k.service("rbac-shop", "cart", map[string]string{"app": "cart"}, ptr(true))
	k.namespace("rbac-ready", ambientNS)
	k.pod("rbac-ready", "web-1", "", enabled, false)
	k.namespace(sa.Namespace, nil)
	opts := Options{Namespaces: []string{"rbac-shop"}}

	// The variants, each without one resource of one rule, are created first and the
	// example's own last: RBAC is cached by an informer in the API server, so once the last
	// binding works, all do.
	type variant struct {
		resource string
		cfg      *rest.Config
	}
	var variants []variant
	for i, rule := range role.Rules {
		for j, res := range rule.Resources {
			rules := slices.Clone(role.Rules)
			rules[i].Resources = slices.Delete(slices.Clone(rule.Resources), j, j+1)
			if len(rules[i].Resources) == 0 {
				rules = slices.Delete(rules, i, i+1)
			}
			name := fmt.Sprintf("%s-without-%d-%d", sa.Name, i, j)
			variants = append(variants, variant{
				resource: ruleResources(rbacv1.PolicyRule{APIGroups: rule.APIGroups, Resources: []string{res}})[0],
				cfg:      serviceAccountConfig(t, k, admin, sa.Namespace, name, rules),
			})
		}
	}
	listOnly := slices.Clone(role.Rules)
	for i := range listOnly {
		listOnly[i].Verbs = []string{"list"}
	}
	noWatch := serviceAccountConfig(t, k, admin, sa.Namespace, sa.Name+"-list-only", listOnly)
	asSA := serviceAccountConfig(t, k, admin, sa.Namespace, sa.Name, role.Rules)

	want, err := newProbe(t, admin, opts).Check(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got readiness.Report
	allowed := func(ctx context.Context) (bool, error) {
		got, err = newProbe(t, asSA, opts).Check(ctx)
		return err == nil && len(unknownReasons(got)) == 0, nil
	}
	if err := wait.PollUntilContextTimeout(t.Context(), 200*time.Millisecond, 20*time.Second, true, allowed); err != nil {
		t.Fatalf("the example ServiceAccount cannot run the check: %v; unknown: %v", err, unknownReasons(got))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the check as the example ServiceAccount differs from the check as admin (-admin +sa):\n%s", diff)
	}

	t.Run("the example ServiceAccount can wait", func(t *testing.T) {
		ctx, cancel := waitTimeout(t)
		defer cancel()
		r, err := newProbe(t, asSA, Options{Namespaces: []string{"rbac-ready"}}).Wait(ctx, nil)
		if err != nil || !r.Ready() {
			t.Fatalf("Wait() as the example ServiceAccount = %v, %v; unknown: %v", r.Progress(), err, unknownReasons(r))
		}
	})

	for _, v := range variants {
		t.Run("without "+v.resource+" a check is Unknown naming it", func(t *testing.T) {
			r, err := newProbe(t, v.cfg, opts).Check(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			unknown := unknownReasons(r)
			if len(unknown) == 0 {
				t.Fatalf("no check is Unknown without list on %s: %v", v.resource, r.Progress())
			}
			for _, reason := range unknown {
				if !strings.Contains(reason, "forbidden: cannot list "+v.resource+" ") {
					t.Errorf("Unknown check %q does not name the missing %s", reason, v.resource)
				}
			}
		})
	}

	t.Run("without watch, waiting is Unknown naming it", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		r, _ := newProbe(t, noWatch, Options{Namespaces: []string{"rbac-ready"}}).Wait(ctx, nil)
		unknown := unknownReasons(r)
		if len(unknown) == 0 {
			t.Fatalf("no check is Unknown without watch: %v", r.Progress())
		}
		for _, reason := range unknown {
			if !strings.Contains(reason, "forbidden: cannot watch ") {
				t.Errorf("Unknown check %q does not name the missing watch", reason)
			}
		}
	})
}
