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

// Traffic is the traffic a waypoint handles, the value of its istio.io/waypoint-for label
// (or its GatewayClass's).
type Traffic string

// The traffic types Istio knows.
const (
	// ServiceTraffic: traffic addressed to the Services and ServiceEntries bound to the
	// waypoint. It is the default.
	ServiceTraffic Traffic = "service"
	// WorkloadTraffic: traffic addressed to the bound workloads (Pods, WorkloadEntries) by
	// their own addresses.
	WorkloadTraffic Traffic = "workload"
	// AllTraffic: both.
	AllTraffic Traffic = "all"
	// NoTraffic: none; the waypoint processes nothing.
	NoTraffic Traffic = "none"
)

// TrafficType returns the traffic gw handles, as istiod decides it: the Gateway's
// istio.io/waypoint-for label, else its GatewayClass's, else [ServiceTraffic]. A label that
// is present wins even when its value is empty or unknown, as in istiod; such a waypoint
// serves nothing. gw and class may be nil.
func TrafficType(gw *gatewayv1.Gateway, class *gatewayv1.GatewayClass) Traffic {
	if gw != nil {
		if v, ok := gw.Labels[ambient.LabelWaypointFor]; ok {
			return Traffic(v)
		}
	}
	if class != nil {
		if v, ok := class.Labels[ambient.LabelWaypointFor]; ok {
			return Traffic(v)
		}
	}
	return ServiceTraffic
}

// Serves reports whether a waypoint that handles traffic t takes effect for an object of
// kind bindingKind that binds it with istio.io/use-waypoint. An empty t means the default,
// [ServiceTraffic].
//
// A Service or ServiceEntry needs service or all traffic. Any other kind binds a workload
// (Pod, WorkloadEntry, or a Deployment, StatefulSet or other owner of a pod template) and
// needs workload or all. A Namespace's binding applies to both its services and its
// workloads, each filtered by the waypoint's type; istiod reports an unsupported-traffic-type
// error on every Service that inherits a waypoint that does not serve services, but silently
// skips workloads that inherit one that does not serve workloads. So a Namespace needs
// service or all, like a Service.
func (t Traffic) Serves(bindingKind string) bool {
	if t == "" {
		t = ServiceTraffic
	}
	switch t {
	case AllTraffic:
		return true
	case ServiceTraffic:
		return bindsServices(bindingKind)
	case WorkloadTraffic:
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

// ValidateBinding reports whether gw's HBONE listener lets objects in bindingNamespace, whose
// Namespace carries nsLabels, bind it: no Problems when it does, one [CodeNamespaceNotAllowed]
// Problem saying why not when it does not (its Path is the listener's allowedRoutes, or
// spec.listeners without an HBONE listener). istiod reads allowedRoutes.namespaces of the
// listener on port 15008 with protocol HBONE (of none: only the same namespace):
//
//   - from unset or Same: only gw's own namespace;
//   - All: every namespace;
//   - Selector: namespaces whose labels match the selector. The API server gives every
//     Namespace the label kubernetes.io/metadata.name with its name, so it is matched even
//     when nsLabels lacks it. A missing or unparsable selector admits none.
//
// istiod treats any other value, None included, like Same. A nil gw is one
// [CodeNilGateway] Problem.
func ValidateBinding(gw *gatewayv1.Gateway, bindingNamespace string, nsLabels map[string]string) []ambient.Problem {
	if gw == nil {
		return []ambient.Problem{{Code: CodeNilGateway, Message: "there is no waypoint"}}
	}
	deny := func(path, format string, args ...any) []ambient.Problem {
		return []ambient.Problem{{Code: CodeNamespaceNotAllowed, Path: path, Message: fmt.Sprintf(format, args...)}}
	}
	var rn *gatewayv1.RouteNamespaces
	path := "spec.listeners"
	if i := hboneListener(gw); i >= 0 {
		path = fmt.Sprintf("spec.listeners[%d].allowedRoutes", i)
		if ar := gw.Spec.Listeners[i].AllowedRoutes; ar != nil {
			rn = ar.Namespaces
		}
	}
	from := gatewayv1.NamespacesFromSame
	if rn != nil && rn.From != nil {
		from = *rn.From
	}
	switch from {
	case gatewayv1.NamespacesFromAll:
		return nil
	case gatewayv1.NamespacesFromSelector:
		path += ".namespaces.selector"
		if rn.Selector == nil {
			return deny(path, "waypoint %s/%s admits namespaces by selector but gives no selector, so it admits none", gw.Namespace, gw.Name)
		}
		s, err := metav1.LabelSelectorAsSelector(rn.Selector)
		if err != nil {
			return deny(path, "waypoint %s/%s has a namespace selector that does not parse (%v), so it admits none", gw.Namespace, gw.Name, err)
		}
		set := labels.Set(maps.Clone(nsLabels))
		if set == nil {
			set = labels.Set{}
		}
		if bindingNamespace != "" {
			set[corev1.LabelMetadataName] = bindingNamespace
		}
		if s.Matches(set) {
			return nil
		}
		return deny(path, "namespace %s does not match the selector %q of waypoint %s/%s", bindingNamespace, s.String(), gw.Namespace, gw.Name)
	}
	if bindingNamespace == gw.Namespace {
		return nil
	}
	how := "allowedRoutes.namespaces.from defaults to Same"
	if rn != nil && rn.From != nil {
		how = fmt.Sprintf("allowedRoutes.namespaces.from is %s", from)
	}
	return deny(path, "waypoint %s/%s admits only its own namespace (%s), not %s", gw.Namespace, gw.Name, how, bindingNamespace)
}
