// Package egress builds and checks Istio ServiceEntries for traffic that leaves the mesh, with
// the same rules Istio's validating webhook applies.
//
// [New] builds a MESH_EXTERNAL ServiceEntry for explicit hosts; [Validate] reports what Istio
// would reject and [Warnings] what it accepts with a warning; [Wildcards] and [NeedsAddresses]
// find wildcard hosts and TCP ports Istio cannot tell apart; [MatchHost] and [Covers] say
// whether a ServiceEntry classifies traffic to a host.
//
// The checks follow ValidateServiceEntry in istio/istio pkg/config/validation (Istio
// 1.28–1.31), down to its quirks: protocol names are case-insensitive, a wildcard that is
// only part of the first label ("*foo.example.com") is accepted with a warning, and hosts
// ending in a dot are accepted.
//
// Problems name the field they are about with a path of dot-separated field names, [i] for
// list indexes and ["key"] for map keys, for example spec.ports[1].name or
// spec.endpoints[0].ports["http"]. A quoted map key may contain dots.
package egress
