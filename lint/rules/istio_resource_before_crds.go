package rules

import (
	"strings"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
)

// IstioResourceBeforeCRDs is AMB103: an Istio resource synced before istio base.
var IstioResourceBeforeCRDs = &lint.Rule{
	ID:       "AMB103",
	Name:     "istio-resource-before-crds",
	Severity: lint.Error,
	Summary:  "an *.istio.io object is not ordered after istio base (its CRDs)",
	Doc: `**What.** An object of an Istio API group (` + "`networking.istio.io`" + `, ` + "`security.istio.io`" + `,
` + "`telemetry.istio.io`" + `, ` + "`extensions.istio.io`" + ` …: a ServiceEntry, an AuthorizationPolicy, a
Telemetry) that the repository's GitOps order does not place after istio ` + "`base`" + `, where the
repository installs it: the CRD of its own kind when the tree holds it, else the ` + "`base`" + ` chart
from an Istio chart repository. See AMB101 for what "ordered after" means.

**Why it breaks a cluster.** Istio's CRDs come with the ` + "`base`" + ` chart. Until they exist, the API
server rejects Istio resources ("no matches for kind"): the sync fails, and an
AuthorizationPolicy meant to protect a workload is missing while the workload already runs.

**Fix.** Give the istio base Application an earlier sync wave (the seed layout uses -30) than
the Applications holding Istio resources, or make their Flux Kustomization depend on the one
that installs ` + "`base`" + `, with ` + "`wait: true`" + ` there.`,
	Kinds: nil, // every object of the Istio API groups
	Run:   runIstioResourceBeforeCRDs,
}

func runIstioResourceBeforeCRDs(p *lint.Pass) error {
	return ordCRDRule(p, gitops.IstioBase, func(group string) bool {
		return group == "istio.io" || strings.HasSuffix(group, ".istio.io")
	})
}
