package rules

import (
	"fmt"
	"slices"
	"strings"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// MissingRestart is AMB201: a namespace moves from sidecar injection to ambient mode in the
// change under review, but its workloads keep their pod templates, so nothing replaces the
// pods that run sidecars.
var MissingRestart = &lint.Rule{
	ID:       "AMB201",
	Name:     "missing-restart",
	Severity: lint.Warning,
	Summary:  "with --base: a namespace moves from sidecars to ambient but a workload in it keeps its pod template, so its pods keep their sidecars",
	Doc: `**What.** With ` + "`--base REV`" + ` only: the rule compares the tree at REV with the working tree. It
reports a Deployment, StatefulSet or DaemonSet whose namespace injected sidecars at REV
(` + "`istio-injection: enabled`" + `, or ` + "`istio.io/rev`" + ` without ` + "`istio-injection`" + `) and is enrolled in ambient
mode now (` + "`istio.io/dataplane-mode: ambient`" + `, injection gone), when the workload's pods had sidecars
at REV, end up in ambient now, and its pod template is the same at both revisions. The
namespace's labels come from its Namespace object, or from the Argo CD Application that creates
it (` + "`managedNamespaceMetadata`" + ` with ` + "`CreateNamespace=true`" + `); the data plane of the namespace and of
the pods is resolved as Istio resolves it (the SDK's ` + "`ambient.NamespaceMode`" + ` and
` + "`ambient.EffectiveMode`" + `).

With the configuration ` + "`restarts: always`" + `, it also reports the unchanged workloads of a namespace that
is newly enrolled in ambient without a sidecar history (it had no data plane label at REV, or
was not in the tree). Workloads that are new since REV start new pods and are never reported;
Jobs and CronJobs start new pods on every run, and bare Pods and ReplicaSets have no rollout
to restart, so they are not reported either.

When a namespace moves from sidecar injection to ambient and the tree holds none of its
Deployments, StatefulSets or DaemonSets (its pods come from a HelmRelease, an Argo CD chart or
an operator), the rule reports the namespace's enrollment, and each HelmRelease or Application
that installs a chart into it, with the command that restarts every workload of the
namespace. *Changed:* such migrations went unreported, since no workload of the tree kept its
pod template.

**Why it breaks a cluster.** Labels on a namespace do not change running pods. The sidecar
injector acts only when a pod is created, so the pods that were created while the namespace
injected sidecars keep their Envoy sidecar after the switch, and ztunnel does not capture pods
with sidecars: they stay out of ambient mode, its L4 policy and its waypoints, while Argo CD or
Flux report the sync as healthy because the pod template did not change. The workload only
joins ambient at its next rollout, which may be weeks later and unrelated. Ambient mode itself
captures running pods without a restart, which is why a namespace without a sidecar history
needs none unless your policy (` + "`restarts: always`" + `) wants every pod to have started after the
enrollment.

**Fix.** Restart the workload once the sync has applied the namespace label:
` + "`kubectl -n NAMESPACE rollout restart deployment/NAME`" + ` (or ` + "`statefulset/NAME`" + `, ` + "`daemonset/NAME`" + `). To keep
the restart in Git instead, change the pod template in the same commit: set the annotation
` + "`kubectl.kubernetes.io/restartedAt`" + ` (the one ` + "`kubectl rollout restart`" + ` sets) in
` + "`spec.template.metadata.annotations`" + ` to the current time, e.g.
` + "`kubectl.kubernetes.io/restartedAt: \"2025-06-01T10:00:00Z\"`" + `; the changed template makes the sync
roll out new pods, which come up without sidecars.`,
	Kinds: []string{namespaceGK, "apps/Deployment", "apps/StatefulSet", "apps/DaemonSet", "argoproj.io/Application", "helm.toolkit.fluxcd.io/HelmRelease"},
	Run:   runMissingRestart,
}

// restartKinds maps the kinds `kubectl rollout restart` restarts to the resource name it
// takes.
var restartKinds = []struct{ gk, resource string }{
	{"apps/Deployment", "deployment"},
	{"apps/StatefulSet", "statefulset"},
	{"apps/DaemonSet", "daemonset"},
}

func runMissingRestart(p *lint.Pass) error {
	inv := p.Inventory
	base := p.Base
	if base == nil {
		return nil // the rule compares two revisions
	}
	always := p.Settings.Restarts == lint.RestartsAlways
	rev := base.Revision
	if rev == "" {
		rev = "the base revision"
	}
	nowNS, thenNS := map[string]nsMeta{}, map[string]nsMeta{}
	meta := func(cache map[string]nsMeta, from *manifest.Inventory, ns string) nsMeta {
		m, ok := cache[ns]
		if !ok {
			m = namespaceMeta(from, ns)
			cache[ns] = m
		}
		return m
	}

	for _, k := range restartKinds {
		for _, o := range inv.Kind(k.gk) {
			w, ok := asWorkload(o)
			if !ok {
				continue
			}
			ns := o.Namespace
			now := meta(nowNS, inv, ns)
			if ambient.NamespaceMode(ns, now.labels).Mode != ambient.Ambient ||
				ambient.EffectiveMode(now.labels, ambient.TemplatePod(ns, w.Meta)).Mode != ambient.Ambient {
				continue
			}
			bo := base.Inventory.Get(k.gk, ns, o.Ref.Name)
			if bo == nil {
				continue // new since the base: its pods are new
			}
			bw, ok := asWorkload(bo)
			if !ok || !apiequality.Semantic.DeepEqual(bw.Meta, w.Meta) {
				continue // a changed pod template rolls out new pods
			}
			then := meta(thenNS, base.Inventory, ns)
			nsThen := ambient.NamespaceMode(ns, then.labels).Mode
			podThen := ambient.EffectiveMode(then.labels, ambient.TemplatePod(ns, bw.Meta)).Mode
			var why string
			switch {
			case podThen == ambient.Ambient:
				continue
			case (nsThen == ambient.Sidecar || nsThen == ambient.Conflict) && (podThen == ambient.Sidecar || podThen == ambient.Conflict):
				why = fmt.Sprintf("namespace %s moves from sidecar injection (at %s) to ambient: its running pods keep their sidecars and stay out of ambient until they restart", ns, rev)
			case always && nsThen != ambient.Sidecar && nsThen != ambient.Conflict:
				why = fmt.Sprintf("namespace %s is newly enrolled in ambient (restarts: always asks for a restart)", ns)
			case always:
				why = fmt.Sprintf("namespace %s moves from sidecar injection (at %s) to ambient; the pods had no sidecar, but restarts: always asks for a restart", ns, rev)
			default:
				continue
			}
			f := lint.Finding{
				Message: fmt.Sprintf("%s keeps the same pod template while %s; after the sync, run `kubectl -n %s rollout restart %s/%s`, or bump the annotation %s in its pod template",
					objectName(o), why, ns, k.resource, o.Ref.Name, ambient.AnnotationRestartedAt),
				Pos:    o.KeyPos(w.Path...),
				Object: o.Ref,
			}
			if now.obj != nil {
				f.Related = []lint.Related{{Position: now.obj.Pos(now.path...),
					Message: fmt.Sprintf("namespace %s is enrolled in ambient here", ns)}}
			}
			p.Report(f)
		}
	}
	reportUntrackedWorkloads(p, nowNS, thenNS, meta, rev)
	return nil
}

// reportUntrackedWorkloads reports the namespaces that move from sidecar injection to ambient
// while the tree holds none of their Deployments, StatefulSets or DaemonSets: their pods
// come from a chart (a HelmRelease, an Application's chart) or an operator, and keep their
// sidecars until they restart just the same. The finding is on the namespace's enrollment,
// and on each chart install into it.
func reportUntrackedWorkloads(p *lint.Pass, nowNS, thenNS map[string]nsMeta, meta func(map[string]nsMeta, *manifest.Inventory, string) nsMeta, rev string) {
	inv := p.Inventory
	var names []string
	for _, o := range inv.Kind(namespaceGK) {
		name := o.Ref.Name
		if p.Model != nil {
			name = p.Model.Name(o)
		}
		names = append(names, name)
	}
	for _, o := range inv.Kind("argoproj.io/Application") {
		if dest := o.Lookup("spec", "destination", "namespace"); dest != nil && createsNamespace(o) {
			names = append(names, dest.Value)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	for _, ns := range names {
		now := meta(nowNS, inv, ns)
		if now.obj == nil || ambient.NamespaceMode(ns, now.labels).Mode != ambient.Ambient {
			continue
		}
		then := ambient.NamespaceMode(ns, meta(thenNS, p.Base.Inventory, ns).labels).Mode
		if then != ambient.Sidecar && then != ambient.Conflict {
			continue
		}
		tracked := false
		for _, k := range restartKinds {
			tracked = tracked || slices.ContainsFunc(inv.Kind(k.gk), func(o *manifest.Object) bool { return o.Namespace == ns })
		}
		if tracked {
			continue // its workloads are judged one by one
		}
		restart := fmt.Sprintf("after the sync, run `kubectl -n %s rollout restart deployment,statefulset,daemonset`", ns)
		label := lint.Related{Position: now.obj.Pos(now.path...), Message: fmt.Sprintf("namespace %s is enrolled in ambient here", ns)}
		var charts []*gitops.ChartInstall
		if p.Model != nil {
			for _, ci := range p.Model.Charts {
				if ci.Namespace == ns && ci.Object != nil {
					charts = append(charts, ci)
				}
			}
		}
		from := "a chart or an operator"
		if len(charts) > 0 {
			from = "charts"
		}
		p.Report(lint.Finding{
			Message: fmt.Sprintf("namespace %s moves from sidecar injection (at %s) to ambient, and its workloads are not in the tree (they come from %s): their running pods keep their sidecars and stay out of ambient until they restart; %s",
				ns, rev, from, restart),
			Pos: now.obj.Pos(now.path...), Object: now.obj.Ref,
		})
		for _, ci := range charts {
			p.Report(lint.Finding{
				Message: fmt.Sprintf("%s installs chart %s into namespace %s, which moves from sidecar injection (at %s) to ambient: the chart's running pods keep their sidecars and stay out of ambient until they restart; %s",
					objectName(ci.Object), ci.Chart, ns, rev, restart),
				Pos: ci.Pos, Object: ci.Object.Ref, Related: []lint.Related{label},
			})
		}
	}
}

// nsMeta is what the tree says about a namespace's labels: from its Namespace object, else
// from the Argo CD Application that creates it; obj and path locate the data plane label
// (or the labels) for a related location, and obj is nil when the tree says nothing.
type nsMeta struct {
	labels map[string]string
	obj    *manifest.Object
	path   []string
}

// namespaceMeta finds the labels of namespace ns in inv.
func namespaceMeta(inv *manifest.Inventory, ns string) nsMeta {
	if o := inv.Namespace(ns); o != nil {
		return nsMeta{o.Labels, o, labelPath([]string{"metadata", "labels"}, o.Labels)}
	}
	// Argo CD creates the destination namespace with these labels (CreateNamespace=true).
	for _, o := range inv.Kind("argoproj.io/Application") {
		dest := o.Lookup("spec", "destination", "namespace")
		if dest == nil || dest.Value != ns || !createsNamespace(o) {
			continue
		}
		base := []string{"spec", "syncPolicy", "managedNamespaceMetadata", "labels"}
		labels := map[string]string{}
		if m := o.Lookup(base...); m != nil && m.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(m.Content); i += 2 {
				if v := m.Content[i+1]; v.Kind == yaml.ScalarNode {
					labels[m.Content[i].Value] = v.Value
				}
			}
		}
		return nsMeta{labels, o, labelPath(base, labels)}
	}
	return nsMeta{}
}

// labelPath is the path of the data plane label below the labels at base, or base itself
// when there is none.
func labelPath(base []string, labels map[string]string) []string {
	if _, ok := labels[ambient.LabelDataplaneMode]; ok {
		return append(slices.Clone(base), ambient.LabelDataplaneMode)
	}
	return base
}

// createsNamespace reports whether an Application's syncOptions include
// CreateNamespace=true.
func createsNamespace(app *manifest.Object) bool {
	opts := app.Lookup("spec", "syncPolicy", "syncOptions")
	if opts == nil || opts.Kind != yaml.SequenceNode {
		return false
	}
	for _, x := range opts.Content {
		if strings.EqualFold(strings.ReplaceAll(x.Value, " ", ""), "CreateNamespace=true") {
			return true
		}
	}
	return false
}
