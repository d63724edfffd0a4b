package unknownkey

import (
	"github.com/ambientkit/ambientkit/ambient"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func enroll(ns *metav1.ObjectMeta) {
	ns.Labels = map[string]string{
		"istio.io/dataplane_mode":      "ambient", // want `^AMB002: unknown Istio label key "istio.io/dataplane_mode": did you mean "istio.io/dataplane-mode"\?$`
		"istio.io/use-waypoints":       "shop",    // want `AMB002: unknown Istio label key "istio.io/use-waypoints": did you mean "istio.io/use-waypoint"\?`
		"istio.io/totally-made-up-key": "x",       // want `^AMB002: unknown Istio label key "istio.io/totally-made-up-key": Istio ignores it$`
		"sidecar.istio.io/proxyCPU":    "100m",    // known, without a constant: fine
		"example.com/dataplane_mode":   "ambient", // outside Istio's domains: fine
	}
	ns.Labels["istio.io/Dataplane-mode"] = "ambient"    // want `AMB002: unknown Istio label key "istio.io/Dataplane-mode": did you mean "istio.io/dataplane-mode"\?`
	ns.Annotations["sidecar.istio.io/injekt"] = "false" // want `AMB002: unknown Istio annotation key "sidecar.istio.io/injekt": did you mean "sidecar.istio.io/inject"\?`
	m := map[string]string{}
	m["istio.io/revv"] = "stable" // want `AMB002: unknown Istio label or annotation key "istio.io/revv": did you mean "istio.io/rev"\?`
	_ = m
}

func values(ns *metav1.ObjectMeta) {
	ns.Labels[ambient.LabelDataplaneMode] = "Ambient"                 // want `^AMB003: istio.io/dataplane-mode: Istio does not accept the value "Ambient"; it accepts ambient, none \(did you mean "ambient"\?\)$`
	metav1.SetMetaDataLabel(ns, ambient.LabelWaypointFor, "services") // want `AMB003: istio.io/waypoint-for: Istio does not accept the value "services"; it accepts service, workload, all, none$`
	ns.Labels = map[string]string{
		ambient.LabelInjection:          "true", // want `AMB003: istio-injection: Istio does not accept the value "true"`
		ambient.LabelIngressUseWaypoint: "yes",  // want `AMB003: istio.io/ingress-use-waypoint: Istio does not accept the value "yes"`
		ambient.LabelUseWaypoint:        "any name is fine",
	}
	ns.Annotations[ambient.LabelDataplaneMode] = "Ambient" // annotations are not judged
	ns.Labels[ambient.LabelDataplaneMode] = ambient.DataplaneModeAmbient
	const mode = "Ambient"
	ns.Labels[ambient.LabelDataplaneMode] = mode // want `AMB003: istio.io/dataplane-mode: Istio does not accept the value "Ambient"`
}

// Maps keyed by group/Kind hold strings in Istio's domains that are not keys.
var kinds = map[string]bool{"networking.istio.io/ServiceEntry": true, "security.istio.io/AuthorizationPolicy": true}
