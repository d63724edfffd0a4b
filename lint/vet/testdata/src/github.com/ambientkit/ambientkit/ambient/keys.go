// Package ambient is a stub of github.com/ambientkit/ambientkit/ambient for the analyzer's
// tests: the key constants with their real names and values. The analyzer skips this
// package, so its literals carry no want comments.
package ambient

const (
	LabelDataplaneMode        = "istio.io/dataplane-mode"
	LabelUseWaypoint          = "istio.io/use-waypoint"
	LabelUseWaypointNamespace = "istio.io/use-waypoint-namespace"
	LabelWaypointFor          = "istio.io/waypoint-for"
	LabelIngressUseWaypoint   = "istio.io/ingress-use-waypoint"
	LabelRev                  = "istio.io/rev"
	LabelInjection            = "istio-injection"
	LabelSidecarInject        = "sidecar.istio.io/inject"
)

const (
	AnnotationSidecarStatus = "sidecar.istio.io/status"
	AnnotationSidecarInject = "sidecar.istio.io/inject"
	AnnotationRedirection   = "ambient.istio.io/redirection"
	AnnotationRestartedAt   = "kubectl.kubernetes.io/restartedAt"
)

const (
	DataplaneModeAmbient = "ambient"
	WaypointGatewayClass = "istio-waypoint"
	HBONEPort            = 15008
	HBONEProtocol        = "HBONE"
)

func labels() map[string]string {
	return map[string]string{"istio.io/dataplane-mode": "Ambient"}
}
