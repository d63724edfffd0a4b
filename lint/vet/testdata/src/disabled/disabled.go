// Package disabled is checked with -disable=AMB501,unknown-istio-key.
package disabled

var labels = map[string]string{
	"istio.io/dataplane-mode": "Ambient", // want `AMB003: istio.io/dataplane-mode: Istio does not accept the value "Ambient"`
	"istio.io/use-waypoints":  "shop",
}
