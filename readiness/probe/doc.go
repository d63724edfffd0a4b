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
package probe
