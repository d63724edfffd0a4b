package vet

import (
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// RawIstioKey is AMB501, the analyzer's own rule; its metadata lives in the catalogue with
// the others so that docs/rules.md and `ambientlint explain AMB501` describe it.
var RawIstioKey = rules.RawIstioKey

// Rules returns the metadata of the rules the analyzer reports, in ID order. The manifest
// rules among them are ambientlint's own, so IDs, names and documentation agree. The slice
// is new on every call; the rules are shared and must not be modified.
func Rules() []*lint.Rule {
	return []*lint.Rule{
		rules.UnknownIstioKey,
		rules.InvalidIstioValue,
		rules.MalformedWaypoint,
		rules.WildcardEgress,
		rules.InvalidServiceEntry,
		RawIstioKey,
	}
}
