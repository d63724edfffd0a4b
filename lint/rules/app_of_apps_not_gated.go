package rules

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// AppOfAppsNotGated is AMB105: child Applications ordered by waves without the Application
// health check that makes the waves wait.
var AppOfAppsNotGated = &lint.Rule{
	ID:       "AMB105",
	Name:     "app-of-apps-not-gated",
	Severity: lint.Warning,
	Summary:  "child Applications order the mesh by sync waves, but Argo CD does not wait for a child to be healthy",
	Doc: `**What.** Child Applications (app-of-apps) carry the sync waves that order the mesh — an
Application that installs a mesh component has an earlier wave than a sibling Application —
but the repository's ` + "`argocd-cm`" + ` (a ConfigMap named argocd-cm, the Argo CD Helm chart's
` + "`configs.cm`" + ` values, or an ArgoCD operator resource's ` + "`resourceHealthChecks`" + `) has no health check
for ` + "`argoproj.io/Application`" + ` (` + "`resource.customizations.health.argoproj.io_Application`" + `, or the
older ` + "`resource.customizations`" + ` block). Reported once per parent, naming the pair the gating
is about: the child that installs istio-cni, ztunnel or istiod (and the Application below it
that does, when that is another), and a later sibling that starts pods in ambient (a workload
or chart install into an enrolled namespace, or a pod template enrolled itself); siblings
that start no such pods are not reported. Argo CD installed from its upstream manifests
(` + "`install.yaml`" + `, ` + "`ha/install.yaml`" + `, ` + "`cluster-install`" + `, … as a remote kustomize resource) brings
the stock ` + "`argocd-cm`" + `, without the health check: a warning, unless a patch of the tree adds
it. Info instead of a warning when the repository holds no Argo CD configuration at all (it
may be configured elsewhere). A key of ` + "`argocd-cm`" + ` that spells the health check another way
Argo CD does not read (` + "`…health.argoproj.io/Application`" + `, with a slash) is the related location,
with the key to write. *Changed:* the rule named the first mesh component and any
later sibling (two parents' waves, or unrelated Applications), and took a tree with the
upstream install for one without Argo CD configuration.

**Why it breaks a cluster.** Argo CD moves to the next sync wave once the current wave's
resources are healthy. Since Argo CD 1.8 an Application resource has no health assessment of
its own, so a child Application counts as healthy as soon as it exists: the parent applies
every wave right away, and the waves that were meant to install istio-cni and ztunnel before
the applications order nothing.

**Fix.** Restore the Application health check in ` + "`argocd-cm`" + `, as the Argo CD documentation
("Resource Health", "Argocd App") shows:

` + "```yaml" + `
data:
  resource.customizations.health.argoproj.io_Application: |
    hs = {}
    hs.status = "Progressing"
    hs.message = ""
    if obj.status ~= nil then
      if obj.status.health ~= nil then
        hs.status = obj.status.health.status
        if obj.status.health.message ~= nil then
          hs.message = obj.status.health.message
        end
      end
    end
    return hs
` + "```" + `

With the Argo CD Helm chart, put the same key under ` + "`configs.cm`" + `.`,
	Kinds: []string{"argoproj.io/Application", "/ConfigMap", "argoproj.io/ArgoCD"},
	Run:   runAppOfAppsNotGated,
}

// healthKey is the argocd-cm key of the Application health check.
const healthKey = "resource.customizations.health.argoproj.io_Application"

// gateState is what the tree says about the Application health check.
type gateState int

const (
	gateAbsent  gateState = iota // no Argo CD configuration in the tree
	gateMissing                  // configuration without the health check
	gateUnknown                  // configuration the model cannot read in full
	gatePresent                  // the health check is configured
)

// applicationHealthGate looks for the Application health check in the tree's Argo CD
// configuration; pos is where the configuration without it is.
func applicationHealthGate(p *lint.Pass, m *gitops.Model) (state gateState, pos manifest.Position, nearMiss string) {
	note := func(s gateState, at manifest.Position) {
		if s > state {
			state = s
		}
		if pos.File == "" {
			pos = at
		}
	}
	hasCheck := func(data map[string]string) bool {
		if strings.TrimSpace(data[healthKey]) != "" {
			return true
		}
		rc := data["resource.customizations"]
		return strings.Contains(rc, "argoproj.io/Application:") && strings.Contains(rc, "health.lua")
	}
	// Argo CD's own configuration is installed with Argo CD, often by hand outside every
	// Application: an argocd-cm that no unit applies still describes the cluster's.
	cms := slices.Clone(p.Inventory.Kind("/ConfigMap"))
	for _, o := range m.Unreached {
		if o.GK() == "/ConfigMap" && !slices.Contains(cms, o) {
			cms = append(cms, o)
		}
	}
	for _, o := range cms {
		if o.Ref.Name != "argocd-cm" {
			continue
		}
		data := map[string]string{}
		if n := o.Lookup("data"); n != nil {
			for i := 0; i+1 < len(n.Content); i += 2 {
				data[n.Content[i].Value] = n.Content[i+1].Value
			}
		}
		switch miss := healthKeyNearMiss(data); {
		case hasCheck(data):
			note(gatePresent, o.Pos("data", healthKey))
		case miss != "":
			// A key that means the health check but that Argo CD does not read: where the
			// finding's related location points, with what to write instead.
			note(gateMissing, o.KeyPos("data", miss))
			nearMiss = miss
		default:
			note(gateMissing, o.Pos("metadata", "name"))
		}
	}
	for _, ci := range m.Charts {
		if ci.Chart != "argo-cd" {
			continue
		}
		data := map[string]string{}
		if cm, ok := gitops.ValueAt(ci.Values, "configs.cm"); ok {
			if mm, ok := cm.(map[string]any); ok {
				for k, v := range mm {
					data[k] = fmt.Sprint(v)
				}
			}
		}
		switch {
		case hasCheck(data):
			note(gatePresent, ci.ValuesPos)
		case !ci.ValuesKnown:
			note(gateUnknown, ci.ValuesPos)
		default:
			note(gateMissing, ci.ValuesPos)
		}
	}
	// Argo CD installed from its upstream manifests (install.yaml, ha/install.yaml,
	// cluster-install, namespace-install, core-install) as a remote kustomize resource: its
	// argocd-cm is the stock one, without the Application health check, unless a patch of the
	// tree (an argocd-cm above) adds it.
	for _, r := range m.Renderings {
		for _, res := range r.LeftOut {
			if upstreamArgoCDInstall(res) {
				note(gateMissing, manifest.Position{File: path.Join(r.Dir, "kustomization.yaml")})
			}
		}
	}
	for _, o := range p.Inventory.Kind("argoproj.io/ArgoCD") {
		found := false
		if n := o.Lookup("spec", "resourceHealthChecks"); n != nil {
			for _, c := range n.Content {
				var group, kind string
				for i := 0; i+1 < len(c.Content); i += 2 {
					switch c.Content[i].Value {
					case "group":
						group = c.Content[i+1].Value
					case "kind":
						kind = c.Content[i+1].Value
					}
				}
				found = found || (group == "argoproj.io" && kind == "Application")
			}
		}
		if found {
			note(gatePresent, o.Pos("spec", "resourceHealthChecks"))
		} else {
			note(gateMissing, o.Pos("metadata", "name"))
		}
	}
	return state, pos, nearMiss
}

// healthKeyNearMiss returns a key of argocd-cm's data that spells the Application health
// check's key another way Argo CD does not read (a "/" for the "_" between group and kind,
// another case), or "".
func healthKeyNearMiss(data map[string]string) string {
	norm := func(k string) string { return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(k), "/", "_")) }
	for _, k := range slices.Sorted(maps.Keys(data)) {
		if k != healthKey && norm(k) == norm(healthKey) {
			return k
		}
	}
	return ""
}

func runAppOfAppsNotGated(p *lint.Pass) error {
	m := p.Model
	gate, cmPos, nearMiss := applicationHealthGate(p, m)
	if gate == gatePresent || gate == gateUnknown {
		return nil
	}
	enrolled := map[string]bool{}
	for _, e := range m.Enrollments {
		enrolled[e.Namespace] = true
	}
	for _, parent := range m.Units {
		if parent.Kind != gitops.ImplicitUnit && parent.Kind != gitops.ApplicationUnit {
			continue
		}
		var kids []*gitops.Unit
		for _, c := range parent.Children {
			if c.Kind == gitops.ApplicationUnit && c.Generator == "" && !c.At.WaveOpaque {
				kids = append(kids, c)
			}
		}
		// The earliest child that installs a data plane component, and a later sibling that
		// starts pods in an enrolled namespace: the pair the gating is about.
		var mesh *gitops.Unit
		var comp *gitops.Component
		for _, k := range kids {
			if c := ordMeshComponent(m, k); c != nil && (mesh == nil || k.At.Compare(mesh.At) < 0) {
				mesh, comp = k, c
			}
		}
		if mesh == nil {
			continue
		}
		var later *gitops.Unit
		var pods string
		for _, k := range kids {
			if k.At.Compare(mesh.At) > 0 {
				if what, ok := enrolledPodsWithin(m, enrolled, k); ok {
					later, pods = k, what
					break
				}
			}
		}
		if later == nil {
			continue
		}
		via := ""
		if u := comp.Placement.Unit; u != mesh && u.Object != nil {
			via = " (through " + u.String() + ")"
		}
		f := lint.Finding{
			Message: fmt.Sprintf("%s installs %s%s at wave %d and %s, which starts %s, waits for it at wave %d, but Argo CD has no health check for Applications: "+
				"the waves order nothing unless argocd-cm sets %s", mesh, comp.Kind, via, mesh.At.Wave, later, pods, later.At.Wave, healthKey),
			Pos:    ordWavePos(mesh.Object),
			Object: mesh.Object.Ref,
			Related: []lint.Related{{Position: ordWavePos(later.Object),
				Message: fmt.Sprintf("%s syncs at wave %d", later, later.At.Wave)}},
		}
		if gate == gateAbsent {
			f.Severity = lint.Info
			f.Message += " (the repository holds no Argo CD configuration; check the cluster's)"
		} else {
			msg := "Argo CD's configuration, without the Application health check"
			if nearMiss != "" {
				msg = fmt.Sprintf("argocd-cm sets %s, which Argo CD does not read: did you mean %s?", nearMiss, healthKey)
			}
			f.Related = append(f.Related, lint.Related{Position: cmPos, Message: msg})
		}
		p.Report(f)
	}
	return nil
}

// ordMeshComponent returns a data plane component (istio-cni, ztunnel, istiod, in that order
// of preference) that Application u (or an Application below it) installs, or nil.
func ordMeshComponent(m *gitops.Model, u *gitops.Unit) *gitops.Component {
	for _, k := range []gitops.ComponentKind{gitops.IstioCNI, gitops.Ztunnel, gitops.Istiod} {
		for _, c := range m.ComponentsOf(k) {
			if c.Placement.Unit.Within(u) {
				return c
			}
		}
	}
	return nil
}

// enrolledPodsWithin names the first workload or chart install that Application u (or one
// below it) applies into an enrolled namespace, or a pod template enrolled itself.
func enrolledPodsWithin(m *gitops.Model, enrolled map[string]bool, u *gitops.Unit) (string, bool) {
	for _, o := range m.Objects {
		if !slices.Contains(podKinds, o.GK()) {
			continue
		}
		self := slices.ContainsFunc(m.Enrollments, func(e *gitops.Enrollment) bool { return e.Object == o })
		if !self && !enrolled[o.Namespace] {
			continue
		}
		for _, pl := range m.Placements(o) {
			if pl.Unit.Within(u) {
				return ordObjectName(o) + " in ambient", true
			}
		}
	}
	for _, ci := range m.Charts {
		if enrolled[ci.Namespace] && ci.Placement.Unit != nil && ci.Placement.Unit.Within(u) {
			return "chart " + ci.Chart + " in ambient namespace " + ci.Namespace, true
		}
	}
	return "", false
}

// upstreamArgoCDInstall reports whether a remote kustomize resource is one of Argo CD's
// upstream install manifests, which ship a stock argocd-cm.
func upstreamArgoCDInstall(res string) bool {
	r := strings.ToLower(res)
	if !strings.Contains(r, "argoproj/argo-cd") {
		return false
	}
	for _, m := range []string{"install.yaml", "manifests/cluster-install", "manifests/namespace-install", "manifests/core-install", "manifests/ha/cluster-install", "manifests/ha/namespace-install"} {
		if strings.Contains(r, m) {
			return true
		}
	}
	return false
}

// ordWavePos points at an object's sync-wave annotation, or its name when it has none.
func ordWavePos(o *manifest.Object) manifest.Position {
	if o.Lookup("metadata", "annotations", "argocd.argoproj.io/sync-wave") != nil {
		return o.Pos("metadata", "annotations", "argocd.argoproj.io/sync-wave")
	}
	return o.Pos("metadata", "name")
}
