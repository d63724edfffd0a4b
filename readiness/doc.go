// Package readiness tells whether a cluster is ready for Istio's ambient mode, and, once
// namespaces are enrolled, which workloads ztunnel captures and which still need a restart,
// from objects the caller has already read.
//
// It is the pure half of a split made in the manner of kstatus. The evaluators
// ([GatewayAPICRDs], [IstioCRDs], [Istiod], [IstioCNI], [Ztunnel], [Waypoint],
// [WaypointBindings], [Enrollment], [Kiali]) are functions over typed objects that return a
// [Result]: Ready, NotReady or Unknown, a reason and a remediation line (a missing CRD, for
// instance, is NotReady with the command that installs it); [NewReport] gathers named
// [Check]s into a [Report]. The package makes no request and does not link k8s.io/client-go:
// the probe of a live cluster, which lists (or watches) the objects the evaluators take and
// assembles the report, is package [github.com/ambientkit/ambientkit/readiness/probe].
//
// The DaemonSet checks are strict, like istioctl's install wait rather than Helm's: every
// scheduled node must run an updated, ready Pod. Helm's --wait accepts a DaemonSet whose ready
// Pods reach desired minus maxUnavailable, and the istio-cni chart ships
// updateStrategy.rollingUpdate.maxUnavailable: 1, so Helm reports istio-cni ready with one
// node uncovered — and a Pod scheduled on that node is not captured. (istioctl's install wait,
// operator/pkg/install/wait.go, also demands every node.)
package readiness
