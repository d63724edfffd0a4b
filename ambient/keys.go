package ambient

import (
	"slices"
	"strings"
	"sync"

	"istio.io/api/annotation"
	"istio.io/api/label"
)

// Labels that enroll workloads in ambient mode and bind them to waypoints. Their values and
// semantics are Istio's (istio.io/api label definitions, Istio 1.28–1.31).
const (
	// LabelDataplaneMode selects the data plane of a Namespace or Pod: [DataplaneModeAmbient]
	// enrolls it (istio-cni redirects its traffic to the node's ztunnel), [DataplaneModeNone]
	// opts a Pod (or Namespace) out. A Pod's label wins over its Namespace's. There is no value
	// for sidecars: sidecar injection is asked for with [LabelInjection].
	LabelDataplaneMode = "istio.io/dataplane-mode"

	// LabelUseWaypoint names the waypoint (a Gateway of class istio-waypoint) that serves a
	// Namespace, Service, ServiceEntry, Pod or WorkloadEntry. The waypoint is looked up in the
	// object's own namespace unless [LabelUseWaypointNamespace] names another. The value
	// [UseWaypointNone] opts an object out of a waypoint its Namespace would give it.
	LabelUseWaypoint = "istio.io/use-waypoint"

	// LabelUseWaypointNamespace names the namespace of the waypoint in [LabelUseWaypoint], for a
	// cross-namespace binding. The waypoint's HBONE listener must admit the binding namespace
	// through allowedRoutes.
	LabelUseWaypointNamespace = "istio.io/use-waypoint-namespace"

	// LabelWaypointFor, on a waypoint Gateway or on its GatewayClass, says which traffic the
	// waypoint handles: service (the default), workload, all or none (package waypoint's
	// Traffic constants). The Gateway's label wins over the class's.
	LabelWaypointFor = "istio.io/waypoint-for"

	// LabelIngressUseWaypoint, "true" on a Service, ServiceEntry or Namespace, makes Istio
	// ingress gateways send the service's traffic through its waypoint instead of straight to
	// the workloads. Values: "true", "false".
	LabelIngressUseWaypoint = "istio.io/ingress-use-waypoint"

	// LabelRev selects the Istio control plane revision (or tag) of a Namespace, Pod or
	// Gateway. On a Namespace it also turns on sidecar injection for that revision, so an
	// ambient Namespace must not carry it.
	LabelRev = "istio.io/rev"

	// LabelInjection, "enabled" on a Namespace, asks the default revision's webhook to inject
	// sidecars into its Pods; "disabled" turns injection off. Values: "enabled", "disabled".
	LabelInjection = "istio-injection"

	// LabelSidecarInject, "true" or "false" on a Pod (template), forces sidecar injection on
	// or off for that Pod. A Pod with a sidecar is never captured by ztunnel: sidecar wins.
	LabelSidecarInject = "sidecar.istio.io/inject"
)

// Annotations Istio reads or writes on ambient workloads.
const (
	// AnnotationSidecarStatus is written by the injector on every Pod that received a
	// sidecar. A running Pod that still carries it after its namespace moved to ambient
	// needs a restart.
	AnnotationSidecarStatus = "sidecar.istio.io/status"

	// AnnotationSidecarInject is the older, annotation form of [LabelSidecarInject]. The
	// injector reads it only when the label is absent, and the injection webhooks do not
	// read it at all, so it can turn injection off but never on.
	AnnotationSidecarInject = "sidecar.istio.io/inject"

	// AnnotationRedirection is written by istio-cni on a Pod whose traffic it redirected to
	// ztunnel: [RedirectionEnabled], or [RedirectionPending] while that is under way. Users
	// never set it.
	AnnotationRedirection = "ambient.istio.io/redirection"

	// AnnotationRestartedAt is the pod-template annotation `kubectl rollout restart` sets to
	// the current time (RFC 3339) so that the controller rolls out new Pods.
	AnnotationRestartedAt = "kubectl.kubernetes.io/restartedAt"
)

// Values of [LabelDataplaneMode].
const (
	DataplaneModeAmbient = "ambient"
	DataplaneModeNone    = "none"
)

// UseWaypointNone, as the value of [LabelUseWaypoint], opts an object out of a waypoint.
const UseWaypointNone = "none"

// Values of [LabelInjection].
const (
	InjectionEnabled  = "enabled"
	InjectionDisabled = "disabled"
)

// Values of [AnnotationRedirection].
const (
	RedirectionEnabled = "enabled"
	RedirectionPending = "pending"
)

// Kinds and names Istio gives its ambient components and waypoints.
const (
	// WaypointGatewayClass is the GatewayClass of waypoint Gateways.
	WaypointGatewayClass = "istio-waypoint"
	// HBONEPort is the port of a waypoint's HBONE listener.
	HBONEPort = 15008
	// HBONEProtocol is the protocol of a waypoint's HBONE listener.
	HBONEProtocol = "HBONE"
	// RootNamespace is Istio's default root namespace (meshConfig.rootNamespace): istiod
	// reads mesh-wide configuration, such as an AuthorizationPolicy without a selector, from
	// it. The istiod chart sets it to meshConfig.rootNamespace, else global.istioNamespace,
	// whose default this is.
	RootNamespace = "istio-system"
	// KubeSystemNamespace is the namespace whose Pods Istio never captures.
	KubeSystemNamespace = "kube-system"
)

// allowedValues lists, for each ambient key whose values Istio checks, the values it accepts.
// Keys not listed take free-form values (names, revisions).
var allowedValues = map[string][]string{
	LabelDataplaneMode: {DataplaneModeAmbient, DataplaneModeNone},
	// Package waypoint's Traffic constants; its tests hold the two lists equal.
	LabelWaypointFor:        {"service", "workload", "all", "none"},
	LabelInjection:          {InjectionEnabled, InjectionDisabled},
	LabelIngressUseWaypoint: {"true", "false"},
}

// AllowedValues returns the values Istio accepts for key, or nil when key takes free-form
// values. The slice is a copy.
func AllowedValues(key string) []string {
	v := allowedValues[key]
	if v == nil {
		return nil
	}
	return append([]string(nil), v...)
}

// enrollmentKeys are the keys whose presence decides whether a workload is in ambient mode
// and which waypoint serves it: the keys that enroll or opt out ([LabelDataplaneMode]), bind
// a waypoint ([LabelUseWaypoint], [LabelUseWaypointNamespace], [LabelIngressUseWaypoint]) and
// set a waypoint's traffic ([LabelWaypointFor]). Istio ignores a misspelling of any of them
// silently, so the object keeps the data plane or waypoint it had.
var enrollmentKeys = []string{
	LabelDataplaneMode,
	LabelIngressUseWaypoint,
	LabelUseWaypoint,
	LabelUseWaypointNamespace,
	LabelWaypointFor,
}

// EnrollmentKeys returns the keys that enroll a workload in ambient mode, opt it out, bind it
// to a waypoint or set which traffic a waypoint handles, sorted. A misspelt one leaves the
// object out of the mesh or around its waypoint, with nothing in the cluster to say so. The
// slice is a copy.
func EnrollmentKeys() []string { return slices.Clone(enrollmentKeys) }

// IsEnrollmentKey reports whether key is one of [EnrollmentKeys].
func IsEnrollmentKey(key string) bool { return slices.Contains(enrollmentKeys, key) }

// extraKeys are keys in the istio.io domains that Istio sets or reads but that istio/api's
// labels.yaml and annotations.yaml do not list.
var extraKeys = []string{
	"install.operator.istio.io/owning-resource", // set by istioctl install on every object
	"istio.io/gateway-name",                     // set by Istio's gateway deployment controller
}

// IsIstioDomain reports whether key's prefix is istio.io or a subdomain of it.
func IsIstioDomain(key string) bool {
	d, _, ok := strings.Cut(key, "/")
	if !ok {
		return false
	}
	return d == "istio.io" || strings.HasSuffix(d, ".istio.io")
}

// KnownKeys returns every label and annotation key in the istio.io domains that Istio defines,
// taken from istio/api's generated label and annotation definitions, sorted. The slice is a
// copy.
func KnownKeys() []string { return slices.Clone(knownKeys()) }

// IsKnownKey reports whether Istio defines key (see [KnownKeys]).
func IsKnownKey(key string) bool {
	_, ok := slices.BinarySearch(knownKeys(), key)
	return ok
}

var knownKeys = sync.OnceValue(func() []string {
	seen := map[string]bool{}
	for _, l := range label.AllResourceLabels() {
		if IsIstioDomain(l.Name) {
			seen[l.Name] = true
		}
	}
	for _, a := range annotation.AllResourceAnnotations() {
		if IsIstioDomain(a.Name) {
			seen[a.Name] = true
		}
	}
	for _, k := range extraKeys {
		seen[k] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
})
