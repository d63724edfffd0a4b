package rules

import (
	"fmt"
	"strings"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// EnrollmentBeforeDataplane is AMB101: workloads enrolled in ambient mode before the data
// plane that serves them.
var EnrollmentBeforeDataplane = &lint.Rule{
	ID:       "AMB101",
	Name:     "enrollment-before-dataplane",
	Severity: lint.Error,
	Summary:  "a namespace or workload is enrolled in ambient mode before istio-cni, ztunnel and istiod are ready",
	Doc: `**What.** A Namespace, a pod template or a Pod labelled ` + "`istio.io/dataplane-mode: ambient`" + ` that the
repository's GitOps order does not place after istio-cni, ztunnel and istiod, where the
repository installs them. Components the repository does not install are assumed to be in the
cluster already. The label counts where the cluster will see it: written in the object, or
added by its build (kustomize ` + "`commonLabels`" + ` or ` + "`labels`" + `, Argo CD's
` + "`spec.source.kustomize.commonLabels`" + `, Flux's ` + "`commonMetadata`" + `), and so does a sync wave
that ` + "`commonAnnotations`" + ` sets.

"Ordered after" follows the tools. Argo CD: the sync waves of the Applications above each
object (app-of-apps), then hook phase, wave and kind order inside its Application; objects under
no Application count as one implicit Application. Flux: the dependent Kustomization or
HelmRelease must depend, directly or through others, on one that *waits* for the component. A
Kustomization waits only with ` + "`wait: true`" + ` or a ` + "`healthChecks`" + ` entry naming it; without them it is
Ready as soon as it has applied its objects, so depending on it orders you after the
HelmRelease *object* was applied, not after the chart was installed. A HelmRelease itself
becomes Ready only after helm-controller installed the chart and waited for its resources
(the default; ` + "`spec.install.disableWait: true`" + ` turns that off), so a ` + "`dependsOn`" + ` naming the ztunnel
HelmRelease does order you after a healthy ztunnel.

**Why it breaks a cluster.** istio-cni's node agent redirects an enrolled pod's traffic to the
node's ztunnel, and ztunnel needs istiod for its certificates and configuration. While ztunnel
is not ready, the redirected traffic of enrolled pods has nowhere to go; pods created before
istio-cni runs on their node start without redirection and are only taken in once its agent
comes up. On a first sync the workloads and the mesh arrive at the same time, so what fails
depends on timing and is hard to debug.

**Fix.** Order the enrollment after the data plane: give the Application that carries the
namespace label a later sync wave than the istio-cni and ztunnel Applications (the seed layout
uses -10 for istio-cni, -5 for ztunnel and 10 for applications), or make the Flux
Kustomization depend on the one that installs the data plane and give that one ` + "`wait: true`" + `
or health checks. Alternatively, keep the label off the namespace until the mesh is healthy.`,
	Kinds: []string{"/Namespace", "/Pod", "apps/Deployment", "apps/StatefulSet", "apps/DaemonSet",
		"apps/ReplicaSet", "batch/Job", "batch/CronJob", "argoproj.io/Application", "argoproj.io/ApplicationSet"},
	Run: runEnrollmentBeforeDataplane,
}

func runEnrollmentBeforeDataplane(p *lint.Pass) error {
	m := p.Model
	for _, e := range m.Enrollments {
		for _, pl := range e.Placements {
			fails := ordUnmet(m, pl, m.ComponentsOf(gitops.IstioCNI), m.ComponentsOf(gitops.Ztunnel), m.ComponentsOf(gitops.Istiod))
			if len(fails) == 0 {
				continue
			}
			f := fails[0]
			msg := fmt.Sprintf("%s enrolls workloads %s but %s syncs %s", e.What, f.rel.A, f.comp.Kind, f.rel.B)
			if len(fails) > 1 {
				var others []string
				for _, x := range fails[1:] {
					others = append(others, x.comp.Kind.String())
				}
				msg += fmt.Sprintf("; %s not ordered before it either", ordList(others))
			}
			p.Report(lint.Finding{Message: msg, Pos: e.Pos(), Object: e.Object.Ref, Related: ordRelated(fails)})
			break
		}
	}
	return nil
}

// ordFail is one unmet ordering requirement: the component instance and how the two ends
// are ordered.
type ordFail struct {
	comp *gitops.Component
	rel  gitops.Relation
}

// ordUnmet checks that pl is ordered after the nearest instance of each group of
// components, and returns the groups for which it is not (an undecidable order is no
// failure).
func ordUnmet(m *gitops.Model, pl gitops.Placement, groups ...[]*gitops.Component) []ordFail {
	var out []ordFail
	for _, g := range groups {
		c, r, ok := m.Nearest(pl, g)
		if ok && !r.After && !r.Unknown {
			out = append(out, ordFail{c, r})
		}
	}
	return out
}

// ordRelated points at the other end of each failure.
func ordRelated(fails []ordFail) []lint.Related {
	var out []lint.Related
	for _, f := range fails {
		out = append(out, lint.Related{Position: f.comp.Pos,
			Message: fmt.Sprintf("%s is installed here (%s)", f.comp.Kind, f.comp.Via)})
	}
	return out
}

// ordList joins names as "a", "a and b", "a, b and c", with the verb agreeing.
func ordList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0] + " is"
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " are"
}

// ordObjectName names an object as messages do: "Kind namespace/name".
func ordObjectName(o *manifest.Object) string {
	if o.Namespace == "" {
		return o.Ref.Kind + " " + o.Ref.Name
	}
	return o.Ref.Kind + " " + o.Namespace + "/" + o.Ref.Name
}
