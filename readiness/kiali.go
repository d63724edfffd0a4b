package readiness

import (
	"fmt"
	"strings"

	istionetworking "istio.io/client-go/pkg/apis/networking/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/internal/kiali"
)

// KialiObjects are the objects that can expose Kiali outside the cluster. Nil entries are
// skipped.
type KialiObjects struct {
	// Services may hold any Services; Kiali's are picked out of them.
	Services        []*corev1.Service
	Ingresses       []*networkingv1.Ingress
	HTTPRoutes      []*gatewayv1.HTTPRoute
	GRPCRoutes      []*gatewayv1.GRPCRoute
	TLSRoutes       []*gatewayv1.TLSRoute
	VirtualServices []*istionetworking.VirtualService
	// Gateways are used to tell waypoints (class istio-waypoint), whose routes stay inside the
	// mesh, from Gateways that take traffic from outside.
	Gateways []*gatewayv1.Gateway
}

// Kiali evaluates whether Kiali, which can change the mesh's configuration, is reachable from
// outside the cluster: NotReady when one of its Services is of type NodePort or LoadBalancer or
// has external IPs, or when an Ingress, HTTPRoute, GRPCRoute, TLSRoute or VirtualService bound
// to a non-mesh Gateway routes to it. These are the facts the linter's AMB401 rule reports
// from manifests. No Kiali at all is Ready: then nothing exposes it.
func Kiali(objs KialiObjects) Result {
	var svcs []*corev1.Service
	for _, svc := range objs.Services {
		if svc != nil && kiali.IsService(svc) {
			svcs = append(svcs, svc)
		}
	}
	if len(svcs) == 0 {
		return ready("no Kiali Service found")
	}
	waypoints := map[string]bool{}
	for _, g := range objs.Gateways {
		if g != nil && string(g.Spec.GatewayClassName) == ambient.WaypointGatewayClass {
			waypoints[g.Namespace+"/"+g.Name] = true
		}
	}
	internal := func(ns, name string) bool { return waypoints[ns+"/"+name] }
	var routes []kiali.Route
	for _, ing := range objs.Ingresses {
		if ing != nil {
			routes = append(routes, kiali.IngressRoutes(ing)...)
		}
	}
	for _, r := range objs.HTTPRoutes {
		if r != nil {
			routes = append(routes, kiali.HTTPRouteRoutes(r, internal)...)
		}
	}
	for _, r := range objs.GRPCRoutes {
		if r != nil {
			routes = append(routes, kiali.GRPCRouteRoutes(r, internal)...)
		}
	}
	for _, r := range objs.TLSRoutes {
		if r != nil {
			routes = append(routes, kiali.TLSRouteRoutes(r, internal)...)
		}
	}
	for _, vs := range objs.VirtualServices {
		if vs != nil {
			routes = append(routes, kiali.VirtualServiceRoutes(vs)...)
		}
	}
	var why []string
	var names []string
	for _, svc := range svcs {
		id := svc.Namespace + "/" + svc.Name
		names = append(names, id)
		for _, w := range kiali.ServiceExposure(svc) {
			why = append(why, fmt.Sprintf("Service %s: %s", id, w))
		}
		for _, r := range kiali.Targets(svc, routes) {
			why = append(why, r.String())
		}
	}
	if len(why) > 0 {
		svc := svcs[0]
		return notReady(fmt.Sprintf("make Kiali's Service ClusterIP and remove its routes; reach it with kubectl -n %s port-forward svc/%s 20001",
			svc.Namespace, svc.Name),
			"Kiali is reachable from outside the cluster: %s", strings.Join(why, "; "))
	}
	return ready("Kiali (%s) is not exposed outside the cluster", strings.Join(names, ", "))
}
