package waypoint

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

func fromPtr(f gatewayv1.FromNamespaces) *gatewayv1.FromNamespaces { return &f }

// istioctlGateway is what `istioctl waypoint generate --namespace ns --name name` builds.
func istioctlGateway(ns, name string, labels map[string]string) *gatewayv1.Gateway {
	return &gatewayv1.Gateway{
		TypeMeta:   metav1.TypeMeta{APIVersion: "gateway.networking.k8s.io/v1", Kind: "Gateway"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Spec: gatewayv1.GatewaySpec{
			GatewayClassName: "istio-waypoint",
			Listeners: []gatewayv1.Listener{{
				Name:     "mesh",
				Port:     15008,
				Protocol: "HBONE",
			}},
		},
	}
}

func TestNew(t *testing.T) {
	selector := &metav1.LabelSelector{MatchLabels: map[string]string{"team": "payments"}}
	withRoutes := func(gw *gatewayv1.Gateway, rn *gatewayv1.RouteNamespaces) *gatewayv1.Gateway {
		gw.Spec.Listeners[0].AllowedRoutes = &gatewayv1.AllowedRoutes{Namespaces: rn}
		return gw
	}
	tests := []struct {
		name      string
		namespace string
		wpName    string
		opts      []Option
		want      *gatewayv1.Gateway
	}{
		{
			name: "a waypoint without options is istioctl's, with no labels", namespace: "default", wpName: "waypoint",
			want: istioctlGateway("default", "waypoint", nil),
		},
		{
			name: "For service labels the waypoint like the seed post", namespace: "example-api", wpName: "example-api-waypoint",
			opts: []Option{For("service")},
			want: istioctlGateway("example-api", "example-api-waypoint", map[string]string{"istio.io/waypoint-for": "service"}),
		},
		{
			name: "For none is accepted, as istioctl accepts it", namespace: "ns", wpName: "wp",
			opts: []Option{For("none")},
			want: istioctlGateway("ns", "wp", map[string]string{"istio.io/waypoint-for": "none"}),
		},
		{
			name: "Revision and For set both labels", namespace: "ns", wpName: "wp",
			opts: []Option{For("workload"), Revision("1-31")},
			want: istioctlGateway("ns", "wp", map[string]string{"istio.io/waypoint-for": "workload", "istio.io/rev": "1-31"}),
		},
		{
			name: "AllowAllNamespaces admits every namespace on the HBONE listener", namespace: "ns", wpName: "wp",
			opts: []Option{AllowAllNamespaces()},
			want: withRoutes(istioctlGateway("ns", "wp", nil), &gatewayv1.RouteNamespaces{From: fromPtr(gatewayv1.NamespacesFromAll)}),
		},
		{
			name: "AllowNamespaceSelector admits the selected namespaces", namespace: "ns", wpName: "wp",
			opts: []Option{AllowNamespaceSelector(selector)},
			want: withRoutes(istioctlGateway("ns", "wp", nil), &gatewayv1.RouteNamespaces{
				From:     fromPtr(gatewayv1.NamespacesFromSelector),
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "payments"}},
			}),
		},
		{
			name: "a nil option is skipped", namespace: "ns", wpName: "wp",
			opts: []Option{nil},
			want: istioctlGateway("ns", "wp", nil),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New(tt.namespace, tt.wpName, tt.opts...)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("New (-want +got):\n%s", diff)
			}
			if probs := Validate(got); len(probs) > 0 {
				t.Errorf("Validate(New(...)) = %v, want no problems", probs)
			}
		})
	}
}

func TestNewCopiesTheSelector(t *testing.T) {
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{"team": "payments"}}
	gw, err := New("ns", "wp", AllowNamespaceSelector(sel))
	if err != nil {
		t.Fatal(err)
	}
	sel.MatchLabels["team"] = "changed"
	if got := gw.Spec.Listeners[0].AllowedRoutes.Namespaces.Selector.MatchLabels["team"]; got != "payments" {
		t.Errorf("the Gateway's selector changed with the caller's: team=%q", got)
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name      string
		namespace string
		wpName    string
		opts      []Option
	}{
		{name: "an empty name", namespace: "ns", wpName: ""},
		{name: "an empty namespace", namespace: "", wpName: "wp"},
		{name: "the reserved name none", namespace: "ns", wpName: "none"},
		{name: "a name with upper case", namespace: "ns", wpName: "Waypoint"},
		{name: "a name with a dot", namespace: "ns", wpName: "wp.example"},
		{name: "a name longer than 63 characters", namespace: "ns", wpName: "a123456789012345678901234567890123456789012345678901234567890123"},
		{name: "a namespace with an underscore", namespace: "my_ns", wpName: "wp"},
		{name: "an unknown traffic type", namespace: "ns", wpName: "wp", opts: []Option{For("services")}},
		{name: "an empty traffic type", namespace: "ns", wpName: "wp", opts: []Option{For("")}},
		{name: "an empty revision", namespace: "ns", wpName: "wp", opts: []Option{Revision("")}},
		{name: "a revision that is no label value", namespace: "ns", wpName: "wp", opts: []Option{Revision("1.31/canary")}},
		{name: "a nil namespace selector", namespace: "ns", wpName: "wp", opts: []Option{AllowNamespaceSelector(nil)}},
		{name: "a selector with an unknown operator", namespace: "ns", wpName: "wp", opts: []Option{AllowNamespaceSelector(&metav1.LabelSelector{
			MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "team", Operator: "Near"}},
		})}},
		{name: "both namespace options", namespace: "ns", wpName: "wp", opts: []Option{AllowAllNamespaces(), AllowNamespaceSelector(&metav1.LabelSelector{})}},
	}
	for _, tt := range tests {
		t.Run("New refuses "+tt.name, func(t *testing.T) {
			gw, err := New(tt.namespace, tt.wpName, tt.opts...)
			if err == nil {
				t.Fatalf("New = %v, want an error", gw)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if gw != nil {
				t.Errorf("New returned a Gateway with its error")
			}
		})
	}
}
