package waypoint

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ambientkit/ambientkit/ambient"
)

func TestValidate(t *testing.T) {
	seed := func() *gatewayv1.Gateway {
		return istioctlGateway("example-api", "example-api-waypoint", map[string]string{"istio.io/waypoint-for": "service"})
	}
	with := func(change func(*gatewayv1.Gateway)) *gatewayv1.Gateway {
		gw := seed()
		change(gw)
		return gw
	}
	tests := []struct {
		name string
		gw   *gatewayv1.Gateway
		want []ambient.Problem
	}{
		{name: "the seed post's waypoint is fine", gw: seed()},
		{
			name: "a waypoint with extra listeners next to the HBONE one is fine",
			gw: with(func(gw *gatewayv1.Gateway) {
				gw.Spec.Listeners = append([]gatewayv1.Listener{{Name: "proxy", Port: 15088, Protocol: "istio.io/PROXY"}}, gw.Spec.Listeners...)
			}),
		},
		{
			name: "a waypoint without a waypoint-for label is fine",
			gw:   with(func(gw *gatewayv1.Gateway) { gw.Labels = nil }),
		},
		{
			name: "a nil Gateway is one problem",
			gw:   nil,
			want: []ambient.Problem{{Code: CodeNilGateway, Message: "no Gateway to check"}},
		},
		{
			name: "a waypoint named none is reported",
			gw:   with(func(gw *gatewayv1.Gateway) { gw.Name = "none" }),
			want: []ambient.Problem{{
				Path: "metadata.name", Code: CodeReservedName,
				Message: `a waypoint cannot be named "none": istio.io/use-waypoint: none opts out of waypoints, so nothing can bind it`,
			}},
		},
		{
			name: "a waypoint named with upper case is reported",
			gw:   with(func(gw *gatewayv1.Gateway) { gw.Name = "Waypoint" }),
			want: []ambient.Problem{{
				Path: "metadata.name", Code: CodeInvalidName,
				Message: `waypoint name "Waypoint" is not a DNS-1123 label: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
			}},
		},
		{
			name: "a misspelt waypoint-for gets the value it was meant to be",
			gw:   with(func(gw *gatewayv1.Gateway) { gw.Labels["istio.io/waypoint-for"] = "services" }),
			want: []ambient.Problem{{
				Path: `metadata.labels["istio.io/waypoint-for"]`, Code: CodeTrafficType,
				Message: `istio.io/waypoint-for "services" is not one of service, workload, all, none`,
				Suggest: "service",
			}},
		},
		{
			name: "an unrelated waypoint-for value gets no suggestion",
			gw:   with(func(gw *gatewayv1.Gateway) { gw.Labels["istio.io/waypoint-for"] = "ingress" }),
			want: []ambient.Problem{{
				Path: `metadata.labels["istio.io/waypoint-for"]`, Code: CodeTrafficType,
				Message: `istio.io/waypoint-for "ingress" is not one of service, workload, all, none`,
			}},
		},
		{
			name: "a Gateway of another class is reported with the class to use",
			gw:   with(func(gw *gatewayv1.Gateway) { gw.Spec.GatewayClassName = "istio" }),
			want: []ambient.Problem{{
				Path: "spec.gatewayClassName", Code: CodeClass,
				Message: `gatewayClassName is "istio", not istio-waypoint: Istio deploys waypoints only for that class`,
				Suggest: "istio-waypoint",
			}},
		},
		{
			name: "a listener on 15008 with protocol HTTP points at the protocol",
			gw:   with(func(gw *gatewayv1.Gateway) { gw.Spec.Listeners[0].Protocol = "HTTP" }),
			want: []ambient.Problem{{
				Path: "spec.listeners[0].protocol", Code: CodeHBONEListener,
				Message: `listener "mesh" on port 15008 has protocol "HTTP": a waypoint needs protocol HBONE there`,
				Suggest: "HBONE",
			}},
		},
		{
			name: "a lower-case hbone protocol is a near miss on the protocol",
			gw:   with(func(gw *gatewayv1.Gateway) { gw.Spec.Listeners[0].Protocol = "hbone" }),
			want: []ambient.Problem{{
				Path: "spec.listeners[0].protocol", Code: CodeHBONEListener,
				Message: `listener "mesh" on port 15008 has protocol "hbone": a waypoint needs protocol HBONE there`,
				Suggest: "HBONE",
			}},
		},
		{
			name: "an HBONE listener on the wrong port points at the port",
			gw:   with(func(gw *gatewayv1.Gateway) { gw.Spec.Listeners[0].Port = 15009 }),
			want: []ambient.Problem{{
				Path: "spec.listeners[0].port", Code: CodeHBONEListener,
				Message: `HBONE listener "mesh" is on port 15009: a waypoint's HBONE listener must be on port 15008`,
				Suggest: "15008",
			}},
		},
		{
			name: "no listener at all suggests istioctl's listener",
			gw:   with(func(gw *gatewayv1.Gateway) { gw.Spec.Listeners = nil }),
			want: []ambient.Problem{{
				Path: "spec.listeners", Code: CodeHBONEListener,
				Message: "no listener with port 15008 and protocol HBONE: ztunnel cannot send traffic to the waypoint",
				Suggest: "- name: mesh\n  port: 15008\n  protocol: HBONE",
			}},
		},
		{
			name: "a Selector without a selector admits no namespace",
			gw: with(func(gw *gatewayv1.Gateway) {
				gw.Spec.Listeners[0].AllowedRoutes = &gatewayv1.AllowedRoutes{Namespaces: &gatewayv1.RouteNamespaces{From: fromPtr(gatewayv1.NamespacesFromSelector)}}
			}),
			want: []ambient.Problem{{
				Path: "spec.listeners[0].allowedRoutes.namespaces.selector", Code: CodeNamespaceSelector,
				Message: "allowedRoutes.namespaces.from is Selector but no selector is given: no namespace can bind the waypoint",
			}},
		},
		{
			name: "a selector that does not parse admits no namespace",
			gw: with(func(gw *gatewayv1.Gateway) {
				gw.Spec.Listeners[0].AllowedRoutes = &gatewayv1.AllowedRoutes{Namespaces: &gatewayv1.RouteNamespaces{
					From:     fromPtr(gatewayv1.NamespacesFromSelector),
					Selector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "team", Operator: "Near"}}},
				}}
			}),
			want: []ambient.Problem{{
				Path: "spec.listeners[0].allowedRoutes.namespaces.selector", Code: CodeNamespaceSelector,
				Message: `the namespace selector does not parse ("Near" is not a valid label selector operator): no namespace can bind the waypoint`,
			}},
		},
		{
			name: "several problems come metadata first, then spec",
			gw: with(func(gw *gatewayv1.Gateway) {
				gw.Name = "none"
				gw.Labels["istio.io/waypoint-for"] = "Workload"
				gw.Spec.GatewayClassName = "istio-waypoints"
				gw.Spec.Listeners[0].Port = 8080
				gw.Spec.Listeners[0].Protocol = "HTTP"
			}),
			want: []ambient.Problem{
				{Path: "metadata.name", Code: CodeReservedName, Message: `a waypoint cannot be named "none": istio.io/use-waypoint: none opts out of waypoints, so nothing can bind it`},
				{Path: `metadata.labels["istio.io/waypoint-for"]`, Code: CodeTrafficType, Message: `istio.io/waypoint-for "Workload" is not one of service, workload, all, none`, Suggest: "workload"},
				{Path: "spec.gatewayClassName", Code: CodeClass, Message: `gatewayClassName is "istio-waypoints", not istio-waypoint: Istio deploys waypoints only for that class`, Suggest: "istio-waypoint"},
				{Path: "spec.listeners", Code: CodeHBONEListener, Message: "no listener with port 15008 and protocol HBONE: ztunnel cannot send traffic to the waypoint", Suggest: "- name: mesh\n  port: 15008\n  protocol: HBONE"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Validate(tt.gw)); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}
