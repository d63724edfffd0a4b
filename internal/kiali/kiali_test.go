package kiali

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	istionetworking "istio.io/client-go/pkg/apis/networking/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"
)

func decode[T any](t *testing.T, doc string) *T {
	t.Helper()
	v := new(T)
	if err := yaml.UnmarshalStrict([]byte(doc), v); err != nil {
		t.Fatalf("decoding fixture: %v", err)
	}
	return v
}

func TestIsService(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want bool
	}{
		{"a Service named kiali is Kiali's", `metadata: {name: kiali, namespace: istio-system}`, true},
		{"a Service selecting app kiali is Kiali's", `
metadata: {name: dashboard}
spec: {selector: {app: kiali}}`, true},
		{"a Service selecting app.kubernetes.io/name kiali is Kiali's", `
metadata: {name: dashboard}
spec: {selector: {app.kubernetes.io/name: kiali}}`, true},
		{"a Service merely labelled kiali is not", `
metadata: {name: grafana, labels: {app: kiali}}
spec: {selector: {app: grafana}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsService(decode[corev1.Service](t, tt.doc)); got != tt.want {
				t.Errorf("IsService() = %v, want %v", got, tt.want)
			}
		})
	}
	if IsService(nil) {
		t.Error("IsService(nil) = true, want false")
	}
}

func TestServiceExposure(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"a ClusterIP Service is not exposed", `spec: {type: ClusterIP}`, nil},
		{"a NodePort Service is exposed", `spec: {type: NodePort}`,
			[]string{"Service type NodePort opens a port on every node"}},
		{"a LoadBalancer Service with external IPs is exposed twice", `
spec: {type: LoadBalancer, externalIPs: [192.0.2.9, 192.0.2.1]}`,
			[]string{
				"Service has externalIPs 192.0.2.1, 192.0.2.9",
				"Service type LoadBalancer asks the cloud for an external load balancer",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ServiceExposure(decode[corev1.Service](t, tt.doc))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ServiceExposure() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIngressRoutes(t *testing.T) {
	ing := decode[networkingv1.Ingress](t, `
metadata: {name: dash, namespace: istio-system}
spec:
  ingressClassName: nginx
  defaultBackend: {service: {name: kiali, port: {number: 20001}}}
  rules:
  - host: kiali.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: kiali, port: {number: 20001}}}}
      - {path: /x, pathType: Prefix, backend: {resource: {kind: Bucket, name: b}}}
`)
	want := []Route{{Kind: "Ingress", Namespace: "istio-system", Name: "dash",
		Backend: Backend{Namespace: "istio-system", Name: "kiali"}, Via: "IngressClass nginx"}}
	if diff := cmp.Diff(want, IngressRoutes(ing)); diff != "" {
		t.Errorf("IngressRoutes() mismatch (-want +got):\n%s", diff)
	}
}

func TestHTTPRouteRoutes(t *testing.T) {
	waypoint := func(ns, name string) bool { return ns == "apps" && name == "waypoint" }
	tests := []struct {
		name string
		doc  string
		want []Route
	}{
		{"a route on an outside Gateway exposes its backends", `
metadata: {name: dash, namespace: istio-system}
spec:
  parentRefs: [{name: public, namespace: infra}]
  rules: [{backendRefs: [{name: kiali, port: 20001}]}]`,
			[]Route{{Kind: "HTTPRoute", Namespace: "istio-system", Name: "dash",
				Backend: Backend{Namespace: "istio-system", Name: "kiali"}, Via: "Gateway infra/public"}}},
		{"a cross-namespace backend resolves to its own namespace", `
metadata: {name: dash, namespace: web}
spec:
  parentRefs: [{name: public}]
  rules: [{backendRefs: [{name: kiali, namespace: istio-system, port: 20001}]}]`,
			[]Route{{Kind: "HTTPRoute", Namespace: "web", Name: "dash",
				Backend: Backend{Namespace: "istio-system", Name: "kiali"}, Via: "Gateway web/public"}}},
		{"a route on a Service parent (GAMMA) exposes nothing", `
metadata: {name: dash, namespace: istio-system}
spec:
  parentRefs: [{name: kiali, kind: Service, group: ""}]
  rules: [{backendRefs: [{name: kiali, port: 20001}]}]`, nil},
		{"a route on a waypoint exposes nothing", `
metadata: {name: dash, namespace: apps}
spec:
  parentRefs: [{name: waypoint}]
  rules: [{backendRefs: [{name: kiali, port: 20001}]}]`, nil},
		{"a backend of another kind is not a Service", `
metadata: {name: dash, namespace: apps}
spec:
  parentRefs: [{name: public}]
  rules: [{backendRefs: [{name: kiali, group: networking.istio.io, kind: Hostname}]}]`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := HTTPRouteRoutes(decode[gatewayv1.HTTPRoute](t, tt.doc), waypoint)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("HTTPRouteRoutes() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGRPCAndTLSRouteRoutes(t *testing.T) {
	g := decode[gatewayv1.GRPCRoute](t, `
metadata: {name: g, namespace: istio-system}
spec:
  parentRefs: [{name: public}]
  rules: [{backendRefs: [{name: kiali, port: 20001}]}]`)
	tl := decode[gatewayv1.TLSRoute](t, `
metadata: {name: t, namespace: istio-system}
spec:
  parentRefs: [{name: public, kind: ListenerSet}]
  hostnames: [kiali.example.com]
  rules: [{backendRefs: [{name: kiali, port: 20001}]}]`)
	got := append(GRPCRouteRoutes(g, nil), TLSRouteRoutes(tl, nil)...)
	kialiSvc := Backend{Namespace: "istio-system", Name: "kiali"}
	want := []Route{
		{Kind: "GRPCRoute", Namespace: "istio-system", Name: "g", Backend: kialiSvc, Via: "Gateway istio-system/public"},
		{Kind: "TLSRoute", Namespace: "istio-system", Name: "t", Backend: kialiSvc, Via: "ListenerSet istio-system/public"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("routes mismatch (-want +got):\n%s", diff)
	}
}

func TestVirtualServiceRoutes(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []Route
	}{
		{"a mesh-only VirtualService exposes nothing", `
metadata: {name: vs, namespace: istio-system}
spec:
  hosts: [kiali]
  http: [{route: [{destination: {host: kiali}}]}]`, nil},
		{"a VirtualService on an ingress Gateway exposes its destinations", `
metadata: {name: vs, namespace: istio-system}
spec:
  hosts: [kiali.example.com]
  gateways: [mesh, istio-ingress/public]
  http: [{route: [{destination: {host: kiali}}, {destination: {host: grafana.observability.svc.cluster.local}}]}]
  tcp: [{route: [{destination: {host: example.com}}]}]`, []Route{
			{Kind: "VirtualService", Namespace: "istio-system", Name: "vs",
				Backend: Backend{Namespace: "istio-system", Name: "kiali"}, Via: "Gateway istio-ingress/public"},
			{Kind: "VirtualService", Namespace: "istio-system", Name: "vs",
				Backend: Backend{Namespace: "observability", Name: "grafana"}, Via: "Gateway istio-ingress/public"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := VirtualServiceRoutes(decode[istionetworking.VirtualService](t, tt.doc))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("VirtualServiceRoutes() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHostBackend(t *testing.T) {
	tests := []struct {
		host   string
		want   Backend
		wantOK bool
	}{
		{"kiali", Backend{Namespace: "here", Name: "kiali"}, true},
		{"kiali.istio-system.svc", Backend{Namespace: "istio-system", Name: "kiali"}, true},
		{"kiali.istio-system.svc.cluster.local", Backend{Namespace: "istio-system", Name: "kiali"}, true},
		{"kiali.istio-system", Backend{}, false},
		{"*.example.com", Backend{}, false},
	}
	for _, tt := range tests {
		t.Run("host "+tt.host+" resolves as Istio does", func(t *testing.T) {
			got, ok := HostBackend(tt.host, "here")
			if diff := cmp.Diff(tt.want, got); diff != "" || ok != tt.wantOK {
				t.Errorf("HostBackend(%q) = %v, %v, want %v, %v", tt.host, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestOpenShiftRouteRoutes(t *testing.T) {
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(`
apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: kiali, namespace: istio-system}
spec:
  to: {kind: Service, name: kiali}
  alternateBackends: [{kind: Service, name: kiali-canary}]
`), &u.Object); err != nil {
		t.Fatal(err)
	}
	want := []Route{
		{Kind: "Route", Namespace: "istio-system", Name: "kiali", Backend: Backend{Namespace: "istio-system", Name: "kiali"}, Via: "OpenShift router"},
		{Kind: "Route", Namespace: "istio-system", Name: "kiali", Backend: Backend{Namespace: "istio-system", Name: "kiali-canary"}, Via: "OpenShift router"},
	}
	if diff := cmp.Diff(want, OpenShiftRouteRoutes(u)); diff != "" {
		t.Errorf("OpenShiftRouteRoutes() mismatch (-want +got):\n%s", diff)
	}
	svc := &corev1.Service{}
	svc.Namespace, svc.Name = "istio-system", "kiali"
	if diff := cmp.Diff(want[:1], Targets(svc, want)); diff != "" {
		t.Errorf("Targets() mismatch (-want +got):\n%s", diff)
	}
}
