package waypoint

import (
	"fmt"
	"maps"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ambientkit/ambientkit/ambient"
)

// TrafficType returns the traffic gw handles, as istiod decides it: the Gateway's
// istio.io/waypoint-for label, else its GatewayClass's, else "service". A label that is
// present wins even when its value is empty or unknown, as in istiod; such a waypoint serves
// nothing. gw and class may be nil.
func TrafficType(gw *gatewayv1.Gateway, class *gatewayv1.GatewayClass) string {
	if gw != nil {
		if v, ok := gw.Labels[ambient.LabelWaypointFor]; ok {
			return v
		}
	}
	if class != nil {
		if v, ok := class.Labels[ambient.LabelWaypointFor]; ok {
			return v
		}
	}
	return ambient.WaypointForService
}

// ServesKind reports whether a waypoint whose traffic type is trafficType (see
// [TrafficType]; "" means the default, "service") takes effect for an object of kind
// bindingKind that binds it with istio.io/use-waypoint.
//
// A Service or ServiceEntry needs "service" or "all". Any other kind binds a workload (Pod,
// WorkloadEntry, or a Deployment, StatefulSet or other owner of a pod template) and needs
// "workload" or "all". A Namespace's binding applies to both its services and its workloads,
// each filtered by the waypoint's type; istiod reports an unsupported-traffic-type error on
// every Service that inherits a waypoint that does not serve services, but silently skips
// workloads that inherit one that does not serve workloads. So a Namespace needs "service"
// or "all", like a Service.
func ServesKind(trafficType, bindingKind string) bool {
	if trafficType == "" {
		trafficType = ambient.WaypointForService
	}
	switch trafficType {
	case ambient.WaypointForAll:
		return true
	case ambient.WaypointForService:
		return bindsServices(bindingKind)
	case ambient.WaypointForWorkload:
		return !bindsServices(bindingKind)
	}
	return false
}

// bindsServices reports whether a binding on an object of kind binds services rather than
// workloads.
func bindsServices(kind string) bool {
	switch kind {
	case "Service", "ServiceEntry", "Namespace":
		return true
	}
	return false
}

// Admits reports whether gw's HBONE listener lets objects in bindingNamespace, whose
// Namespace carries nsLabels, bind it, and says why. istiod reads allowedRoutes.namespaces of
// the listener on port 15008 with protocol HBONE (of none: only the same namespace):
//
//   - from unset or Same: only gw's own namespace;
//   - All: every namespace;
//   - Selector: namespaces whose labels match the selector. The API server gives every
//     Namespace the label kubernetes.io/metadata.name with its name, so it is matched even
//     when nsLabels lacks it. A missing or unparsable selector admits none.
//
// istiod treats any other value, None included, like Same. A nil gw admits nothing.
func Admits(gw *gatewayv1.Gateway, bindingNamespace string, nsLabels map[string]string) (bool, string) {
	if gw == nil {
		return false, "there is no waypoint"
	}
	var rn *gatewayv1.RouteNamespaces
	if i := hboneListener(gw); i >= 0 && gw.Spec.Listeners[i].AllowedRoutes != nil {
		rn = gw.Spec.Listeners[i].AllowedRoutes.Namespaces
	}
	from := gatewayv1.NamespacesFromSame
	if rn != nil && rn.From != nil {
		from = *rn.From
	}
	switch from {
	case gatewayv1.NamespacesFromAll:
		return true, fmt.Sprintf("waypoint %s/%s admits all namespaces (allowedRoutes.namespaces.from: All)", gw.Namespace, gw.Name)
	case gatewayv1.NamespacesFromSelector:
		return admitsSelector(gw, rn.Selector, bindingNamespace, nsLabels)
	}
	if bindingNamespace == gw.Namespace {
		return true, fmt.Sprintf("namespace %s is the waypoint's own namespace", bindingNamespace)
	}
	how := "allowedRoutes.namespaces.from defaults to Same"
	if rn != nil && rn.From != nil {
		how = fmt.Sprintf("allowedRoutes.namespaces.from is %s", from)
	}
	return false, fmt.Sprintf("waypoint %s/%s admits only its own namespace (%s), not %s", gw.Namespace, gw.Name, how, bindingNamespace)
}

func admitsSelector(gw *gatewayv1.Gateway, sel *metav1.LabelSelector, ns string, nsLabels map[string]string) (bool, string) {
	if sel == nil {
		return false, fmt.Sprintf("waypoint %s/%s admits namespaces by selector but gives no selector, so it admits none", gw.Namespace, gw.Name)
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return false, fmt.Sprintf("waypoint %s/%s has a namespace selector that does not parse (%v), so it admits none", gw.Namespace, gw.Name, err)
	}
	set := labels.Set(maps.Clone(nsLabels))
	if set == nil {
		set = labels.Set{}
	}
	if ns != "" {
		set[corev1.LabelMetadataName] = ns
	}
	if s.Matches(set) {
		return true, fmt.Sprintf("namespace %s matches the selector %q of waypoint %s/%s", ns, s.String(), gw.Namespace, gw.Name)
	}
	return false, fmt.Sprintf("namespace %s does not match the selector %q of waypoint %s/%s", ns, s.String(), gw.Namespace, gw.Name)
}
