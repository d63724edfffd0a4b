package probe

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"

	"github.com/ambientkit/ambientkit/readiness"
)

func newProbe(t *testing.T, cfg *rest.Config, opts Options) *Probe {
	t.Helper()
	p, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckAgainstAPIServer(t *testing.T) {
	cfg := apiServer(t)
	installMesh(t, cfg)
	k := newKube(t, cfg)
	k.namespace("shop", ambientNS)
	k.replicaSet("shop", "cart-new", "cart")
	k.replicaSet("shop", "cart-old", "cart")
	k.pod("shop", "cart-new-a", "cart-new", enabled, false)
	k.pod("shop", "cart-old-a", "cart-old", sidecar, false)
	k.pod("shop", "node-exporter", "", nil, true)
	k.waypoint("shop", "waypoint", true, true)
	k.service("shop", "cart", map[string]string{"app": "cart"}, ptr(true))
	k.serviceEntryNotBound("shop", "payments")

	got, err := newProbe(t, cfg, Options{Namespaces: []string{"shop"}}).Check(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := readiness.Report{Checks: append(slices.Clone(meshChecks),
		readiness.Check{Name: "waypoint shop/waypoint", Result: readiness.Result{Status: readiness.Ready,
			Reason: "programmed; Deployment shop/waypoint 1/1 replicas available"}},
		readiness.Check{Name: "waypoint-bindings shop", Result: readiness.Result{Status: readiness.NotReady,
			Reason:      "1/2 waypoint bindings failed: ServiceEntry payments: WaypointNotFound: waypoint shop/missing not found",
			Remediation: "check the istio.io/use-waypoint labels and that the waypoint exists and allows this namespace"}},
		readiness.Check{Name: "enrollment shop", Result: readiness.Result{Status: readiness.NotReady,
			Reason:      "1 pods still carry a sidecar: restart deployment/cart",
			Remediation: "kubectl -n shop rollout restart deployment/cart"},
			Restarts: []readiness.Restart{{Namespace: "shop", Kind: "Deployment", Name: "cart", Pods: []string{"cart-old-a"},
				Command: "kubectl -n shop rollout restart deployment/cart"}}},
		kialiCheck,
	)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Check() mismatch (-want +got):\n%s", diff)
	}

	t.Run("a waypoint Programmed without its Deployment is not ready", func(t *testing.T) {
		k.namespace("shop-2", ambientNS)
		k.waypoint("shop-2", "waypoint", true, false)
		got, err := newProbe(t, cfg, Options{Namespaces: []string{"shop-2"}}).Check(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		c := find(got, "waypoint shop-2/waypoint")
		want := readiness.Result{Status: readiness.NotReady, Remediation: "kubectl -n shop-2 describe gateway/waypoint",
			Reason: "programmed, but no Deployment labelled gateway.networking.k8s.io/gateway-name=waypoint"}
		if diff := cmp.Diff(want, c.Result); diff != "" {
			t.Errorf("waypoint check mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("without namespaces the probe checks every enrolled namespace", func(t *testing.T) {
		got, err := newProbe(t, cfg, Options{}).Check(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"enrollment shop", "enrollment shop-2", "waypoint shop/waypoint"} {
			if find(got, name).Name == "" {
				t.Errorf("no %q check in %v", name, names(got))
			}
		}
	})

	t.Run("an enrolled namespace without Pods is Unknown", func(t *testing.T) {
		k.namespace("empty", ambientNS)
		got, err := newProbe(t, cfg, Options{Namespaces: []string{"empty"}}).Check(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		want := readiness.Result{Status: readiness.Unknown, Reason: "no Pods yet, so their capture cannot be checked",
			Remediation: "deploy the workloads of namespace empty, then check again"}
		if diff := cmp.Diff(want, find(got, "enrollment empty").Result); diff != "" {
			t.Errorf("enrollment check mismatch (-want +got):\n%s", diff)
		}
		if got.Ready() {
			t.Errorf("a report with an enrolled, empty namespace is Ready: %s", got.Progress())
		}
	})

	t.Run("a namespace that does not exist is not ready", func(t *testing.T) {
		got, err := newProbe(t, cfg, Options{Namespaces: []string{"nowhere"}}).Check(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		want := readiness.Result{Status: readiness.NotReady, Reason: "namespace nowhere not found"}
		if diff := cmp.Diff(want, find(got, "enrollment nowhere").Result); diff != "" {
			t.Errorf("enrollment check mismatch (-want +got):\n%s", diff)
		}
	})
}

func find(r readiness.Report, name string) readiness.Check {
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	return readiness.Check{}
}

func names(r readiness.Report) []string {
	var out []string
	for _, c := range r.Checks {
		out = append(out, c.Name)
	}
	return out
}

// countingTransport counts the requests made through a rest.Config.
type countingTransport struct {
	next http.RoundTripper
	n    *atomic.Int64
}

func (c countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

func countingConfig(cfg *rest.Config) (*rest.Config, *atomic.Int64) {
	n := &atomic.Int64{}
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return countingTransport{next: rt, n: n} })
	return cfg, n
}

func TestRequestsAreBoundedByNamespaces(t *testing.T) {
	cfg := apiServer(t)
	installMesh(t, cfg)
	k := newKube(t, cfg)
	k.namespace("one-pod", ambientNS)
	k.pod("one-pod", "only", "", enabled, false)
	k.namespace("many-pods", ambientNS)
	for i := range 40 {
		k.pod("many-pods", "pod-"+string(rune('a'+i/26))+string(rune('a'+i%26)), "", enabled, false)
	}
	k.namespace("third", ambientNS)
	k.pod("third", "only", "", enabled, false)

	requests := func(opts Options) (int64, readiness.Report) {
		t.Helper()
		counted, n := countingConfig(cfg)
		r, err := newProbe(t, counted, opts).Check(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return n.Load(), r
	}
	one, _ := requests(Options{Namespaces: []string{"one-pod"}})
	many, r := requests(Options{Namespaces: []string{"many-pods"}})
	two, _ := requests(Options{Namespaces: []string{"many-pods", "one-pod"}})
	three, _ := requests(Options{Namespaces: []string{"many-pods", "one-pod", "third"}})
	t.Logf("requests: 1 namespace %d (40 pods: %d), 2 namespaces %d, 3 namespaces %d", one, many, two, three)

	if got := find(r, "enrollment many-pods").Reason; got != "40/40 pods captured" {
		t.Errorf("enrollment many-pods reason = %q, want 40/40 pods captured", got)
	}
	if many != one {
		t.Errorf("a namespace of 40 pods took %d requests, one of 1 pod %d: requests must not grow with pods", many, one)
	}
	// Per namespace: the Namespace, its Pods, Services and ServiceEntries (and ReplicaSets only
	// when a sidecar Pod needs its Deployment named).
	const perNamespace, constant = 5, 16
	if d := two - one; d > perNamespace {
		t.Errorf("a second namespace added %d requests, want at most %d", d, perNamespace)
	}
	if three-two != two-one {
		t.Errorf("requests grow unevenly with namespaces: %d, %d, %d", one, two, three)
	}
	if one > constant+perNamespace {
		t.Errorf("a check of one namespace took %d requests, want at most %d", one, constant+perNamespace)
	}

	t.Run("small pages still see every pod", func(t *testing.T) {
		paged, r := requests(Options{Namespaces: []string{"many-pods"}, PageSize: 7})
		if got := find(r, "enrollment many-pods").Reason; got != "40/40 pods captured" {
			t.Errorf("enrollment many-pods reason with pages of 7 = %q, want 40/40 pods captured", got)
		}
		if paged <= many {
			t.Errorf("pages of 7 took %d requests, no more than unpaged %d: the probe did not paginate", paged, many)
		}
	})
}

func TestWait(t *testing.T) {
	cfg := apiServer(t)
	installMesh(t, cfg)
	k := newKube(t, cfg)

	t.Run("returns once capture completes, reporting progress", func(t *testing.T) {
		k.namespace("rollout", ambientNS)
		pod := k.pod("rollout", "web-1", "", pending, false)
		var mu sync.Mutex
		var seen []readiness.Report
		first := make(chan struct{})
		progress := func(r readiness.Report) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, r)
			if len(seen) == 1 {
				close(first)
			}
		}
		ctx, cancel := waitTimeout(t)
		defer cancel()
		done := make(chan struct{})
		var got readiness.Report
		var err error
		go func() {
			defer close(done)
			got, err = newProbe(t, cfg, Options{Namespaces: []string{"rollout"}}).Wait(ctx, progress)
		}()
		select {
		case <-first:
		case <-done:
			t.Fatalf("Wait returned before the pod was captured: %v, %v", got, err)
		}
		pod.Annotations = enabled
		if _, err := k.core.CoreV1().Pods("rollout").Update(t.Context(), pod, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		<-done
		if err != nil {
			t.Fatalf("Wait() error = %v", err)
		}
		if !got.Ready() {
			t.Errorf("Wait() returned a report that is not ready: %v", got)
		}
		mu.Lock()
		defer mu.Unlock()
		if want := "ready 6/7 · waiting for enrollment rollout: 1/1 pods pending capture: web-1"; seen[0].Progress() != want {
			t.Errorf("first progress = %q, want %q", seen[0].Progress(), want)
		}
		if last := seen[len(seen)-1]; !last.Ready() {
			t.Errorf("last progress is not ready: %s", last.Progress())
		}
	})

	t.Run("waits for the Pods of an enrolled namespace that has none yet", func(t *testing.T) {
		k.namespace("later", ambientNS)
		first := make(chan readiness.Report, 1)
		progress := func(r readiness.Report) {
			select {
			case first <- r:
			default:
			}
		}
		ctx, cancel := waitTimeout(t)
		defer cancel()
		done := make(chan struct{})
		var got readiness.Report
		var err error
		go func() {
			defer close(done)
			got, err = newProbe(t, cfg, Options{Namespaces: []string{"later"}}).Wait(ctx, progress)
		}()
		select {
		case r := <-first:
			if want := "ready 6/7 · waiting for enrollment later: no Pods yet, so their capture cannot be checked"; r.Progress() != want {
				t.Errorf("first progress = %q, want %q", r.Progress(), want)
			}
		case <-done:
			t.Fatalf("Wait returned before the namespace had a Pod: %v, %v", got.Progress(), err)
		}
		k.pod("later", "web-1", "", enabled, false)
		<-done
		if err != nil {
			t.Fatalf("Wait() error = %v", err)
		}
		if c := find(got, "enrollment later"); c.Status != readiness.Ready || c.Reason != "1/1 pods captured" {
			t.Errorf("enrollment later = %v %q, want Ready 1/1 pods captured", c.Status, c.Reason)
		}
	})

	t.Run("returns the last state when the time is up", func(t *testing.T) {
		k.namespace("stuck", ambientNS)
		k.pod("stuck", "web-1", "", nil, false)
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		start := time.Now()
		got, err := newProbe(t, cfg, Options{Namespaces: []string{"stuck"}}).Wait(ctx, nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait() error = %v, want a deadline exceeded", err)
		}
		if elapsed := time.Since(start); elapsed > 10*time.Second {
			t.Errorf("Wait() took %s past a 3s timeout", elapsed)
		}
		want := readiness.Result{Status: readiness.NotReady, Reason: "1/1 pods not captured: web-1",
			Remediation: "check istio-cni on the Pods' nodes: kubectl -n istio-system get pods -l k8s-app=istio-cni-node -o wide"}
		if diff := cmp.Diff(want, find(got, "enrollment stuck").Result); diff != "" {
			t.Errorf("last enrollment state mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("stops when cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(500*time.Millisecond, cancel)
		_, err := newProbe(t, cfg, Options{Namespaces: []string{"stuck"}}).Wait(ctx, nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Wait() error = %v, want context.Canceled", err)
		}
	})
}

func TestMissingCRDIsNotReady(t *testing.T) {
	cfg := apiServer(t)
	installMesh(t, cfg)
	ext := apiextclient.NewForConfigOrDie(cfg)
	const name = "gatewayclasses.gateway.networking.k8s.io"
	orig, err := ext.ApiextensionsV1().CustomResourceDefinitions().Get(t.Context(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ext.ApiextensionsV1().CustomResourceDefinitions().Delete(t.Context(), name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { restoreCRD(t, ext, orig) })
	// Deletion waits for the CRD's (absent) objects to be removed; wait for it to go. Only
	// NotFound says it has: on a loaded machine a Get can also time out or be throttled.
	gone := func(ctx context.Context) (bool, error) {
		_, err := ext.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, name, metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	}
	if err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, 2*time.Minute, true, gone); err != nil {
		t.Fatal(err)
	}
	got, err := newProbe(t, cfg, Options{Namespaces: []string{"istio-system"}}).Check(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := readiness.Result{Status: readiness.NotReady,
		Remediation: "kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.3/standard-install.yaml",
		Reason:      "Gateway API CRD gatewayclasses.gateway.networking.k8s.io not installed"}
	if diff := cmp.Diff(want, find(got, "gateway-api-crds").Result); diff != "" {
		t.Errorf("gateway-api-crds mismatch (-want +got):\n%s", diff)
	}
}

func restoreCRD(t *testing.T, ext apiextclient.Interface, orig *apiextv1.CustomResourceDefinition) {
	crd := orig.DeepCopy()
	crd.ResourceVersion, crd.UID, crd.Status = "", "", apiextv1.CustomResourceDefinitionStatus{}
	ctx := context.Background()
	if _, err := ext.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, crd, metav1.CreateOptions{}); err != nil {
		t.Errorf("restoring CRD %s: %v", crd.Name, err)
		return
	}
	established := func(ctx context.Context) (bool, error) {
		got, err := ext.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, crd.Name, metav1.GetOptions{})
		return err == nil && readiness.CRD(got).Status == readiness.Ready, nil
	}
	if err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, established); err != nil {
		t.Errorf("restoring CRD %s: %v", crd.Name, err)
	}
}

// unknownReasons returns the reasons of the report's Unknown checks.
func unknownReasons(r readiness.Report) []string {
	var out []string
	for _, c := range r.Checks {
		if c.Status == readiness.Unknown {
			out = append(out, c.Name+": "+c.Reason)
		}
	}
	return out
}
