package rules

import (
	"fmt"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
)

// GatewayBeforeCRDs is AMB102: a Gateway API object synced before the Gateway API CRDs.
var GatewayBeforeCRDs = &lint.Rule{
	ID:       "AMB102",
	Name:     "gateway-before-crds",
	Severity: lint.Error,
	Summary:  "a Gateway API object (waypoints included) is not ordered after the Gateway API CRDs",
	Doc: `**What.** An object of the ` + "`gateway.networking.k8s.io`" + ` (or ` + "`gateway.networking.x-k8s.io`" + `) API — a
Gateway, a waypoint, an HTTPRoute, a GatewayClass — that the repository's GitOps order does not
place after the Gateway API CRDs, where the repository installs them: the CRD of its own kind
when the tree holds it, else the Gateway API CRDs from a remote source (a kustomize resource or
Argo CD/Flux source pointing at ` + "`kubernetes-sigs/gateway-api`" + ` ` + "`config/crd`" + ` or a release's
` + "`standard-install.yaml`" + `). See AMB101 for what "ordered after" means. Inside one Argo CD
Application a CRD is always applied before the resources it defines, and inside one Flux
Kustomization CRDs are applied first, so only separate Applications or Kustomizations can get
this wrong.

**Why it breaks a cluster.** The API server rejects an object whose CRD does not exist yet: the
sync fails with "no matches for kind", and with automated sync Argo CD retries, while Flux
marks the Kustomization not ready. Kubernetes does not ship the Gateway API CRDs; Istio needs
them for waypoints and ingress.

**Fix.** Give the Application that installs the Gateway API CRDs an earlier sync wave (the seed
layout uses -40) than every Application that holds Gateway API objects, or make the Flux
Kustomization of those objects depend on the one that installs the CRDs, with ` + "`wait: true`" + `
there.`,
	Kinds: nil, // every object of the Gateway API groups
	Run:   runGatewayBeforeCRDs,
}

func runGatewayBeforeCRDs(p *lint.Pass) error {
	return ordCRDRule(p, gitops.GatewayAPICRDs, func(group string) bool {
		return group == "gateway.networking.k8s.io" || group == "gateway.networking.x-k8s.io"
	})
}

// ordCRDRule reports every object of an API group that is not ordered after the CRDs of
// component k: the CRD of its own kind when the tree holds it, else the component.
func ordCRDRule(p *lint.Pass, k gitops.ComponentKind, inGroup func(string) bool) error {
	m := p.Model
	all := m.ComponentsOf(k)
	if len(all) == 0 {
		return nil
	}
	for _, o := range p.Inventory.Objects {
		if !inGroup(o.Group) {
			continue
		}
		cands := m.CRDComponents(o.GK())
		if len(cands) == 0 {
			cands = all
		}
		for _, pl := range m.Placements(o) {
			fails := ordUnmet(m, pl, cands)
			if len(fails) == 0 {
				continue
			}
			f := fails[0]
			what, verb := "the "+k.String(), k.Verb("sync")
			if f.comp.Defines == o.GK() {
				what, verb = "its CRD", "syncs"
			}
			p.Report(lint.Finding{
				Message: fmt.Sprintf("%s syncs %s but %s (%s) %s %s", ordObjectName(o), f.rel.A, what, f.comp.Via, verb, f.rel.B),
				Pos:     o.Pos("metadata", "name"), Object: o.Ref, Related: ordRelated(fails),
			})
			break
		}
	}
	return nil
}
