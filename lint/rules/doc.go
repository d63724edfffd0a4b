// Package rules is the catalogue of ambientlint's rules: one lint.Rule value per check,
// each with the metadata (ID, name, severity, documentation) from which docs/rules.md is
// generated, and a Run over the shared inventory.
//
// One rule lives in one file named after it (wildcard_egress.go defines WildcardEgress); its
// testdata lives beside it, under lint/rules/testdata/<rule-name>/, and is checked with lint/linttest.
package rules
