package rules

import (
	"strconv"

	"github.com/ambientkit/ambientkit/internal/egressrules"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// InvalidServiceEntry is AMB302: a ServiceEntry that Istio's validation rejects.
var InvalidServiceEntry = &lint.Rule{
	ID:       "AMB302",
	Name:     "invalid-service-entry",
	Severity: lint.Error,
	Summary:  "a ServiceEntry that Istio's own validation would reject",
	Doc: `**What.** A ServiceEntry that Istio's validating webhook rejects: no hosts; the host ` + "`*`" + `;
a wildcard anywhere but as the whole first label; ` + "`resolution: DNS`" + ` with wildcard hosts and
no endpoints; CIDR addresses with a resolution other than ` + "`NONE`" + ` or ` + "`STATIC`" + `; duplicate
port names or numbers; an unknown protocol; ` + "`DNS_ROUND_ROBIN`" + ` with more than one endpoint;
` + "`workloadSelector`" + ` together with endpoints. The checks are the SDK's (package egress),
which follow Istio's ` + "`ValidateServiceEntry`" + ` to the letter.

**Why it breaks a cluster.** The API server refuses the object, so the sync fails: Argo CD
marks the Application degraded, a Flux Kustomization stops applying everything in it, and the
egress the entry was meant to allow stays unknown (or blocked with ` + "`REGISTRY_ONLY`" + `).

**Fix.** Correct the field the message names; the message says what Istio expects.`,
	Kinds: []string{serviceEntryGK},
	Run:   runInvalidServiceEntry,
}

func runInvalidServiceEntry(p *lint.Pass) error {
	for _, prob := range serviceEntryProblems.Of(p) {
		if prob.Rule != egressrules.InvalidServiceEntry {
			continue
		}
		o, path := prob.Obj, fieldPath(prob.Path)
		// A value Flux or a template fills in later is not judged, whether the problem is
		// about the value itself or about another (a resolution judged by its hosts).
		if manifest.IsOpaque(prob.Judged) || manifest.IsOpaque(serviceEntryValue(o, path)) {
			continue
		}
		p.Reportf(o, path, "ServiceEntry %s: %s", o.Ref.Name, prob.Message)
	}
	return nil
}

// serviceEntryValue returns the scalar at path in the ServiceEntry o: from its Go type for the
// lists of strings a problem names most (hosts, addresses, exportTo), so that judging them
// does not parse a released tree again, else from its nodes.
func serviceEntryValue(o *manifest.Object, path []string) string {
	if se := serviceEntry(o); se != nil && len(path) == 3 && path[0] == "spec" {
		var list []string
		switch path[1] {
		case "hosts":
			list = se.Spec.Hosts
		case "addresses":
			list = se.Spec.Addresses
		case "exportTo":
			list = se.Spec.ExportTo
		}
		if i, err := strconv.Atoi(path[2]); err == nil && i >= 0 && i < len(list) {
			return list[i]
		}
	}
	if n := o.Lookup(path...); n != nil {
		return n.Value
	}
	return ""
}
