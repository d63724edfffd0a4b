// Package probe reads a live cluster through client-go and evaluates, with the evaluators of
// package [github.com/ambientkit/ambientkit/readiness], whether it is ready for Istio's
// ambient mode.
//
// A [Probe] fetches what the evaluators need with list calls (by label selector and
// namespace, paginated, never one request per Pod) and assembles a [readiness.Report];
// [Probe.Wait] keeps the same objects in informer caches, fed by watches, and re-evaluates on
// every change until the mesh is ready or the context ends. The probe reads through
// client-go's dynamic client and converts what it gets into the typed objects the evaluators
// take, so that linking the package does not link the generated clientsets, whose scheme
// registration would slow the start of every program that imports it.
//
// Failure is data: a request the caller may not make (403) turns the checks that need it into
// Unknown, naming the verb and resource to grant; a kind whose CRD is not installed is left to
// the CRD checks; a timeout returns the last state seen.
//
// The probe passes the evaluators the objects it read, as pointers and without copies, which
// the evaluators' convention of never modifying their arguments allows. The verdicts are the
// evaluators', so none is Ready for want of anything to judge: an enrolled namespace without
// Pods is Unknown, and [Probe.Wait] waits for its Pods to be created and captured. The one
// check the probe decides itself is the enrollment of a cluster where no namespace is enrolled
// yet (and none is named in [Options.Namespaces]): that is Ready, since it is the state in
// which a namespace may be enrolled, once the rest of the mesh is ready. A Service or
// ServiceEntry that names a waypoint gets a waypoint-bindings check once istiod has written
// its condition; a namespace without any has none.
package probe
