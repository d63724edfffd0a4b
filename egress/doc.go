// Package egress builds and checks Istio ServiceEntries for traffic that leaves the mesh, with
// the same rules Istio's validating webhook applies.
//
// [New] builds a MESH_EXTERNAL ServiceEntry for explicit hosts; [Validate] reports, in one
// list, what Istio would reject, the wildcard hosts that make egress implicit, and what Istio
// accepts with a warning (TCP ports it cannot tell apart among them); [MatchHost] and
// [Covers] say whether a ServiceEntry classifies traffic to a host.
//
// The checks follow ValidateServiceEntry in istio/istio pkg/config/validation (Istio
// 1.28–1.31), down to its quirks: protocol names are case-insensitive, a wildcard that is
// only part of the first label ("*foo.example.com") is accepted with a warning, and hosts
// ending in a dot are accepted.
//
// The package follows the SDK's conventions (CONTRIBUTING.md): functions never change their
// arguments, [New] returns a new object, bad input is an error wrapping [ErrInvalid], and
// [Validate] reports [ambient.Problem]s with this package's Code constants and a field path
// such as spec.ports[1].name or spec.endpoints[0].ports["http"].
package egress
