// Package kiali holds the facts ambientkit knows about Kiali's exposure: which Service is
// Kiali's, whether a Service is reachable from outside the cluster and why, and which objects
// route outside traffic to a Service.
//
// The functions are pure: they read typed objects and return facts, so that the linter's
// AMB401 rule (over manifests) and the readiness probe (over a live cluster) draw the same
// conclusions from the same objects.
package kiali
