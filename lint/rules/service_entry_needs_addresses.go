package rules

import (
	"github.com/ambientkit/ambientkit/internal/egressrules"
	"github.com/ambientkit/ambientkit/lint"
)

// ServiceEntryNeedsAddresses is AMB304: TCP ports on a ServiceEntry that Istio cannot tell
// apart without addresses.
var ServiceEntryNeedsAddresses = &lint.Rule{
	ID:       "AMB304",
	Name:     "service-entry-needs-addresses",
	Severity: lint.Warning,
	Summary:  "a TCP (or protocol-less) ServiceEntry port with no addresses that Istio cannot tell apart",
	Doc: `**What.** A ServiceEntry port whose protocol is TCP, or not given, on an entry that has no
` + "`addresses`" + ` and to which Istio allocates none. Since Istio 1.25 istiod allocates an address
to every ServiceEntry without addresses whose resolution is not ` + "`NONE`" + ` (the IP
auto-allocation controller, on by default, and what ambient's DNS proxy serves), unless the
entry is labelled ` + "`networking.istio.io/enable-autoallocate-ip: \"false\"`" + `. So the rule
fires for ` + "`resolution: NONE`" + ` entries and for entries that opt out of allocation. The
check is the SDK's (` + "`egress.Validate`" + `, code ` + "`needs-addresses`" + `), the case Istio's webhook warns
about.

**Why it breaks a cluster.** For opaque TCP Istio can tell services apart only by destination
address and port: there is no Host header or SNI to read. Without an address, the entry
matches every destination on the port, so traffic meant for one service is attributed to
(and policed as) another, and Kiali shows the wrong destination.

**Fix.** Give the entry ` + "`addresses`" + `, let Istio allocate one (drop the opt-out label, or
use a resolution other than ` + "`NONE`" + `), or declare the real protocol (` + "`TLS`, `HTTPS`, `HTTP`" + `)
so Istio can match on SNI or Host.`,
	Kinds: []string{serviceEntryGK},
	Run:   runServiceEntryNeedsAddresses,
}

func runServiceEntryNeedsAddresses(p *lint.Pass) error {
	for _, prob := range serviceEntryProblems.Of(p) {
		if prob.Rule != egressrules.ServiceEntryNeedsAddresses {
			continue
		}
		path := fieldPath(prob.Path)
		i := listIndex(path)
		if i < 0 || i >= len(prob.SE.Spec.Ports) {
			continue
		}
		port := prob.SE.Spec.Ports[i]
		proto := port.Protocol
		if proto == "" {
			proto = "no protocol"
		}
		p.Reportf(prob.Obj, path,
			"ServiceEntry %s port %d (%s) has no addresses: Istio cannot tell its TCP traffic apart from other entries on port %d",
			prob.Obj.Ref.Name, port.Number, proto, port.Number)
	}
	return nil
}
