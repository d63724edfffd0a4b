// Package nodep does not depend on package ambient: AMB501 is reported without a fix, and
// the AMB002 fix spells the key as a string.
package nodep

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

func enroll(ns *metav1.ObjectMeta) {
	ns.Labels["istio.io/dataplane-mode"] = "ambient" // want `AMB501: use ambient.LabelDataplaneMode `
	ns.Labels["istio.io/dataplane_mode"] = "ambient" // want `AMB002: unknown Istio label key "istio.io/dataplane_mode": did you mean "istio.io/dataplane-mode"\?`
}
