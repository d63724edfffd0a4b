package waypoint

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/internal/textdist"
)

// Codes of the problems [Validate] and [ValidateBinding] report.
const (
	// CodeNilGateway: there is no Gateway to check.
	CodeNilGateway ambient.Code = "nil-gateway"
	// CodeClass: spec.gatewayClassName is not istio-waypoint.
	CodeClass ambient.Code = "not-waypoint-class"
	// CodeReservedName: the Gateway is named "none", which istio.io/use-waypoint reserves.
	CodeReservedName ambient.Code = "reserved-name"
	// CodeInvalidName: the name is not a DNS-1123 label, so it cannot be the value of
	// istio.io/use-waypoint or the name of the waypoint's Service.
	CodeInvalidName ambient.Code = "invalid-name"
	// CodeTrafficType: istio.io/waypoint-for has a value Istio does not know.
	CodeTrafficType ambient.Code = "invalid-waypoint-for"
	// CodeHBONEListener: no listener has port 15008 and protocol HBONE.
	CodeHBONEListener ambient.Code = "missing-hbone-listener"
	// CodeNamespaceSelector: the HBONE listener admits namespaces by a selector that is
	// missing or does not parse, so it admits none.
	CodeNamespaceSelector ambient.Code = "invalid-namespace-selector"
	// CodeNamespaceNotAllowed: the waypoint's HBONE listener does not let the binding's
	// namespace use it ([ValidateBinding]).
	CodeNamespaceNotAllowed ambient.Code = "namespace-not-allowed"
)

// listenerSnippet is the listener istioctl writes, as a YAML list item.
const listenerSnippet = "- name: mesh\n  port: 15008\n  protocol: HBONE"

// Validate reports what keeps gw from working as an Istio waypoint: a class other than
// istio-waypoint, no listener on port 15008 with protocol HBONE, the reserved name "none"
// (or a name that is not a DNS-1123 label), an istio.io/waypoint-for value Istio does not
// know, and an HBONE listener whose namespace selector admits nothing. A nil gw is one
// problem. Every problem is an [ambient.Error]. The problems come in a fixed order: metadata
// first, then spec.
func Validate(gw *gatewayv1.Gateway) []ambient.Problem {
	if gw == nil {
		return []ambient.Problem{{Code: CodeNilGateway, Message: "no Gateway to check"}}
	}
	var out []ambient.Problem
	switch name := gw.Name; {
	case name == ambient.UseWaypointNone:
		out = append(out, ambient.Problem{
			Path:    "metadata.name",
			Code:    CodeReservedName,
			Message: `a waypoint cannot be named "none": istio.io/use-waypoint: none opts out of waypoints, so nothing can bind it`,
		})
	case name != "" && len(validation.IsDNS1123Label(name)) > 0:
		out = append(out, ambient.Problem{
			Path:    "metadata.name",
			Code:    CodeInvalidName,
			Message: fmt.Sprintf("waypoint name %q is not a DNS-1123 label: %s", name, strings.Join(validation.IsDNS1123Label(name), "; ")),
		})
	}
	if v, ok := gw.Labels[ambient.LabelWaypointFor]; ok {
		allowed := ambient.AllowedValues(ambient.LabelWaypointFor)
		if !slices.Contains(allowed, v) {
			out = append(out, ambient.Problem{
				Path:    labelPath(ambient.LabelWaypointFor),
				Code:    CodeTrafficType,
				Message: fmt.Sprintf("%s %q is not one of %s", ambient.LabelWaypointFor, v, strings.Join(allowed, ", ")),
				Suggest: closest(v, allowed),
			})
		}
	}
	if c := string(gw.Spec.GatewayClassName); c != ambient.WaypointGatewayClass {
		out = append(out, ambient.Problem{
			Path:    "spec.gatewayClassName",
			Code:    CodeClass,
			Message: fmt.Sprintf("gatewayClassName is %q, not %s: Istio deploys waypoints only for that class", c, ambient.WaypointGatewayClass),
			Suggest: ambient.WaypointGatewayClass,
		})
	}
	i := hboneListener(gw)
	if i < 0 {
		out = append(out, missingListener(gw))
	} else {
		out = append(out, checkSelector(gw.Spec.Listeners[i], i)...)
	}
	return out
}

// hboneListener returns the index of the listener istiod treats as gw's HBONE listener, or -1.
func hboneListener(gw *gatewayv1.Gateway) int {
	return slices.IndexFunc(gw.Spec.Listeners, func(l gatewayv1.Listener) bool {
		return l.Port == ambient.HBONEPort && l.Protocol == ambient.HBONEProtocol
	})
}

// missingListener explains the absence of an HBONE listener, pointing at the near miss when
// a listener has the right port or the right protocol.
func missingListener(gw *gatewayv1.Gateway) ambient.Problem {
	for i, l := range gw.Spec.Listeners {
		if l.Port == ambient.HBONEPort {
			return ambient.Problem{
				Path:    fmt.Sprintf("spec.listeners[%d].protocol", i),
				Code:    CodeHBONEListener,
				Message: fmt.Sprintf("listener %q on port %d has protocol %q: a waypoint needs protocol %s there", l.Name, l.Port, l.Protocol, ambient.HBONEProtocol),
				Suggest: ambient.HBONEProtocol,
			}
		}
	}
	for i, l := range gw.Spec.Listeners {
		if strings.EqualFold(string(l.Protocol), ambient.HBONEProtocol) {
			return ambient.Problem{
				Path:    fmt.Sprintf("spec.listeners[%d].port", i),
				Code:    CodeHBONEListener,
				Message: fmt.Sprintf("HBONE listener %q is on port %d: a waypoint's HBONE listener must be on port %d", l.Name, l.Port, ambient.HBONEPort),
				Suggest: strconv.Itoa(ambient.HBONEPort),
			}
		}
	}
	return ambient.Problem{
		Path:    "spec.listeners",
		Code:    CodeHBONEListener,
		Message: fmt.Sprintf("no listener with port %d and protocol %s: ztunnel cannot send traffic to the waypoint", ambient.HBONEPort, ambient.HBONEProtocol),
		Suggest: listenerSnippet,
	}
}

func checkSelector(l gatewayv1.Listener, i int) []ambient.Problem {
	if l.AllowedRoutes == nil || l.AllowedRoutes.Namespaces == nil {
		return nil
	}
	ns := l.AllowedRoutes.Namespaces
	if ns.From == nil || *ns.From != gatewayv1.NamespacesFromSelector {
		return nil
	}
	path := fmt.Sprintf("spec.listeners[%d].allowedRoutes.namespaces.selector", i)
	if ns.Selector == nil {
		return []ambient.Problem{{
			Path:    path,
			Code:    CodeNamespaceSelector,
			Message: "allowedRoutes.namespaces.from is Selector but no selector is given: no namespace can bind the waypoint",
		}}
	}
	if _, err := metav1.LabelSelectorAsSelector(ns.Selector); err != nil {
		return []ambient.Problem{{
			Path:    path,
			Code:    CodeNamespaceSelector,
			Message: fmt.Sprintf("the namespace selector does not parse (%v): no namespace can bind the waypoint", err),
		}}
	}
	return nil
}

// labelPath is the field path of the label key.
func labelPath(key string) string { return fmt.Sprintf("metadata.labels[%q]", key) }

// closest returns the value of allowed nearest to v when it is a plausible typo (edit
// distance at most 2), else "".
func closest(v string, allowed []string) string {
	best, bestD := "", 3
	lv := strings.ToLower(strings.TrimSpace(v))
	for _, a := range allowed {
		if d := textdist.Distance(lv, a); d < bestD {
			best, bestD = a, d
		}
	}
	return best
}
