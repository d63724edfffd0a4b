package vet

import "strings"

// Rule is the metadata of a rule the analyzer reports. It is a copy of the fields of
// ambientlint's lint.Rule that describe a rule, taken from the catalogue in package
// lint/rules into rules_gen.go, so that the analyzer does not link the manifest engine;
// a test fails when the copy is stale.
type Rule struct {
	ID       string   // stable ID, e.g. AMB301; never reused
	Name     string   // stable kebab-case name, e.g. wildcard-egress
	Severity Severity // ambientlint's default severity
	Summary  string   // one line: what the rule catches
	Doc      string   // Markdown: what the rule catches, why it breaks a cluster, and the fix
}

// HelpURI returns the rule's documentation address, as lint.Rule.HelpURI does.
func (r *Rule) HelpURI() string {
	return docsBaseURL + "#" + strings.ToLower(r.ID)
}

// Severity is ambientlint's default severity of a rule, as the word lint.Severity.String
// returns: "error", "warning" or "info". go/analysis has no severities; the analyzer reports
// every rule alike.
type Severity string

// String returns the severity's word.
func (s Severity) String() string { return string(s) }
