package rawkey

import (
	"fmt"
	"strings"

	"github.com/ambientkit/ambientkit/ambient"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

func enroll(ns *metav1.ObjectMeta) {
	ns.Labels = map[string]string{
		"istio.io/dataplane-mode": ambient.DataplaneModeAmbient, // want `^AMB501: use ambient.LabelDataplaneMode instead of the string "istio.io/dataplane-mode"$`
	}
	if ns.Labels["istio.io/rev"] != "" { // want `AMB501: use ambient.LabelRev `
		return
	}
	ns.Annotations["sidecar.istio.io/inject"] = "false"                   // want `AMB501: use ambient.AnnotationSidecarInject `
	ns.Labels["sidecar.istio.io/inject"] = "false"                        // want `AMB501: use ambient.LabelSidecarInject `
	_ = metav1.HasLabel(*ns, "istio-injection")                           // want `AMB501: use ambient.LabelInjection `
	delete(ns.Labels, "istio.io/use-waypoint")                            // want `AMB501: use ambient.LabelUseWaypoint `
	_ = labels.Set{"istio.io/waypoint-for": "service"}                    // want `AMB501: use ambient.LabelWaypointFor `
	_, _ = labels.NewRequirement("istio.io/"+"dataplane-mode", "in", nil) // want `AMB501: use ambient.LabelDataplaneMode `
	_ = metav1.LabelSelectorRequirement{Key: "istio.io/dataplane-mode"}   // want `AMB501: use ambient.LabelDataplaneMode `
	for k := range ns.Labels {
		if k == "istio.io/use-waypoint-namespace" { // want `AMB501: use ambient.LabelUseWaypointNamespace `
			continue
		}
		switch k {
		case "istio.io/ingress-use-waypoint": // want `AMB501: use ambient.LabelIngressUseWaypoint `
		}
	}
	_ = map[string]any{"annotations": map[string]any{"ambient.istio.io/redirection": "enabled"}} // want `AMB501: use ambient.AnnotationRedirection `
}

// modeKey is reported here, not where it is used.
const modeKey = "istio.io/dataplane-mode" // want `AMB501: use ambient.LabelDataplaneMode `

var modeLabels = map[string]string{modeKey: "ambient"}

func nearMisses(ns *metav1.ObjectMeta) {
	ns.Labels[ambient.LabelUseWaypoint] = "waypoint"                              // the constant itself
	_ = []string{"label", "namespace", "shop", "istio.io/dataplane-mode=ambient"} // contains the key, is not the key
	ns.Labels["app.kubernetes.io/name"] = "shop"                                  // outside Istio's domains
	ns.Annotations["kubectl.kubernetes.io/restartedAt"] = "now"                   // a constant of ambient, not an Istio key
	fmt.Println("istio.io/dataplane-mode")                                        // not where a key is expected
	_ = strings.HasPrefix("istio.io/dataplane-mode", "istio.io/")                 // not where a key is expected
	_ = map[string]string{"sidecar.istio.io/proxyCPU": "100m"}                    // an Istio key without a constant
	_ = []string{"istio.io/dataplane-mode"}                                       // a slice is not a map
	_ = map[int]string{1: "istio.io/dataplane-mode"}                              // a value, not a key
}
