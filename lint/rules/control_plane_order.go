package rules

import (
	"fmt"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
)

// ControlPlaneOrder is AMB104: istiod before istio base, or ztunnel before istiod.
var ControlPlaneOrder = &lint.Rule{
	ID:       "AMB104",
	Name:     "control-plane-order",
	Severity: lint.Error,
	Summary:  "istiod is not ordered after istio base, or ztunnel not after istiod",
	Doc: `**What.** The repository installs istiod without ordering it after istio ` + "`base`" + `, or ztunnel
without ordering it after istiod (both ends installed by the repository). See AMB101 for what
"ordered after" means. Istio's ` + "`ambient`" + ` umbrella chart installs all of them in one Helm
release, which Helm orders, and is not reported.

**Why it breaks a cluster.** istiod watches Istio's CRDs, which ` + "`base`" + ` installs: started
without them it fails its readiness or runs without the resources it should serve. ztunnel
fetches its certificates and configuration from istiod and does not become ready without it.
With health-gated waves (or Flux dependencies that wait), a component that cannot become
healthy stalls the sync: every later wave — istio-cni, the applications — waits for it until
the sync times out.

**Fix.** Keep the seed layout's order: ` + "`base`" + ` (wave -30), istiod (-20), istio-cni (-10),
ztunnel (-5); with Flux, make istiod's Kustomization or HelmRelease depend on base's and
ztunnel's on istiod's.`,
	Kinds: []string{"apps/Deployment", "apps/DaemonSet", "argoproj.io/Application", "argoproj.io/ApplicationSet",
		"helm.toolkit.fluxcd.io/HelmRelease", "apiextensions.k8s.io/CustomResourceDefinition"},
	Run: runControlPlaneOrder,
}

func runControlPlaneOrder(p *lint.Pass) error {
	m := p.Model
	check := func(later, earlier gitops.ComponentKind) {
		before := m.ComponentsOf(earlier)
		for _, c := range m.ComponentsOf(later) {
			if sameChart(c, before) {
				continue // one Helm release (Istio's ambient chart): Helm orders its parts
			}
			fails := ordUnmet(m, c.Placement, before)
			if len(fails) == 0 {
				continue
			}
			f := fails[0]
			fd := lint.Finding{
				Message: fmt.Sprintf("%s (%s) syncs %s but %s syncs %s: %s needs %s first", later, c.Via, f.rel.A,
					earlier, f.rel.B, later, earlier),
				Pos: c.Pos, Related: ordRelated(fails),
			}
			if c.Object != nil {
				fd.Object = c.Object.Ref
			}
			p.Report(fd)
		}
	}
	check(gitops.Istiod, gitops.IstioBase)
	check(gitops.Ztunnel, gitops.Istiod)
	return nil
}

// sameChart reports whether one chart install installs c and one of others.
func sameChart(c *gitops.Component, others []*gitops.Component) bool {
	for _, o := range others {
		if c.Chart != nil && o.Chart == c.Chart {
			return true
		}
	}
	return false
}
