package waypoint

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ambientkit/ambientkit/ambient"
)

func TestTrafficType(t *testing.T) {
	gw := func(labels map[string]string) *gatewayv1.Gateway {
		return &gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Labels: labels}}
	}
	class := func(labels map[string]string) *gatewayv1.GatewayClass {
		return &gatewayv1.GatewayClass{ObjectMeta: metav1.ObjectMeta{Name: "istio-waypoint", Labels: labels}}
	}
	tests := []struct {
		name  string
		gw    *gatewayv1.Gateway
		class *gatewayv1.GatewayClass
		want  Traffic
	}{
		{name: "an unlabelled waypoint of an unlabelled class serves services", gw: gw(nil), class: class(nil), want: "service"},
		{name: "an unlabelled waypoint without its class serves services", gw: gw(nil), want: "service"},
		{name: "the class's label applies when the waypoint has none", gw: gw(nil), class: class(map[string]string{"istio.io/waypoint-for": "workload"}), want: "workload"},
		{name: "the waypoint's label wins over the class's", gw: gw(map[string]string{"istio.io/waypoint-for": "all"}), class: class(map[string]string{"istio.io/waypoint-for": "workload"}), want: "all"},
		{name: "an empty waypoint label wins, as in istiod", gw: gw(map[string]string{"istio.io/waypoint-for": ""}), class: class(map[string]string{"istio.io/waypoint-for": "all"}), want: ""},
		{name: "an unknown value is returned as written", gw: gw(map[string]string{"istio.io/waypoint-for": "services"}), want: "services"},
		{name: "a nil Gateway takes the class's label", class: class(map[string]string{"istio.io/waypoint-for": "none"}), want: "none"},
		{name: "nothing at all means service", want: "service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TrafficType(tt.gw, tt.class); got != tt.want {
				t.Errorf("TrafficType = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestServes(t *testing.T) {
	kinds := []string{"Service", "ServiceEntry", "Namespace", "Pod", "Deployment", "WorkloadEntry"}
	tests := []struct {
		trafficType Traffic
		want        []bool // per kinds
	}{
		{trafficType: "service", want: []bool{true, true, true, false, false, false}},
		{trafficType: "", want: []bool{true, true, true, false, false, false}},
		{trafficType: "workload", want: []bool{false, false, false, true, true, true}},
		{trafficType: "all", want: []bool{true, true, true, true, true, true}},
		{trafficType: "none", want: []bool{false, false, false, false, false, false}},
		{trafficType: "Service", want: []bool{false, false, false, false, false, false}},
	}
	for _, tt := range tests {
		for i, kind := range kinds {
			name := "a " + string(tt.trafficType) + " waypoint serves a " + kind + " binding"
			if !tt.want[i] {
				name = "a " + string(tt.trafficType) + " waypoint does not serve a " + kind + " binding"
			}
			t.Run(name, func(t *testing.T) {
				if got := tt.trafficType.Serves(kind); got != tt.want[i] {
					t.Errorf("Traffic(%q).Serves(%q) = %v, want %v", tt.trafficType, kind, got, tt.want[i])
				}
			})
		}
	}
}

func TestValidateBinding(t *testing.T) {
	wp := func(rn *gatewayv1.RouteNamespaces) *gatewayv1.Gateway {
		gw := istioctlGateway("mesh", "shared", nil)
		if rn != nil {
			gw.Spec.Listeners[0].AllowedRoutes = &gatewayv1.AllowedRoutes{Namespaces: rn}
		}
		return gw
	}
	selector := func(sel *metav1.LabelSelector) *gatewayv1.RouteNamespaces {
		return &gatewayv1.RouteNamespaces{From: fromPtr(gatewayv1.NamespacesFromSelector), Selector: sel}
	}
	tests := []struct {
		name       string
		gw         *gatewayv1.Gateway
		ns         string
		nsLabels   map[string]string
		want       bool
		wantReason string
	}{
		{
			name: "the default admits the waypoint's own namespace",
			gw:   wp(nil), ns: "mesh", want: true,
			wantReason: "namespace mesh is the waypoint's own namespace",
		},
		{
			name: "the default refuses another namespace",
			gw:   wp(nil), ns: "shop",
			wantReason: "waypoint mesh/shared admits only its own namespace (allowedRoutes.namespaces.from defaults to Same), not shop",
		},
		{
			name: "from Same refuses another namespace",
			gw:   wp(&gatewayv1.RouteNamespaces{From: fromPtr(gatewayv1.NamespacesFromSame)}), ns: "shop",
			wantReason: "waypoint mesh/shared admits only its own namespace (allowedRoutes.namespaces.from is Same), not shop",
		},
		{
			name: "from None is treated like Same, as in istiod",
			gw:   wp(&gatewayv1.RouteNamespaces{From: fromPtr(gatewayv1.NamespacesFromNone)}), ns: "mesh", want: true,
			wantReason: "namespace mesh is the waypoint's own namespace",
		},
		{
			name: "from All admits any namespace",
			gw:   wp(&gatewayv1.RouteNamespaces{From: fromPtr(gatewayv1.NamespacesFromAll)}), ns: "shop", want: true,
			wantReason: "waypoint mesh/shared admits all namespaces (allowedRoutes.namespaces.from: All)",
		},
		{
			name: "a selector admits a namespace with the labels",
			gw:   wp(selector(&metav1.LabelSelector{MatchLabels: map[string]string{"team": "payments"}})),
			ns:   "shop", nsLabels: map[string]string{"team": "payments"}, want: true,
			wantReason: `namespace shop matches the selector "team=payments" of waypoint mesh/shared`,
		},
		{
			name: "a selector refuses a namespace without the labels",
			gw:   wp(selector(&metav1.LabelSelector{MatchLabels: map[string]string{"team": "payments"}})),
			ns:   "shop", nsLabels: map[string]string{"team": "search"},
			wantReason: `namespace shop does not match the selector "team=payments" of waypoint mesh/shared`,
		},
		{
			name: "a selector on kubernetes.io/metadata.name matches without the label being given",
			gw: wp(selector(&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpIn, Values: []string{"shop", "cart"},
			}}})),
			ns: "shop", want: true,
			wantReason: `namespace shop matches the selector "kubernetes.io/metadata.name in (cart,shop)" of waypoint mesh/shared`,
		},
		{
			name:       "a selector that is missing admits nothing",
			gw:         wp(selector(nil)),
			ns:         "mesh",
			wantReason: "waypoint mesh/shared admits namespaces by selector but gives no selector, so it admits none",
		},
		{
			name: "a selector that does not parse admits nothing",
			gw: wp(selector(&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: "team", Operator: "Near",
			}}})),
			ns:         "shop",
			wantReason: `waypoint mesh/shared has a namespace selector that does not parse ("Near" is not a valid label selector operator), so it admits none`,
		},
		{
			name: "allowedRoutes on another listener do not count",
			gw: func() *gatewayv1.Gateway {
				gw := wp(nil)
				gw.Spec.Listeners = append(gw.Spec.Listeners, gatewayv1.Listener{
					Name: "http", Port: 80, Protocol: "HTTP",
					AllowedRoutes: &gatewayv1.AllowedRoutes{Namespaces: &gatewayv1.RouteNamespaces{From: fromPtr(gatewayv1.NamespacesFromAll)}},
				})
				return gw
			}(),
			ns:         "shop",
			wantReason: "waypoint mesh/shared admits only its own namespace (allowedRoutes.namespaces.from defaults to Same), not shop",
		},
		{
			name:       "a nil waypoint admits nothing",
			ns:         "shop",
			wantReason: "there is no waypoint",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ValidateBinding(tt.gw, tt.ns, tt.nsLabels)
			if tt.want {
				if len(got) > 0 {
					t.Errorf("ValidateBinding = %+v, want no problems", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("ValidateBinding = %+v, want one problem", got)
			}
			wantCode := CodeNamespaceNotAllowed
			if tt.gw == nil {
				wantCode = CodeNilGateway
			}
			if got[0].Code != wantCode || got[0].Severity != ambient.Error {
				t.Errorf("problem %+v, want code %s, an error", got[0], wantCode)
			}
			if diff := cmp.Diff(tt.wantReason, got[0].Message); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("ValidateBinding does not change the caller's labels", func(t *testing.T) {
		labels := map[string]string{"team": "payments"}
		ValidateBinding(wp(selector(&metav1.LabelSelector{MatchLabels: labels})), "shop", labels)
		if diff := cmp.Diff(map[string]string{"team": "payments"}, labels); diff != "" {
			t.Errorf("labels changed (-want +got):\n%s", diff)
		}
	})
}

// The traffic types For accepts are the values package ambient checks istio.io/waypoint-for
// against: the one list of them, kept in two packages that cannot import each other.
func TestTrafficTypesAreTheLabelsValues(t *testing.T) {
	var got []string
	for _, tt := range trafficTypes {
		got = append(got, string(tt))
	}
	if diff := cmp.Diff(ambient.AllowedValues(ambient.LabelWaypointFor), got); diff != "" {
		t.Errorf("traffic types (-ambient +waypoint):\n%s", diff)
	}
}
