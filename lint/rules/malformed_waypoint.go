package rules

import (
	"fmt"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/waypoint"
)

// MalformedWaypoint is AMB206: a Gateway of class istio-waypoint that cannot work as a
// waypoint.
var MalformedWaypoint = &lint.Rule{
	ID:       "AMB206",
	Name:     "malformed-waypoint",
	Severity: lint.Error,
	Summary:  "a Gateway of class istio-waypoint without an HBONE listener on port 15008, or named none",
	Doc: `**What.** A Gateway of class ` + "`istio-waypoint`" + ` that has no listener with
` + "`port: 15008`" + ` and ` + "`protocol: HBONE`" + `; that is named ` + "`none`" + ` (or has a name that is not
a DNS-1123 label); or whose HBONE listener admits namespaces by a selector that is missing or
does not parse. The checks are the SDK's ` + "`waypoint.Validate`" + `; values that hold an unresolved
` + "`${VAR}`" + ` are not judged.

**Why it breaks a cluster.** ztunnel reaches a waypoint only over HBONE on port 15008: without
that listener the waypoint's proxy never receives the traffic bound to it, and bound services
lose connectivity or bypass L7 policy. ` + "`istio.io/use-waypoint: none`" + ` means "no waypoint",
so a waypoint named ` + "`none`" + ` can never be bound, and a name that is not a DNS-1123 label
cannot be the name of the waypoint's Service. A selector that admits no namespace keeps every
binding out.

**Fix.** Give the Gateway the listener ` + "`istioctl waypoint generate`" + ` writes
(` + "`name: mesh, port: 15008, protocol: HBONE`" + `; the suggested fix corrects a listener whose port
or protocol alone is wrong), rename a waypoint called ` + "`none`" + `, and give a Selector listener a
valid selector.`,
	Kinds: []string{gatewayGK},
	Run:   runMalformedWaypoint,
}

// malformedCodes are the waypoint.Validate problems this rule reports; the others belong to
// AMB003 (istio.io/waypoint-for values) or do not apply (the class, checked before).
var malformedCodes = map[ambient.Code]bool{
	waypoint.CodeHBONEListener:     true,
	waypoint.CodeReservedName:      true,
	waypoint.CodeInvalidName:       true,
	waypoint.CodeNamespaceSelector: true,
}

func runMalformedWaypoint(p *lint.Pass) error {
	for _, o := range p.Inventory.Kind(gatewayGK) {
		gw := gateway(o)
		if !isWaypoint(gw) {
			continue
		}
		for _, pr := range waypoint.Validate(gw) {
			if !malformedCodes[pr.Code] {
				continue
			}
			if (pr.Code == waypoint.CodeReservedName || pr.Code == waypoint.CodeInvalidName) && manifest.IsOpaque(gw.Name) {
				continue
			}
			if pr.Code == waypoint.CodeHBONEListener && opaqueListener(o) {
				continue
			}
			path := fieldPath(pr.Path)
			f := lint.Finding{
				Message: fmt.Sprintf("waypoint %s: %s", objectName(o), pr.Message),
				Pos:     o.Pos(path...),
				Object:  o.Ref,
			}
			if pr.Code == waypoint.CodeHBONEListener && pr.Suggest != "" && len(path) == 4 &&
				(path[3] == "port" || path[3] == "protocol") {
				if edit, ok := replaceScalar(o, o.Lookup(path...), pr.Suggest); ok {
					f.Fixes = []lint.Fix{{
						Message: fmt.Sprintf("set %s to %s", pr.Path, pr.Suggest),
						Edits:   []lint.TextEdit{edit},
					}}
				}
			}
			p.Report(f)
		}
	}
	return nil
}

// opaqueListener reports whether a listener's port or protocol of o is a value filled in
// later, so that a missing HBONE listener may yet appear.
func opaqueListener(o *manifest.Object) bool {
	ls := o.Lookup("spec", "listeners")
	if ls == nil {
		return false
	}
	for i := range ls.Content {
		for _, k := range []string{"port", "protocol"} {
			if n := o.Lookup("spec", "listeners", fmt.Sprint(i), k); n != nil && manifest.IsOpaque(n.Value) {
				return true
			}
		}
	}
	return false
}
