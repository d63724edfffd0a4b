// Package realtypes builds objects with the real client-go, gateway-api and istio client-go
// types, so that the analyzer's type matching is checked against them and not only against
// the stubs under testdata/src. The test copies it into a module that requires ambientkit.
package realtypes

import (
	"github.com/ambientkit/ambientkit/ambient"
	networkingapiv1 "istio.io/api/networking/v1"
	networkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

var namespace = corev1.Namespace{
	ObjectMeta: metav1.ObjectMeta{
		Name: "shop",
		Labels: map[string]string{
			"istio.io/dataplane-mode": "Ambient", // want `AMB501: use ambient.LabelDataplaneMode ` `AMB003: istio.io/dataplane-mode: Istio does not accept the value "Ambient"`
			"istio.io/use-waypoints":  "shop",    // want `AMB002: unknown Istio label key "istio.io/use-waypoints": did you mean "istio.io/use-waypoint"\?`
		},
	},
}

func enrolled(ns *corev1.Namespace) bool {
	metav1.SetMetaDataLabel(&ns.ObjectMeta, ambient.LabelDataplaneMode, "Ambient") // want `AMB003: istio.io/dataplane-mode: Istio does not accept the value "Ambient"`
	_, _ = labels.NewRequirement("istio.io/rev", selection.Exists, nil)            // want `AMB501: use ambient.LabelRev `
	return metav1.HasLabel(ns.ObjectMeta, "istio.io/dataplane-mode") &&            // want `AMB501: use ambient.LabelDataplaneMode `
		ns.GetLabels()["istio.io/dataplane-mode"] == ambient.DataplaneModeAmbient // want `AMB501: use ambient.LabelDataplaneMode `
}

var waypoint = gatewayv1.Gateway{
	ObjectMeta: metav1.ObjectMeta{Name: "waypoint", Namespace: "shop"},
	Spec: gatewayv1.GatewaySpec{
		GatewayClassName: ambient.WaypointGatewayClass,
		Listeners: []gatewayv1.Listener{
			{Name: "mesh", Port: 15009, Protocol: ambient.HBONEProtocol}, // want `AMB206: waypoint Gateway shop/waypoint: HBONE listener "mesh" is on port 15009`
		},
	},
}

var egress = networkingv1.ServiceEntry{
	ObjectMeta: metav1.ObjectMeta{Name: "vendor", Namespace: "shop"},
	Spec: networkingapiv1.ServiceEntry{
		Hosts:      []string{"*.vendor.example"}, // want `AMB301: ServiceEntry shop/vendor has wildcard host "\*.vendor.example"`
		Resolution: networkingapiv1.ServiceEntry_NONE,
		Ports: []*networkingapiv1.ServicePort{
			{Number: 443, Name: "tls", Protocol: "TLS"},
			{Number: 443, Name: "https", Protocol: "HTTPS"}, // want `AMB302: ServiceEntry shop/vendor: port 443 is already defined`
		},
	},
}
