// Package rego holds ambientlint's Rego policy bundle: twins of the catalogue's per-object and
// cross-object rules (AMB002, AMB003, AMB110, AMB202–AMB204, AMB206, AMB207, AMB209–AMB211,
// AMB301–AMB303, AMB401, AMB402) written in Rego v1 for conftest and for an in-process OPA engine, the facts they
// share with the Go rules (generated from the SDK), and the locked-down OPA capabilities they
// are meant to run under.
//
// The bundle is the directory policy (packages ambientlint.*), embedded here; users run it
// with conftest straight from this directory:
//
//	conftest test -p rego --all-namespaces manifests/             # per document
//	conftest test -p rego --all-namespaces --combine manifests/   # every rule
//	conftest verify -p rego                                       # the bundle's own tests
//
// conftest loads only the .rego files below -p, so this package's Go files, testdata and
// capabilities.json do not disturb it. Each result is an object with msg, rule (the ID),
// name, severity and path (the offending field as keys and array indices below the object);
// with --combine also file and doc (the object's index in the combined input). Error rules
// are deny, warnings warn.
//
// The ordering rules (AMB101–AMB109) stay Go-only: they read the GitOps model (sync waves, hook
// phases, Argo CD's kind order, Flux dependsOn chains and health checks, app-of-apps
// resolution of child paths, chart installs and their merged values), which is a rendering of
// the tree, not a property of the objects conftest hands a policy.
//
// The generated files (policy/lib/data.rego and capabilities.json) are written by go
// generate; the tests fail when they are stale.
package rego
