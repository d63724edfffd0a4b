package probe

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"sigs.k8s.io/yaml"

	"github.com/ambientkit/ambientkit/readiness"
)

// fakeProbe returns a Probe that reads a fake dynamic client holding the objects of the
// testdata files and objs. The fake ignores field selectors, so opts should not name
// namespaces.
func fakeProbe(t *testing.T, opts Options, files []string, objs ...map[string]any) *Probe {
	t.Helper()
	var all []*unstructured.Unstructured
	for _, name := range files {
		file := filepath.Join("..", "testdata", name)
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range bytes.Split(raw, []byte("\n---\n")) {
			if len(bytes.TrimSpace(doc)) == 0 {
				continue
			}
			u := &unstructured.Unstructured{}
			if err := yaml.Unmarshal(doc, &u.Object); err != nil {
				t.Fatalf("decoding %s: %v", file, err)
			}
			all = append(all, u)
		}
	}
	for _, o := range objs {
		all = append(all, &unstructured.Unstructured{Object: o})
	}
	// Every resource the probe reads, with the kind of its list.
	p := NewForClients(Clients{}, opts)
	listKinds := map[schema.GroupVersionResource]string{}
	resources := map[schema.GroupKind]schema.GroupVersionResource{}
	for _, l := range []struct {
		q    query
		kind string
	}{
		{p.qCRDs(), "CustomResourceDefinition"},
		{p.qDeployments(""), "Deployment"},
		{p.qDaemonSets(""), "DaemonSet"},
		{p.qReplicaSets(""), "ReplicaSet"},
		{p.qNamespaces("", ""), "Namespace"},
		{p.qPods(""), "Pod"},
		{p.qServices("", "", ""), "Service"},
		{p.qGateways(), "Gateway"},
		{p.qHTTPRoutes(), "HTTPRoute"},
		{p.qGRPCRoutes(), "GRPCRoute"},
		{p.qTLSRoutes(), "TLSRoute"},
		{p.qServiceEntries(""), "ServiceEntry"},
		{p.qVirtualServices(), "VirtualService"},
		{p.qIngresses(), "Ingress"},
	} {
		listKinds[l.q.gvr] = l.kind + "List"
		resources[schema.GroupKind{Group: l.q.gvr.Group, Kind: l.kind}] = l.q.gvr
	}
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds)
	// Objects are created under their resource: the fake would guess "gatewaies" for Gateway.
	for _, o := range all {
		gvr, ok := resources[o.GroupVersionKind().GroupKind()]
		if !ok {
			t.Fatalf("the probe reads no %s", o.GroupVersionKind())
		}
		if err := client.Tracker().Create(gvr, o, o.GetNamespace()); err != nil {
			t.Fatal(err)
		}
	}
	return NewForClients(Clients{Dynamic: client}, opts)
}

// fakeMesh is a cluster with every kind the probe reads: Istio 1.30 ready, a waypoint, failed
// waypoint bindings (a Service and a ServiceEntry), Pods that still carry a sidecar, and a
// Kiali exposed by an Ingress and a VirtualService.
var fakeMesh = []string{
	"crds/gateway-api-v1.6.3.yaml", "crds/istio-base-1.30.yaml", "istiod/ready.yaml",
	"daemonset/cni-ready.yaml", "daemonset/ztunnel-ready.yaml", "waypoint/ready.yaml",
	"bindings/failed.yaml", "enrollment/sidecar.yaml", "kiali/ingress-and-virtualservice.yaml",
}

// fakeMeshReport is the report of fakeMesh: what the evaluators' table tests say of the same
// fixtures.
var fakeMeshReport = readiness.Report{Checks: []readiness.Check{
	{Name: "gateway-api-crds", Result: readiness.Result{Status: readiness.Ready, Reason: "Gateway API CRDs v1.6.3 established"}},
	{Name: "istio-crds", Result: readiness.Result{Status: readiness.Ready, Reason: "15 Istio CRDs established"}},
	{Name: "istiod", Result: readiness.Result{Status: readiness.Ready, Reason: "Deployment istio-system/istiod 2/2 replicas available"}},
	{Name: "istio-cni", Result: readiness.Result{Status: readiness.Ready, Reason: "3/3 nodes ready"}},
	{Name: "ztunnel", Result: readiness.Result{Status: readiness.Ready, Reason: "3/3 nodes ready"}},
	{Name: "waypoint shop/waypoint", Result: readiness.Result{Status: readiness.Ready,
		Reason: "programmed; Deployment shop/waypoint 1/1 replicas available"}},
	{Name: "waypoint-bindings shop", Result: readiness.Result{Status: readiness.NotReady,
		Reason: "2/3 waypoint bindings failed: Service cart: WaypointNotFound: waypoint shop/missing not found; " +
			"ServiceEntry api: WaypointNotFound: waypoint shop/missing not found",
		Remediation: "check the istio.io/use-waypoint labels and that the waypoint exists and allows this namespace"}},
	{Name: "enrollment shop", Result: readiness.Result{Status: readiness.NotReady,
		Reason: "5 pods still carry a sidecar: restart deployment/cart, pod/debug, replicaset/orphan, statefulset/web",
		Remediation: "kubectl -n shop rollout restart deployment/cart; kubectl -n shop delete pod debug; " +
			"kubectl -n shop delete pod orphan-x; kubectl -n shop rollout restart statefulset/web"},
		Restarts: []readiness.Restart{
			{Namespace: "shop", Kind: "Deployment", Name: "cart", Pods: []string{"cart-5c9b-a", "cart-5c9b-b"},
				Command: "kubectl -n shop rollout restart deployment/cart"},
			{Namespace: "shop", Kind: "Pod", Name: "debug", Pods: []string{"debug"}, Command: "kubectl -n shop delete pod debug"},
			{Namespace: "shop", Kind: "ReplicaSet", Name: "orphan", Pods: []string{"orphan-x"},
				Command: "kubectl -n shop delete pod orphan-x"},
			{Namespace: "shop", Kind: "StatefulSet", Name: "web", Pods: []string{"web-0"},
				Command: "kubectl -n shop rollout restart statefulset/web"},
		}},
	{Name: "kiali", Result: readiness.Result{Status: readiness.NotReady,
		Reason: "Kiali is reachable from outside the cluster: Ingress istio-system/kiali via IngressClass nginx; " +
			"VirtualService istio-system/kiali via Gateway istio-ingress/public",
		Remediation: "make Kiali's Service ClusterIP and remove its routes; reach it with kubectl -n istio-system port-forward svc/kiali 20001"}},
}}

func TestCheckThroughDynamicClient(t *testing.T) {
	got, err := fakeProbe(t, Options{}, fakeMesh).Check(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fakeMeshReport, got); diff != "" {
		t.Errorf("Check() mismatch (-want +got):\n%s", diff)
	}

	t.Run("an object that does not decode makes its check Unknown, naming it", func(t *testing.T) {
		bad := map[string]any{
			"apiVersion": "v1", "kind": "Pod",
			"metadata": map[string]any{"name": "bad", "namespace": "shop"},
			"spec":     map[string]any{"hostNetwork": "yes"},
		}
		got, err := fakeProbe(t, Options{}, fakeMesh, bad).Check(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		want := readiness.Result{Status: readiness.Unknown, Reason: `listing pods in namespace shop: decoding shop/bad: ` +
			`unrecognized type: bool`}
		if diff := cmp.Diff(want, find(got, "enrollment shop").Result); diff != "" {
			t.Errorf("enrollment check mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("Wait on watches sees the same objects", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		got, err := fakeProbe(t, Options{}, fakeMesh).Wait(ctx, nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait() error = %v, want a deadline exceeded (the mesh is not ready)", err)
		}
		if diff := cmp.Diff(fakeMeshReport, got); diff != "" {
			t.Errorf("Wait() mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestProbeWithoutDynamicClientFails(t *testing.T) {
	p := NewForClients(Clients{}, Options{})
	if _, err := p.Check(t.Context()); err == nil {
		t.Error("Check() without a dynamic client succeeded, want an error")
	}
	if _, err := p.Wait(t.Context(), nil); err == nil {
		t.Error("Wait() without a dynamic client succeeded, want an error")
	}
}
