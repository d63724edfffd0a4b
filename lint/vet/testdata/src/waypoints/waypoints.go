package waypoints

import (
	"github.com/ambientkit/ambientkit/ambient"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	gatewayv1beta1 "sigs.k8s.io/gateway-api/apis/v1beta1"
)

var wrongPort = &gatewayv1.Gateway{
	ObjectMeta: metav1.ObjectMeta{Name: "waypoint", Namespace: "shop"},
	Spec: gatewayv1.GatewaySpec{
		GatewayClassName: "istio-waypoint",
		Listeners: []gatewayv1.Listener{
			{Name: "mesh", Port: 15009, Protocol: "HBONE"}, // want `^AMB206: waypoint Gateway shop/waypoint: HBONE listener "mesh" is on port 15009: a waypoint's HBONE listener must be on port 15008$`
		},
	},
}

var wrongProtocol = gatewayv1.Gateway{
	ObjectMeta: metav1.ObjectMeta{Name: "waypoint"},
	Spec: gatewayv1.GatewaySpec{
		GatewayClassName: ambient.WaypointGatewayClass,
		Listeners: []gatewayv1.Listener{
			{Name: "mesh", Port: 15008, Protocol: "TCP"}, // want `AMB206: waypoint Gateway waypoint: listener "mesh" on port 15008 has protocol "TCP": a waypoint needs protocol HBONE there`
		},
	},
}

var noHBONE = gatewayv1.Gateway{
	Spec: gatewayv1.GatewaySpec{
		GatewayClassName: "istio-waypoint",
		Listeners: []gatewayv1.Listener{ // want `AMB206: waypoint Gateway: no listener with port 15008 and protocol HBONE`
			{Name: "http", Port: 80, Protocol: gatewayv1.HTTPProtocolType},
		},
	},
}

var namedNone = gatewayv1.Gateway{
	ObjectMeta: metav1.ObjectMeta{
		Name: "none", // want `AMB206: waypoint Gateway none: a waypoint cannot be named "none"`
		Labels: map[string]string{
			ambient.LabelWaypointFor: "services", // want `AMB003: istio.io/waypoint-for: Istio does not accept the value "services"`
		},
	},
	Spec: gatewayv1.GatewaySpec{
		GatewayClassName: "istio-waypoint",
		Listeners:        []gatewayv1.Listener{{Name: "mesh", Port: ambient.HBONEPort, Protocol: ambient.HBONEProtocol}},
	},
}

var badName = gatewayv1beta1.Gateway{
	ObjectMeta: metav1.ObjectMeta{Name: "Way_Point"}, // want `AMB206: waypoint Gateway Way_Point: waypoint name "Way_Point" is not a DNS-1123 label`
	Spec: gatewayv1beta1.GatewaySpec{
		GatewayClassName: "istio-waypoint",
		Listeners:        []gatewayv1beta1.Listener{{Name: "mesh", Port: 15008, Protocol: "HBONE"}},
	},
}

// A spec on its own: its listener leaves the protocol out.
var spec = gatewayv1.GatewaySpec{
	GatewayClassName: "istio-waypoint",
	Listeners:        []gatewayv1.Listener{{Port: 15008}}, // want `AMB206: waypoint Gateway: listener "" on port 15008 has protocol ""`
}

func nearMisses(port gatewayv1.PortNumber, class gatewayv1.ObjectName, mesh gatewayv1.Listener, listeners []gatewayv1.Listener, name string) []gatewayv1.Gateway {
	return []gatewayv1.Gateway{
		{Spec: gatewayv1.GatewaySpec{GatewayClassName: "istio", Listeners: []gatewayv1.Listener{{Port: 80}}}},                               // not a waypoint
		{Spec: gatewayv1.GatewaySpec{GatewayClassName: class, Listeners: []gatewayv1.Listener{{Port: 80}}}},                                 // class not a constant
		{Spec: gatewayv1.GatewaySpec{GatewayClassName: "istio-waypoint"}},                                                                   // listeners added later
		{Spec: gatewayv1.GatewaySpec{GatewayClassName: "istio-waypoint", Listeners: listeners}},                                             // listeners not a literal
		{Spec: gatewayv1.GatewaySpec{GatewayClassName: "istio-waypoint", Listeners: []gatewayv1.Listener{mesh, {Port: 80}}}},                // one listener unknown
		{Spec: gatewayv1.GatewaySpec{GatewayClassName: "istio-waypoint", Listeners: []gatewayv1.Listener{{Port: port, Protocol: "HBONE"}}}}, // port unknown
		{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: gatewayv1.GatewaySpec{GatewayClassName: "istio-waypoint", Listeners: listeners}},  // name unknown
		{ObjectMeta: metav1.ObjectMeta{Name: "none"}, Spec: gatewayv1.GatewaySpec{GatewayClassName: "istio"}},                               // "none" is fine for other classes
	}
}
