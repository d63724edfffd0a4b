// Package cluster reads the objects of a live cluster into manifest.Objects, so that the
// rules that judge a repository's manifests judge what a cluster runs.
//
// Read lists only the kinds it is asked for (the kinds the enabled rules read), in pages of a
// bounded size, through client-go's dynamic client and the API server's discovery. Each
// object becomes a manifest.Object as the loader makes one from a file (its nodes, metadata
// and typed value, through manifest/load), without managedFields and status, and with a live
// origin (Object.Live) instead of a file: what is said about it is placed at the object and
// a field path. Pods, ReplicaSets and Jobs that a controller owns are left out, since their
// owner carries the template they were made from.
//
// Failure is data, as for package readiness/probe: a list the identity may not make (403)
// is a load.Problem that names the verb, the resource and group, and the namespace to grant
// (ambientlint reports it as AMB001), and a kind the API server does not serve is skipped.
// Read fails only when the API server cannot be reached or the context ends.
package cluster
