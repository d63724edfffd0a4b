package rules

import (
	"fmt"
	"strings"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// DataplaneComponentMissing is AMB109: the tree enrolls workloads and installs part of the
// ambient data plane, but not all of it.
var DataplaneComponentMissing = &lint.Rule{
	ID:       "AMB109",
	Name:     "dataplane-component-missing",
	Severity: lint.Error,
	Summary:  "the tree enrolls workloads and installs some, but not all, of istiod, istio-cni and ztunnel",
	Doc: `**What.** The repository enrolls workloads in ambient mode and installs part of the ambient
data plane — istiod, istio-cni, ztunnel, from charts, rendered manifests or Sail operator
resources — but not all three. A repository that installs none of them is assumed to rely on a
mesh installed elsewhere and is not reported.

**Why it breaks a cluster.** Ambient mode needs all three: istio-cni redirects pod traffic,
ztunnel carries it, istiod configures both. A repository that manages some of them but forgot
one usually means an ambient installation that is incomplete on a fresh cluster: pods of
enrolled namespaces lose their traffic (no ztunnel) or bypass the mesh (no istio-cni).

**Fix.** Install the missing component the same way as the others (Istio's ` + "`cni`" + ` and
` + "`ztunnel`" + ` charts, with ` + "`profile: ambient`" + `), ordered before the applications; or, when it is
installed outside this repository on purpose, suppress the finding with that reason.`,
	Kinds: []string{"apps/Deployment", "apps/DaemonSet", "argoproj.io/Application", "argoproj.io/ApplicationSet",
		"helm.toolkit.fluxcd.io/HelmRelease", "/Namespace"},
	Run: runDataplaneComponentMissing,
}

func runDataplaneComponentMissing(p *lint.Pass) error {
	m := p.Model
	if len(m.Enrollments) == 0 {
		return nil
	}
	var have, missing []string
	var first *gitops.Component
	for _, k := range []gitops.ComponentKind{gitops.Istiod, gitops.IstioCNI, gitops.Ztunnel} {
		cs := m.ComponentsOf(k)
		if len(cs) == 0 {
			missing = append(missing, k.String())
			continue
		}
		have = append(have, k.String())
		if first == nil || ordBefore(cs[0].Pos, first.Pos) {
			first = cs[0]
		}
	}
	if len(have) == 0 || len(missing) == 0 {
		return nil
	}
	e := m.Enrollments[0]
	f := lint.Finding{
		Message: fmt.Sprintf("%s enrolls workloads and the repository installs %s but not %s: ambient mode needs istiod, istio-cni and ztunnel",
			e.What, strings.Join(have, " and "), strings.Join(missing, " or ")),
		Pos:     first.Pos,
		Related: []lint.Related{{Position: e.Pos(), Message: e.What + " enrolls workloads in ambient mode"}},
	}
	if first.Object != nil {
		f.Object = first.Object.Ref
	}
	p.Report(f)
	return nil
}

// ordBefore orders positions by file, line and column.
func ordBefore(a, b manifest.Position) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return a.Column < b.Column
}
