// Package readiness tells whether a live cluster is ready for Istio's ambient mode, and, once
// namespaces are enrolled, which workloads ztunnel captures and which still need a restart.
//
// It is built in two layers, in the manner of kstatus. The evaluators ([GatewayAPICRDs],
// [IstioCRDs], [Istiod], [IstioCNI], [Ztunnel], [Waypoint], [WaypointBindings], [Enrollment],
// [Kiali]) are pure functions over typed objects that return a [Result]: Ready, NotReady or
// Unknown, a reason and a remediation line. The [Probe] fetches what they need with list calls
// (by label selector and namespace, paginated, never one request per Pod) and assembles a
// [Report]; [Probe.Wait] keeps the same objects in informer caches, fed by watches, and
// re-evaluates on every change until the mesh is ready or the context ends. The probe reads
// through client-go's dynamic client and converts what it gets into the typed objects the
// evaluators take, so that linking the package does not link the generated clientsets, whose
// scheme registration would slow the start of every program that imports it.
//
// The DaemonSet checks are strict, like istioctl's install wait rather than Helm's: every
// scheduled node must run an updated, ready Pod. Helm's --wait accepts a DaemonSet whose ready
// Pods reach desired minus maxUnavailable, and the istio-cni chart ships
// updateStrategy.rollingUpdate.maxUnavailable: 1, so Helm reports istio-cni ready with one
// node uncovered — and a Pod scheduled on that node is not captured. (istioctl's install wait,
// operator/pkg/install/wait.go, also demands every node.)
//
// Failure is data: a request the caller may not make (403) turns the checks that need it into
// Unknown, naming the verb and resource to grant; a missing CRD is NotReady with the command
// that installs it; a timeout returns the last state seen.
package readiness
