// Package vet is ambientvet, a go/analysis analyzer that finds in Go code the Istio ambient
// mistakes ambientlint finds in manifests: label and annotation keys spelt as strings where
// package ambient defines a constant (AMB501 raw-istio-key), misspelt Istio keys and values
// Istio rejects (AMB002, AMB003), and waypoint Gateways and ServiceEntries built from
// constants that Istio would not accept (AMB206, AMB301, AMB302).
//
// The analyzer judges only what is certain from constants: a key is a key when it sits where
// Kubernetes expects one (map literals and index expressions with string keys, label and
// annotation functions, LabelSelectorRequirement.Key; the analyzer's Doc lists them), and an
// object is judged only on the fields that a composite literal spells out in full. Its diagnostics carry the rule ID
// as their category and message prefix, and the rule's documentation address as their URL, so
// that they read like ambientlint's findings; [Rules] returns the metadata of the rules it
// reports.
//
// cmd/ambientvet runs it on its own (`ambientvet ./...`) or under `go vet -vettool`.
//
// The table of key constants in keys_gen.go is generated from package ambient by go generate,
// and so is the metadata of the rules in rules_gen.go, copied from ambientlint's catalogue
// (package lint/rules, which stays its one source) so that the analyzer does not link the
// manifest engine; tests fail when either is stale.
package vet

//go:generate go test -run TestKeysTable -update
//go:generate go test -run TestRulesTable -update
