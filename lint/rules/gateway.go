package rules

import (
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	gatewayv1beta1 "sigs.k8s.io/gateway-api/apis/v1beta1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/manifest"
)

const (
	gatewayGK      = "gateway.networking.k8s.io/Gateway"
	gatewayClassGK = "gateway.networking.k8s.io/GatewayClass"
)

// gateway returns o's Gateway as the v1 type, or nil (also for a nil o: a binding may name a
// waypoint the tree does not hold).
func gateway(o *manifest.Object) *gatewayv1.Gateway {
	if o == nil {
		return nil
	}
	switch x := o.Typed.(type) {
	case *gatewayv1.Gateway:
		return x
	case *gatewayv1beta1.Gateway:
		return (*gatewayv1.Gateway)(x)
	}
	return nil
}

// gatewayClass returns o's GatewayClass as the v1 type, or nil.
func gatewayClass(o *manifest.Object) *gatewayv1.GatewayClass {
	switch x := o.Typed.(type) {
	case *gatewayv1.GatewayClass:
		return x
	case *gatewayv1beta1.GatewayClass:
		return (*gatewayv1.GatewayClass)(x)
	}
	return nil
}

// isWaypoint reports whether gw is an Istio waypoint (class istio-waypoint).
func isWaypoint(gw *gatewayv1.Gateway) bool {
	return gw != nil && string(gw.Spec.GatewayClassName) == ambient.WaypointGatewayClass
}
