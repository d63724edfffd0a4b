package kiali

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	istionetworking "istio.io/client-go/pkg/apis/networking/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// Backend names a Service by namespace and name.
type Backend struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// String returns the backend as namespace/name.
func (b Backend) String() string { return b.Namespace + "/" + b.Name }

// Route is one path by which an object sends traffic from outside the mesh to a Service.
type Route struct {
	// Kind, Namespace and Name identify the routing object (Ingress, HTTPRoute, …).
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Backend is the Service the object sends traffic to.
	Backend Backend `json:"backend"`
	// Via says how outside traffic arrives, for a message: the Gateway or IngressClass.
	Via string `json:"via"`
}

// String describes the route for a message, e.g. "HTTPRoute apps/kiali via Gateway infra/public".
func (r Route) String() string {
	return fmt.Sprintf("%s %s/%s via %s", r.Kind, r.Namespace, r.Name, r.Via)
}

// GatewayFilter reports whether the Gateway namespace/name carries only in-mesh traffic (a
// waypoint), so that a route attached to it exposes nothing outside the cluster. A nil
// GatewayFilter treats every Gateway as reachable from outside.
type GatewayFilter func(namespace, name string) bool

// Targets returns the routes, among routes, whose backend is svc, sorted.
func Targets(svc *corev1.Service, routes []Route) []Route {
	if svc == nil {
		return nil
	}
	var out []Route
	for _, r := range routes {
		if r.Backend.Namespace == svc.Namespace && r.Backend.Name == svc.Name {
			out = append(out, r)
		}
	}
	SortRoutes(out)
	return out
}

// SortRoutes sorts routes by kind, namespace, name, backend and via, for deterministic output.
func SortRoutes(routes []Route) {
	slices.SortFunc(routes, func(a, b Route) int {
		return cmp.Or(
			cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Namespace, b.Namespace),
			cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Backend.String(), b.Backend.String()),
			cmp.Compare(a.Via, b.Via),
		)
	})
}

// IngressRoutes returns the Services ing sends traffic to: its default backend and every
// rule's path backends that name a Service. An Ingress is served by an ingress controller
// outside the mesh, so every such backend is exposed.
func IngressRoutes(ing *networkingv1.Ingress) []Route {
	if ing == nil {
		return nil
	}
	via := "Ingress controller"
	if c := ing.Spec.IngressClassName; c != nil && *c != "" {
		via = "IngressClass " + *c
	}
	var out []Route
	add := func(b *networkingv1.IngressBackend) {
		if b == nil || b.Service == nil || b.Service.Name == "" {
			return
		}
		out = append(out, Route{
			Kind: "Ingress", Namespace: ing.Namespace, Name: ing.Name,
			Backend: Backend{Namespace: ing.Namespace, Name: b.Service.Name},
			Via:     via,
		})
	}
	add(ing.Spec.DefaultBackend)
	for _, rule := range ing.Spec.Rules {
		if rule.HTTP == nil {
			continue
		}
		for i := range rule.HTTP.Paths {
			add(&rule.HTTP.Paths[i].Backend)
		}
	}
	return dedupe(out)
}

// HTTPRouteRoutes returns the Services r sends traffic to when it is attached to a Gateway
// (or ListenerSet) that internal does not call in-mesh. A route whose parents are only
// Services (GAMMA) or waypoints exposes nothing.
func HTTPRouteRoutes(r *gatewayv1.HTTPRoute, internal GatewayFilter) []Route {
	if r == nil {
		return nil
	}
	var refs []gatewayv1.BackendObjectReference
	for _, rule := range r.Spec.Rules {
		for _, b := range rule.BackendRefs {
			refs = append(refs, b.BackendObjectReference)
		}
	}
	return gatewayRoutes("HTTPRoute", r.Namespace, r.Name, r.Spec.ParentRefs, refs, internal)
}

// GRPCRouteRoutes is [HTTPRouteRoutes] for a GRPCRoute.
func GRPCRouteRoutes(r *gatewayv1.GRPCRoute, internal GatewayFilter) []Route {
	if r == nil {
		return nil
	}
	var refs []gatewayv1.BackendObjectReference
	for _, rule := range r.Spec.Rules {
		for _, b := range rule.BackendRefs {
			refs = append(refs, b.BackendObjectReference)
		}
	}
	return gatewayRoutes("GRPCRoute", r.Namespace, r.Name, r.Spec.ParentRefs, refs, internal)
}

// TLSRouteRoutes is [HTTPRouteRoutes] for a TLSRoute.
func TLSRouteRoutes(r *gatewayv1.TLSRoute, internal GatewayFilter) []Route {
	if r == nil {
		return nil
	}
	var refs []gatewayv1.BackendObjectReference
	for _, rule := range r.Spec.Rules {
		for _, b := range rule.BackendRefs {
			refs = append(refs, b.BackendObjectReference)
		}
	}
	return gatewayRoutes("TLSRoute", r.Namespace, r.Name, r.Spec.ParentRefs, refs, internal)
}

func gatewayRoutes(kind, ns, name string, parents []gatewayv1.ParentReference, refs []gatewayv1.BackendObjectReference, internal GatewayFilter) []Route {
	var vias []string
	for _, p := range parents {
		if p.Group != nil && *p.Group != gatewayv1.GroupName {
			continue
		}
		pk := "Gateway"
		if p.Kind != nil {
			pk = string(*p.Kind)
		}
		if pk != "Gateway" && pk != "ListenerSet" {
			continue // a Service parent (GAMMA) routes in-mesh traffic only
		}
		pns := ns
		if p.Namespace != nil && *p.Namespace != "" {
			pns = string(*p.Namespace)
		}
		if pk == "Gateway" && internal != nil && internal(pns, string(p.Name)) {
			continue
		}
		vias = append(vias, fmt.Sprintf("%s %s/%s", pk, pns, p.Name))
	}
	if len(vias) == 0 {
		return nil
	}
	slices.Sort(vias)
	via := strings.Join(slices.Compact(vias), ", ")
	var out []Route
	for _, b := range refs {
		if b.Group != nil && *b.Group != "" {
			continue
		}
		if b.Kind != nil && *b.Kind != "Service" {
			continue
		}
		bns := ns
		if b.Namespace != nil && *b.Namespace != "" {
			bns = string(*b.Namespace)
		}
		out = append(out, Route{
			Kind: kind, Namespace: ns, Name: name,
			Backend: Backend{Namespace: bns, Name: string(b.Name)},
			Via:     via,
		})
	}
	return dedupe(out)
}

// VirtualServiceRoutes returns the Services vs sends traffic to when it is bound to a Gateway
// other than the reserved "mesh" (an unset gateways list means "mesh" alone). Destination
// hosts resolve as Istio resolves them: a name without dots is a Service in vs's namespace,
// and name.namespace.svc[.domain] a Service in that namespace; other hosts are not Services.
func VirtualServiceRoutes(vs *istionetworking.VirtualService) []Route {
	if vs == nil {
		return nil
	}
	var gws []string
	for _, g := range vs.Spec.GetGateways() {
		if g != "mesh" {
			gws = append(gws, g)
		}
	}
	if len(gws) == 0 {
		return nil
	}
	slices.Sort(gws)
	via := "Gateway " + strings.Join(slices.Compact(gws), ", ")
	var hosts []string
	for _, h := range vs.Spec.GetHttp() {
		for _, d := range h.GetRoute() {
			hosts = append(hosts, d.GetDestination().GetHost())
		}
	}
	for _, t := range vs.Spec.GetTls() {
		for _, d := range t.GetRoute() {
			hosts = append(hosts, d.GetDestination().GetHost())
		}
	}
	for _, t := range vs.Spec.GetTcp() {
		for _, d := range t.GetRoute() {
			hosts = append(hosts, d.GetDestination().GetHost())
		}
	}
	var out []Route
	for _, h := range hosts {
		b, ok := HostBackend(h, vs.Namespace)
		if !ok {
			continue
		}
		out = append(out, Route{Kind: "VirtualService", Namespace: vs.Namespace, Name: vs.Name, Backend: b, Via: via})
	}
	return dedupe(out)
}

// HostBackend resolves an Istio destination host, written in namespace, to the Kubernetes
// Service it names, the way Istio resolves short names: "name" is name in namespace, and
// "name.ns.svc" or "name.ns.svc.<cluster domain>" is name in ns. Any other host (an external
// name, "name.ns", a wildcard) names no Service, and ok is false.
func HostBackend(host, namespace string) (b Backend, ok bool) {
	if host == "" || strings.Contains(host, "*") {
		return Backend{}, false
	}
	parts := strings.Split(host, ".")
	switch {
	case len(parts) == 1:
		return Backend{Namespace: namespace, Name: host}, namespace != ""
	case len(parts) >= 3 && parts[2] == "svc" && parts[0] != "" && parts[1] != "":
		return Backend{Namespace: parts[1], Name: parts[0]}, true
	}
	return Backend{}, false
}

func dedupe(routes []Route) []Route {
	SortRoutes(routes)
	return slices.Compact(routes)
}
