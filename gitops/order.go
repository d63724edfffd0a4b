package gitops

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ambientkit/ambientkit/manifest"
)

// gitopsKindOrder is gitops-engine's kind order inside one sync phase and wave
// (pkg/sync/sync_tasks.go, taken from Helm's kind sorter): these kinds apply first, in this
// order, and every other kind (custom resources included) after them. It compares kinds by
// name only, whatever their group.
var gitopsKindOrder = []string{
	"Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
	"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
	"PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
	"ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList",
	"RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController",
	"ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob",
	"IngressClass", "Ingress", "APIService",
}

// kindRank returns a kind's rank in gitopsKindOrder: negative for the listed kinds, 0 for
// the others, so that lower applies first.
func kindRank(kind string) int {
	if i := slices.Index(gitopsKindOrder, kind); i >= 0 {
		return i - len(gitopsKindOrder)
	}
	return 0
}

// fluxPoint is where a Flux Kustomization applies an object of kind: stage 0 for
// CustomResourceDefinitions, Namespaces and ClusterRoles, 1 for *Class kinds, 2 for the
// rest (fluxcd/pkg/ssa ApplyAllStaged, which waits for each stage before the next).
func fluxPoint(kind, apiVersion string) SyncPoint {
	stage := 2
	switch {
	case kind == "CustomResourceDefinition" || kind == "Namespace" || kind == "ClusterRole":
		stage = 0
	case strings.HasSuffix(kind, "Class"):
		stage = 1
	}
	return SyncPoint{Phase: PhaseSync, Kind: kind, KindRank: stage}
}

// Argo CD's annotations for hooks and waves, and Helm's that Argo CD maps onto them.
const (
	annotationSyncWave   = "argocd.argoproj.io/sync-wave"
	annotationHook       = "argocd.argoproj.io/hook"
	annotationHelmHook   = "helm.sh/hook"
	annotationHelmWeight = "helm.sh/hook-weight"
)

// argoPoint returns where Argo CD applies o inside its Application, ignoring whether the
// object is applied at all.
func argoPoint(o *manifest.Object) SyncPoint {
	p, _ := argoPointOK(o)
	return p
}

// argoPointOK returns where Argo CD applies o inside its Application; ok is false for
// hooks that do not run during a sync (Skip, PostDelete, Helm test and delete hooks).
func argoPointOK(o *manifest.Object) (SyncPoint, bool) {
	if o == nil {
		return SyncPoint{Phase: PhaseSync}, true
	}
	p := SyncPoint{Phase: PhaseSync, Kind: o.Ref.Kind, KindRank: kindRank(o.Ref.Kind)}
	if h, ok := o.Annotations[annotationHook]; ok {
		phase, run := argoHookPhase(h)
		if !run {
			return p, false
		}
		p.Phase = phase
	} else if h, ok := o.Annotations[annotationHelmHook]; ok && h != "crd-install" {
		// gitops-engine does not take helm.sh/hook: crd-install for a hook (Helm 2 marked
		// CRDs with it): such an object syncs like any other.
		phase, run := helmHookPhase(h)
		if !run {
			return p, false
		}
		p.Phase = phase
	}
	// gitops-engine: the sync-wave annotation when it is an integer, else the Helm hook
	// weight, else 0.
	if w, ok := o.Annotations[annotationSyncWave]; ok {
		if manifest.IsOpaque(w) {
			p.WaveOpaque = true
			return p, true
		}
		if n, err := strconv.Atoi(w); err == nil {
			p.Wave = n
			return p, true
		}
	}
	if w, ok := o.Annotations[annotationHelmWeight]; ok {
		if n, err := strconv.Atoi(w); err == nil {
			p.Wave = n
		}
	}
	return p, true
}

// argoHookPhase maps argocd.argoproj.io/hook (a comma-separated list) to the first phase it
// runs in during a sync.
func argoHookPhase(h string) (Phase, bool) {
	best, run := PhaseSyncFail+1, false
	for _, t := range strings.Split(h, ",") {
		var p Phase
		switch strings.TrimSpace(t) {
		case "PreSync":
			p = PhasePreSync
		case "Sync":
			p = PhaseSync
		case "PostSync":
			p = PhasePostSync
		case "SyncFail":
			p = PhaseSyncFail
		default:
			continue
		}
		if !run || p < best {
			best, run = p, true
		}
	}
	return best, run
}

// helmHookPhase maps helm.sh/hook the way Argo CD does: pre-install and pre-upgrade are
// PreSync, post-install and post-upgrade PostSync; other Helm hooks do not run in a sync.
func helmHookPhase(h string) (Phase, bool) {
	best, run := PhaseSyncFail+1, false
	for _, t := range strings.Split(h, ",") {
		var p Phase
		switch strings.TrimSpace(t) {
		case "pre-install", "pre-upgrade":
			p = PhasePreSync
		case "post-install", "post-upgrade":
			p = PhasePostSync
		default:
			continue
		}
		if !run || p < best {
			best, run = p, true
		}
	}
	return best, run
}

// point returns where unit u applies o; ok is false when it does not apply it in a sync.
func (b *builder) point(o *manifest.Object, u *Unit) (SyncPoint, bool) {
	if u.IsFlux() {
		return fluxPoint(o.Ref.Kind, o.Ref.APIVersion), true
	}
	return argoPointOK(o)
}

// Relation is how one placement is ordered against another.
type Relation struct {
	// After is true when the first placement is ordered after the second.
	After bool
	// Unknown is true when an opaque (${VAR}) wave keeps the order from being decided.
	Unknown bool
	// A and B say how each end is ordered, from the level where their paths part: "at wave
	// -15 (Application example-worker)"; for Flux, "in HelmRelease istio-system/ztunnel
	// (Kustomization flux-system/apps depends on Kustomization flux-system/infra, but it does
	// not wait for it: set wait: true or a healthCheck)".
	A, B string
}

// level is one step of a placement's path from the implicit Application down.
type level struct {
	unit *Unit     // the unit applying the item
	at   SyncPoint // when it applies it
	item *Unit     // the item when it is a unit, nil for the placed thing itself
}

func chainOf(p Placement) []level {
	ls := []level{{p.Unit, p.At, nil}}
	for u := p.Unit; u != nil && u.Parent != nil; u = u.Parent {
		ls = append(ls, level{u.Parent, u.At, u})
	}
	slices.Reverse(ls)
	return ls
}

// parting returns the index of the level where two chains part.
func parting(ca, cb []level) int {
	i := 0
	for i+1 < len(ca) && i+1 < len(cb) && ca[i].item != nil && ca[i].item == cb[i].item {
		i++
	}
	return i
}

// Compare says whether a is ordered after b (see Model), and how each is ordered.
func (m *Model) Compare(a, b Placement) Relation {
	if a.Unit == nil || b.Unit == nil {
		return Relation{Unknown: true}
	}
	ca, cb := chainOf(a), chainOf(b)
	i := parting(ca, cb)
	la, lb := ca[i], cb[i]
	P := la.unit
	var r Relation
	switch P.Kind {
	case ImplicitUnit, ApplicationUnit, KustomizationUnit:
		c := la.at.Compare(lb.at)
		if P.Kind != KustomizationUnit && la.at.Phase == lb.at.Phase && (la.at.WaveOpaque || lb.at.WaveOpaque) {
			r.Unknown = true
		}
		if la.item == nil && lb.item == nil && P.Kind != KustomizationUnit {
			// gitops-engine moves a CRD before the first custom resource it defines, and a
			// Namespace before the first object in it, taking that object's wave.
			switch {
			case b.defines != nil && b.defines(a.gk), b.nsName != "" && b.nsName == a.ns:
				c, r.Unknown = 1, false
			case a.defines != nil && a.defines(b.gk), a.nsName != "" && a.nsName == b.ns:
				c, r.Unknown = -1, false
			}
		}
		r.After = c > 0 && !r.Unknown
	}
	fluxy := P.IsFlux()
	for _, l := range ca[i+1:] {
		fluxy = fluxy || l.unit.IsFlux()
	}
	for _, l := range cb[i+1:] {
		fluxy = fluxy || l.unit.IsFlux()
	}
	var why string
	if !r.After && !r.Unknown {
		var after bool
		after, why = fluxAfter(a, b, ca, cb)
		if after {
			r.After = true
			why = ""
		}
		fluxy = fluxy || why != ""
	}
	if fluxy {
		r.A, r.B = describeFlux(ca, la, P), describeFlux(cb, lb, P)+why
		return r
	}
	same := la.at.Phase == lb.at.Phase && la.at.Wave == lb.at.Wave && !la.at.WaveOpaque && !lb.at.WaveOpaque
	r.A, r.B = describeLevel(P, la, same), describeLevel(P, lb, same)
	return r
}

// describeLevel says how an item is ordered inside unit P (Argo CD style).
func describeLevel(P *Unit, l level, withKind bool) string {
	var sb strings.Builder
	switch {
	case l.at.Phase == PhaseNamespace:
		sb.WriteString("when Argo CD creates the namespace")
	default:
		if l.at.Phase != PhaseSync {
			sb.WriteString("in " + l.at.Phase.String() + " ")
		}
		if l.at.WaveOpaque {
			sb.WriteString("at an unresolved wave")
		} else {
			fmt.Fprintf(&sb, "at wave %d", l.at.Wave)
		}
		if withKind && l.item == nil && l.at.Kind != "" {
			fmt.Fprintf(&sb, " as %s %s", article(l.at.Kind), l.at.Kind)
		}
	}
	switch {
	case l.item != nil:
		sb.WriteString(" (" + l.item.String() + ")")
	case P.Kind == ImplicitUnit:
		sb.WriteString(" outside any Application")
	default:
		sb.WriteString(" in " + P.String())
	}
	return sb.String()
}

// describeFlux says which Flux unit applies an end: its nearest Flux unit, or the Argo CD
// description when there is none.
func describeFlux(c []level, l level, P *Unit) string {
	for j := len(c) - 1; j >= 0; j-- {
		if c[j].unit.IsFlux() {
			return "in " + c[j].unit.String()
		}
	}
	return describeLevel(P, l, false)
}

// fluxAfter says whether a Flux unit above a depends (transitively) on a unit that waits
// for b; when not, why not, as a clause to append to b's description.
func fluxAfter(a, b Placement, ca, cb []level) (bool, string) {
	var mine []*Unit // Flux units above a, nearest first
	for j := len(ca) - 1; j >= 0; j-- {
		if ca[j].unit.IsFlux() {
			mine = append(mine, ca[j].unit)
		}
	}
	if len(mine) == 0 {
		return false, ""
	}
	onB := map[*Unit]int{}
	for j, l := range cb {
		onB[l.unit] = j
	}
	why := ""
	for _, u := range mine {
		seen := map[*Unit]bool{u: true}
		queue := []*Unit{u}
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			for _, d := range x.DependsOn {
				if d.Unit == nil || seen[d.Unit] {
					continue
				}
				seen[d.Unit] = true
				queue = append(queue, d.Unit)
				j, ok := onB[d.Unit]
				if !ok {
					continue
				}
				blocker, reason := waitsDown(cb, j, b)
				if blocker == nil {
					return true, ""
				}
				if why == "" {
					who := blocker.String()
					if blocker == d.Unit {
						who = "it"
					}
					why = fmt.Sprintf(" (%s depends on %s, but %s %s)", u, d.Unit, who, reason)
				}
			}
		}
	}
	if why == "" {
		why = fmt.Sprintf(" (no dependency of %s applies it)", mine[0])
	}
	return false, why
}

// waitsDown checks that each unit of cb from level j down waits for the next item (the
// last one waits for b itself); when one does not, it returns that unit and why.
func waitsDown(cb []level, j int, b Placement) (*Unit, string) {
	for k := j; k < len(cb); k++ {
		u := cb[k].unit
		var obj *manifest.Object
		if cb[k].item != nil {
			obj = cb[k].item.Object
		} else {
			obj = b.obj
		}
		switch u.Kind {
		case KustomizationUnit:
			// Flux applies CRDs, Namespaces and ClusterRoles first and waits for them (stage
			// 0) before the rest, so a Kustomization that is Ready has them even without wait.
			if u.Wait || (obj != nil && healthChecked(u, obj)) || (cb[k].item == nil && cb[k].at.KindRank == 0) {
				continue
			}
			return u, "does not wait for it: set wait: true or a healthCheck"
		case HelmReleaseUnit:
			if u.Wait {
				continue
			}
			return u, "does not wait for its resources (install.disableWait)"
		default:
			return u, "reports no health to Flux"
		}
	}
	return nil, ""
}

// healthChecked reports whether Kustomization u's healthChecks name o.
func healthChecked(u *Unit, o *manifest.Object) bool {
	for _, hc := range u.HealthChecks {
		if hc.Kind != o.Ref.Kind || hc.Name != o.Ref.Name {
			continue
		}
		if hc.Namespace != "" && hc.Namespace != o.Namespace {
			continue
		}
		if g, _, _ := strings.Cut(hc.APIVersion, "/"); strings.Contains(hc.APIVersion, "/") && g != o.Group {
			continue
		}
		return true
	}
	return false
}

// Nearest picks, among the instances cands of something p must follow, the ones nearest to
// p (whose path shares the most levels with p's; in a repository of several clusters, the
// same cluster's), and returns one p is ordered after when there is one, else one p is not
// ordered after, with the relation. ok is false when cands is empty.
func (m *Model) Nearest(p Placement, cands []*Component) (c *Component, r Relation, ok bool) {
	if len(cands) == 0 {
		return nil, Relation{}, false
	}
	cp := chainOf(p)
	best := -1
	var group []*Component
	for _, x := range cands {
		d := parting(cp, chainOf(x.Placement))
		switch {
		case d > best:
			best, group = d, []*Component{x}
		case d == best:
			group = append(group, x)
		}
	}
	var first *Component
	var firstRel Relation
	for _, x := range group {
		rel := m.Compare(p, x.Placement)
		if rel.After || rel.Unknown {
			return x, rel, true
		}
		if first == nil {
			first, firstRel = x, rel
		}
	}
	return first, firstRel, true
}

// String describes the placement as its path from the implicit Application down, one level
// per unit: "wave 0 Application root > wave 10 Application example-api > wave 0 Namespace".
// Argo CD levels show the phase (when not Sync) and wave; Flux Kustomization levels the
// apply stage.
func (p Placement) String() string {
	if p.Unit == nil {
		return ""
	}
	var parts []string
	for _, l := range chainOf(p) {
		what := l.at.Kind
		if l.item != nil {
			what = l.item.String()
		}
		var at string
		switch {
		case l.unit.Kind == KustomizationUnit:
			at = fmt.Sprintf("stage %d", l.at.KindRank)
		case l.unit.Kind == HelmReleaseUnit:
			at = "chart"
		case l.at.Phase == PhaseNamespace:
			at = "CreateNamespace"
		case l.at.WaveOpaque:
			at = "wave ?"
		default:
			at = fmt.Sprintf("wave %d", l.at.Wave)
			if l.at.Phase != PhaseSync {
				at = l.at.Phase.String() + " " + at
			}
		}
		parts = append(parts, strings.TrimSpace(at+" "+what))
	}
	return strings.Join(parts, " > ")
}
