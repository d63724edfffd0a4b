// Package ambient knows how Istio's ambient mode enrolls workloads: the labels and annotations
// Istio defines, builders that enroll namespaces, opt pods out and restart them, the
// resolution of a pod's effective data plane mode from its own and its namespace's labels,
// and the checks of label values and keys the linter reports.
//
// It is the source of truth for these facts in ambientkit: the linters (ambientlint and
// ambientvet) and the readiness probes take them from here. [WriteYAML] writes the objects
// the SDK builds as the YAML a person would commit to a GitOps repository. [Problem] is what
// every check of the SDK (waypoint.Validate, egress.Validate) reports.
//
// The package follows the SDK's conventions (CONTRIBUTING.md): functions never change their
// arguments ([Enroll], [OptOut] and [Restart] return edited copies), bad input is an error
// ([ErrSidecarInjection], [InvalidValueError]), and tables are returned as fresh copies.
package ambient
