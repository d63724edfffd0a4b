package vet

// RawIstioKey is AMB501, the analyzer's own rule; its metadata lives in the catalogue with
// the others (package lint/rules) so that docs/rules.md and `ambientlint explain AMB501`
// describe it, and rules_gen.go carries a copy.
var RawIstioKey = rawIstioKey

// Rules returns the metadata of the rules the analyzer reports, in ID order. The manifest
// rules among them are ambientlint's own, copied from its catalogue into rules_gen.go, so
// IDs, names and documentation agree. The slice is new on every call; the rules are shared
// and must not be modified.
func Rules() []*Rule {
	return []*Rule{
		unknownIstioKey,
		invalidIstioValue,
		malformedWaypoint,
		wildcardEgress,
		invalidServiceEntry,
		RawIstioKey,
	}
}
