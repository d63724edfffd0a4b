package withtests

import "testing"

func TestLabels(t *testing.T) {
	labels := map[string]string{"istio.io/dataplane-mode": "Ambient"} // want `AMB501: use ambient.LabelDataplaneMode ` `AMB003: istio.io/dataplane-mode: Istio does not accept the value "Ambient"`
	_ = labels
}
