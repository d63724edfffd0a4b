// Command ambientlint checks the Kubernetes manifests of a GitOps repository (Argo CD or Flux)
// for mistakes that break Istio ambient mode: enrollment labels Istio does not know, waypoints
// that nothing can reach, egress that the mesh cannot classify, and the install order of the
// ambient data plane.
//
// Usage:
//
//	ambientlint [flags] [PATH...]        lint files and directories ("-" reads stdin; default ".")
//	ambientlint --cluster [flags]        lint the objects of a live cluster instead
//	ambientlint rules [--format FORMAT]  list the rules (text, json or markdown)
//	ambientlint explain RULE...          print a rule's documentation
//	ambientlint order [PATH...]          print the resolved sync order (text, mermaid or dot)
//	ambientlint ready [flags] ...        wait for the mesh to be ready in a cluster
//	ambientlint version                  print the version
//	ambientlint help                     print this help
//
// Exit status: 0 when no finding is at or above --fail-on (default error), 1 when one is, and
// 2 on a usage error, an unreadable path, a bad configuration, an unreachable cluster or an
// internal failure.
//
// Run "ambientlint --help" for the flags, and see README.md for the configuration file and the
// output formats.
package main
