// Package egressrules decides which ambientlint rule reports each problem that
// egress.Validate finds in a ServiceEntry, so that the rules over YAML (lint/rules) and the
// analyzer over Go literals (lint/vet) report the same problems under the same IDs.
package egressrules

import (
	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/egress"
)

// The IDs of the rules that report egress.Validate's problems.
const (
	WildcardEgress             = "AMB301" // wildcard-egress
	InvalidServiceEntry        = "AMB302" // invalid-service-entry
	ServiceEntryNeedsAddresses = "AMB304" // service-entry-needs-addresses
)

// Rule returns the ID of the rule that reports p, or "" when no rule does (Istio's other
// warnings, and a nil entry, which is no object in a tree).
func Rule(p ambient.Problem) string {
	switch {
	case p.Code == egress.CodeWildcardHost:
		return WildcardEgress
	case p.Code == egress.CodeNeedsAddresses:
		return ServiceEntryNeedsAddresses
	case p.Code == egress.CodeNilServiceEntry:
		return ""
	case p.Severity == ambient.Error:
		return InvalidServiceEntry
	}
	return ""
}
