// Package readiness judges, from objects the caller has already read, whether a cluster is
// ready for Istio's ambient mode and, once namespaces are enrolled, which workloads ztunnel
// captures and which still need a restart.
//
// It is the pure half of a split made in the manner of kstatus. The evaluators
// ([GatewayAPICRDs], [IstioCRDs], [CRD], [Istiod], [Deployment], [IstioCNI], [Ztunnel],
// [DaemonSet], [Waypoint], [WaypointBindings], [Enrollment], [Kiali]) are functions over typed
// objects that return a [Result]: Ready, NotReady or Unknown, a reason and a remediation line
// (a missing CRD, for instance, is NotReady with the command that installs it); [NewReport]
// gathers named [Check]s into a [Report]. The package makes no request and does not link
// k8s.io/client-go: the probe of a live cluster, which lists (or watches) the objects the
// evaluators take and assembles the report, is package
// [github.com/ambientkit/ambientkit/readiness/probe].
//
// # Conventions
//
// Every evaluator takes Kubernetes objects as pointers, and lists of them as slices of
// pointers ([]*appsv1.DaemonSet, []*corev1.Pod, and so on, [KialiObjects] included): Istio's
// protobuf-backed kinds, such as *networkingv1.ServiceEntry, must not be copied by value, so
// pointers are the one shape that fits every kind, and the objects of a list call or an
// informer's cache can be passed as they are. Nil entries are skipped. Evaluators never modify
// their arguments, and [NewReport] sorts a copy of its checks.
//
// No evaluator is Ready for want of anything to judge. Where an input is empty it says what
// is true: no istiod Deployment, istio-cni or ztunnel DaemonSet, or required CRD is NotReady
// with the command that installs it; an enrolled namespace without Pods is Unknown, since
// capture cannot be checked before its workloads run; [WaypointBindings] over objects of
// which none is bound to a waypoint is Unknown ([HasWaypointBound] tells whether there is a
// binding to judge). The exceptions are facts about absence: no Kiali is Ready, since nothing
// then exposes it, and an enrolled namespace whose Pods all stay out of ambient mode by
// design (host network, opted out) is Ready, saying that no Pod is meant for it.
//
// The package exports no variables: the facts a caller may need are constants (the label
// selectors, [ConditionWaypointBound]) or functions that return a fresh copy
// ([RequiredGatewayAPICRDs], [RequiredIstioCRDs], [MinimumGatewayAPIVersions]).
//
// # Strict DaemonSets
//
// The DaemonSet checks are strict, like istioctl's install wait rather than Helm's: every
// scheduled node must run an updated, ready Pod. Helm's --wait accepts a DaemonSet whose ready
// Pods reach desired minus maxUnavailable, and the istio-cni chart ships
// updateStrategy.rollingUpdate.maxUnavailable: 1, so Helm reports istio-cni ready with one
// node uncovered — and a Pod scheduled on that node is not captured. (istioctl's install wait,
// operator/pkg/install/wait.go, also demands every node.)
package readiness
