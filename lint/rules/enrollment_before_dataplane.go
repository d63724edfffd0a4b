package rules

import (
	"fmt"
	"slices"
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

A namespace's label is judged by when the namespace's *pods* arrive: the rule reports the first
workload of the namespace (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod)
or chart install into it (a HelmRelease, an Application's chart) that is not ordered after the
data plane, with the label as a related location, and stays quiet when every one of them is.
Repositories create and enroll namespaces early on purpose (wave -40, for Pod Security labels
and ` + "`CreateNamespace=false`" + `); nothing breaks while no pod arrives. Workloads and Pods labelled
ambient themselves are judged where they are. Only when the tree holds no workload of the
namespace at all does the label's own position stand in for the pods'. *Changed:* the
namespace label used to be judged by its own position, so early namespaces were reported
although their workloads came after the data plane.

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

**Fix.** Order the workloads (or, without them in the tree, the enrollment) after the data
plane: give the Application that carries them a later sync wave than the istio-cni and ztunnel Applications (the seed layout
uses -10 for istio-cni, -5 for ztunnel and 10 for applications), or make the Flux
Kustomization depend on the one that installs the data plane and give that one ` + "`wait: true`" + `
or health checks. Alternatively, keep the label off the namespace until the mesh is healthy.`,
	Kinds: []string{"/Namespace", "/Pod", "apps/Deployment", "apps/StatefulSet", "apps/DaemonSet",
		"apps/ReplicaSet", "batch/Job", "batch/CronJob", "argoproj.io/Application", "argoproj.io/ApplicationSet"},
	Run: runEnrollmentBeforeDataplane,
}

func runEnrollmentBeforeDataplane(p *lint.Pass) error {
	m := p.Model
	comps := [][]*gitops.Component{m.ComponentsOf(gitops.IstioCNI), m.ComponentsOf(gitops.Ztunnel), m.ComponentsOf(gitops.Istiod)}
	selfEnrolled := map[*manifest.Object]bool{}
	for _, e := range m.Enrollments {
		if !namespaceEnrollment(e) {
			selfEnrolled[e.Object] = true
		}
	}
	var pods map[string][]podSource
	for _, e := range m.Enrollments {
		if namespaceEnrollment(e) {
			if pods == nil {
				pods = podSources(m, selfEnrolled)
			}
			if srcs, ok := pods[e.Namespace]; ok {
				reportFirstEarlyPods(p, e, srcs, comps)
				continue
			}
			// The tree holds no workload of the namespace: the label's position stands
			// in for the pods'.
		}
		for _, pl := range e.Placements {
			fails := ordUnmet(m, pl, comps...)
			if len(fails) == 0 {
				continue
			}
			f := fails[0]
			msg := fmt.Sprintf("%s enrolls workloads %s but %s syncs %s", e.What, f.rel.A, f.comp.Kind, f.rel.B)
			if len(fails) > 1 {
				msg += fmt.Sprintf("; %s not ordered before it either", ordList(failKinds(fails[1:])))
			}
			p.Report(lint.Finding{Message: msg, Pos: e.Pos(), Object: e.Object.Ref, Related: ordRelated(fails)})
			break
		}
	}
	return nil
}

// namespaceEnrollment reports whether e enrolls a whole namespace (a Namespace object, or an
// Application's managedNamespaceMetadata) rather than the pods of one workload.
func namespaceEnrollment(e *gitops.Enrollment) bool {
	return e.Object != nil && (e.Object.GK() == namespaceGK || e.Object.GK() == "argoproj.io/Application" || e.Object.GK() == "argoproj.io/ApplicationSet")
}

// podSource is something of the tree that creates pods in a namespace: a workload, or a
// chart install (a HelmRelease, an Application's chart), placed where it is applied.
type podSource struct {
	what string
	obj  *manifest.Object // nil for a chart install without an object
	pos  manifest.Position
	pl   gitops.Placement
}

// podSources returns, by namespace, what creates pods in it: workloads (those enrolled by
// their own pod template are judged where they are, and are left out) and chart installs,
// in input order. A namespace whose only workloads enroll themselves has an empty entry.
func podSources(m *gitops.Model, selfEnrolled map[*manifest.Object]bool) map[string][]podSource {
	out := map[string][]podSource{}
	for _, o := range m.Objects {
		if o.Namespace == "" || !slices.Contains(podKinds, o.GK()) {
			continue
		}
		if selfEnrolled[o] {
			if _, ok := out[o.Namespace]; !ok {
				out[o.Namespace] = nil
			}
			continue
		}
		for _, pl := range m.Placements(o) {
			out[o.Namespace] = append(out[o.Namespace], podSource{ordObjectName(o), o, o.Pos("metadata", "name"), pl})
		}
	}
	for _, ci := range m.Charts {
		if ci.Namespace == "" || ci.Placement.Unit == nil {
			continue
		}
		what := "chart " + ci.Chart
		if ci.Object != nil {
			what = ordObjectName(ci.Object) + " (chart " + ci.Chart + ")"
		}
		out[ci.Namespace] = append(out[ci.Namespace], podSource{what, ci.Object, ci.Pos, ci.Placement})
	}
	return out
}

// podKinds are the kinds whose objects create pods.
var podKinds = []string{"/Pod", "apps/Deployment", "apps/StatefulSet", "apps/DaemonSet", "apps/ReplicaSet", "batch/Job", "batch/CronJob"}

// reportFirstEarlyPods reports the first of srcs, the pod sources of the namespace e
// enrolls, that the data plane is not ordered before, with the label as related.
func reportFirstEarlyPods(p *lint.Pass, e *gitops.Enrollment, srcs []podSource, comps [][]*gitops.Component) {
	for _, s := range srcs {
		fails := ordUnmet(p.Model, s.pl, comps...)
		if len(fails) == 0 {
			continue
		}
		f := fails[0]
		msg := fmt.Sprintf("%s starts pods in namespace %s, which %s enrolls in ambient, %s but %s syncs %s",
			s.what, e.Namespace, e.What, f.rel.A, f.comp.Kind, f.rel.B)
		if len(fails) > 1 {
			msg += fmt.Sprintf("; %s not ordered before it either", ordList(failKinds(fails[1:])))
		}
		rel := append([]lint.Related{{Position: e.Pos(), Message: fmt.Sprintf("namespace %s is enrolled here", e.Namespace)}}, ordRelated(fails)...)
		var ref manifest.ObjectRef
		if s.obj != nil {
			ref = s.obj.Ref
		}
		p.Report(lint.Finding{Message: msg, Pos: s.pos, Object: ref, Related: rel})
		return
	}
}

// failKinds names the components of fails.
func failKinds(fails []ordFail) []string {
	var out []string
	for _, x := range fails {
		out = append(out, x.comp.Kind.String())
	}
	return out
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
