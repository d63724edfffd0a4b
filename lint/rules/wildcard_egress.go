package rules

import (
	"slices"

	"github.com/ambientkit/ambientkit/internal/egressrules"
	"github.com/ambientkit/ambientkit/lint"
)

// WildcardEgress is AMB301: a ServiceEntry with a wildcard host.
var WildcardEgress = &lint.Rule{
	ID:       "AMB301",
	Name:     "wildcard-egress",
	Severity: lint.Error,
	Summary:  "a ServiceEntry host is a wildcard",
	Doc: `**What.** A ServiceEntry lists a wildcard host such as ` + "`*.vendor.example`" + `. Hosts on the
configuration's ` + "`egress.allowWildcards`" + ` list are exempt.

**Why it breaks a cluster.** A wildcard admits every name under the suffix, including ones no
one reviewed, so egress is no longer explicit: Kiali and the mesh's telemetry show one
wildcard service instead of the real destinations, and authorization policy written for one
host silently covers all of them. With ` + "`resolution: DNS`" + ` Istio cannot resolve a wildcard
at all, and without endpoints the entry sends nothing anywhere.

**Fix.** List each fully qualified host the workloads call (one ServiceEntry per vendor is
fine). Where a wildcard is intended, add it to ` + "`egress.allowWildcards`" + ` in
` + "`.ambientlint.yaml`" + `, or suppress the finding with a reason.`,
	Kinds: []string{serviceEntryGK},
	Run:   runWildcardEgress,
}

func runWildcardEgress(p *lint.Pass) error {
	for _, prob := range serviceEntryProblems.Of(p) {
		if prob.Rule != egressrules.WildcardEgress {
			continue
		}
		path := fieldPath(prob.Path)
		i := listIndex(path)
		if i < 0 || i >= len(prob.SE.Spec.Hosts) {
			continue
		}
		host := prob.SE.Spec.Hosts[i]
		if slices.Contains(p.Settings.AllowWildcards, host) {
			continue
		}
		p.Reportf(prob.Obj, path,
			"ServiceEntry %s has wildcard host %q: list explicit hosts, or allow it in egress.allowWildcards", prob.Obj.Ref.Name, host)
	}
	return nil
}
