package skiptests

import "testing"

func TestLabels(t *testing.T) {
	labels := map[string]string{"istio.io/dataplane-mode": "Ambient", "istio.io/use-waypoints": "shop"}
	_ = labels
}
