package rules

import (
	"fmt"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// AmbientProfileMissing is AMB107: istiod or istio-cni installed without the ambient profile
// while the tree enrolls workloads.
var AmbientProfileMissing = &lint.Rule{
	ID:       "AMB107",
	Name:     "ambient-profile-missing",
	Severity: lint.Error,
	Summary:  "istiod or istio-cni is installed without the ambient profile while the tree enrolls workloads",
	Doc: `**What.** The repository enrolls workloads in ambient mode but installs istiod or istio-cni
without the ambient profile: an Istio ` + "`istiod`" + ` or ` + "`cni`" + ` chart (Argo CD Application, Flux
HelmRelease, kustomize ` + "`helmCharts`" + `, an umbrella chart's dependency) whose values have neither
` + "`profile: ambient`" + ` nor the values that profile sets (istiod: ` + "`pilot.env.PILOT_ENABLE_AMBIENT: \"true\"`" + `;
istio-cni: ` + "`ambient.enabled: true`" + `), or rendered manifests whose istiod Deployment lacks
` + "`PILOT_ENABLE_AMBIENT=true`" + ` and whose ` + "`istio-cni-config`" + ` ConfigMap lacks ` + "`AMBIENT_ENABLED: \"true\"`" + `, or a
Sail operator Istio/IstioCNI resource without ` + "`profile: ambient`" + `. Values the repository does not
hold (value files of a remote chart, ConfigMaps outside the tree) make the rule stay silent.

**Why it breaks a cluster.** Without the ambient profile istio-cni does not redirect pod traffic
to ztunnel and istiod does not serve ztunnel or waypoints: enrolled namespaces get no mesh at
all — no mTLS, no policy — while the label suggests they are protected.

**Fix.** Install both charts with the ambient profile, as Istio's Helm instructions do
(` + "`--set profile=ambient`" + `): add ` + "`profile: ambient`" + ` to the chart's values (` + "`helm.valuesObject`" + ` in
Argo CD, ` + "`spec.values`" + ` in a HelmRelease).`,
	Kinds: append([]string{"apps/Deployment", "apps/DaemonSet", "/ConfigMap", "sailoperator.io/Istio",
		"sailoperator.io/IstioCNI"}, chartInstallerGKs...),
	Run: runAmbientProfileMissing,
}

// ambientState is whether an install has the ambient profile.
type ambientState int

const (
	ambientUnknown ambientState = iota
	ambientOn
	ambientOff
)

// chartAmbient says whether chart values select the ambient profile (or set what it sets)
// for component k.
func chartAmbient(k gitops.ComponentKind, values map[string]any, known bool) ambientState {
	if v, ok := gitops.ValueAt(values, "profile"); ok {
		s := fmt.Sprint(v)
		if manifest.IsOpaque(s) {
			return ambientUnknown
		}
		if strings.Contains(s, "ambient") {
			return ambientOn
		}
	}
	var keys []string
	switch k {
	case gitops.Istiod:
		keys = []string{"pilot.env.PILOT_ENABLE_AMBIENT", "env.PILOT_ENABLE_AMBIENT"}
	case gitops.IstioCNI:
		keys = []string{"ambient.enabled", "cni.ambient.enabled"}
	}
	for _, key := range keys {
		if v, ok := gitops.ValueAt(values, key); ok {
			s := fmt.Sprint(v)
			if manifest.IsOpaque(s) {
				return ambientUnknown
			}
			if strings.EqualFold(s, "true") {
				return ambientOn
			}
		}
	}
	if !known {
		return ambientUnknown
	}
	return ambientOff
}

func runAmbientProfileMissing(p *lint.Pass) error {
	m := p.Model
	if len(m.Enrollments) == 0 {
		return nil
	}
	first := m.Enrollments[0]
	// Placed only when reported: the enrollment's position may parse its file again.
	related := sync.OnceValue(func() []lint.Related {
		return []lint.Related{{Position: first.Pos(), Message: first.What + " enrolls workloads in ambient mode"}}
	})
	seen := map[manifest.Position]bool{}
	report := func(pos manifest.Position, o *manifest.Object, format string, args ...any) {
		if seen[pos] {
			return
		}
		seen[pos] = true
		f := lint.Finding{Message: fmt.Sprintf(format, args...) + fmt.Sprintf(", while %s enrolls workloads", first.What),
			Pos: pos, Related: related()}
		if o != nil {
			f.Object = o.Ref
		}
		p.Report(f)
	}
	for _, ci := range m.Charts {
		k, ok := gitops.ChartComponent(ci)
		if !ok || (k != gitops.Istiod && k != gitops.IstioCNI) {
			continue
		}
		if chartAmbient(k, ci.Values, ci.ValuesKnown) != ambientOff {
			continue
		}
		where := ci.Placement.Unit.String()
		report(ci.ValuesPos, ci.Object, "the %s chart (%s) is installed without the ambient profile: add profile: ambient to its values", ci.Chart, where)
	}
	for _, c := range m.Components {
		o := c.Object
		if o == nil || c.Chart != nil {
			continue
		}
		switch {
		case c.Kind == gitops.Istiod && o.GK() == "apps/Deployment":
			v, ok := ordContainerEnv(o, "PILOT_ENABLE_AMBIENT")
			if ok && manifest.IsOpaque(v) || strings.EqualFold(v, "true") {
				continue
			}
			report(o.Pos("metadata", "name"), o, "istiod Deployment %s runs without PILOT_ENABLE_AMBIENT=true (the ambient profile)", o.Ref.Name)
		case c.Kind == gitops.IstioCNI && o.GK() == "apps/DaemonSet":
			if v, ok := ordContainerEnv(o, "AMBIENT_ENABLED"); ok && (strings.EqualFold(v, "true") || manifest.IsOpaque(v)) {
				continue
			}
			cm := p.Inventory.Get("/ConfigMap", o.Namespace, "istio-cni-config")
			if cm == nil {
				continue // the configuration is not in the tree
			}
			v := ""
			if n := cm.Lookup("data", "AMBIENT_ENABLED"); n != nil {
				v = n.Value
			}
			if strings.EqualFold(v, "true") || manifest.IsOpaque(v) {
				continue
			}
			report(cm.Pos("data", "AMBIENT_ENABLED"), cm, "istio-cni runs with AMBIENT_ENABLED %q in ConfigMap %s/istio-cni-config, not the ambient profile", v, cm.Namespace)
		case o.Group == "sailoperator.io" && (c.Kind == gitops.Istiod || c.Kind == gitops.IstioCNI):
			prof := ""
			if n := o.Lookup("spec", "profile"); n != nil {
				prof = n.Value
			}
			if strings.Contains(prof, "ambient") || manifest.IsOpaque(prof) {
				continue
			}
			report(o.Pos("spec", "profile"), o, "%s %s is installed without profile: ambient", o.Ref.Kind, o.Ref.Name)
		}
	}
	return nil
}

// ordContainerEnv returns the value of env var name in a container of o's pod template.
func ordContainerEnv(o *manifest.Object, name string) (string, bool) {
	cs := o.Lookup("spec", "template", "spec", "containers")
	if cs == nil || cs.Kind != yaml.SequenceNode {
		return "", false
	}
	for _, c := range cs.Content {
		for i := 0; i+1 < len(c.Content); i += 2 {
			if c.Content[i].Value != "env" || c.Content[i+1].Kind != yaml.SequenceNode {
				continue
			}
			for _, e := range c.Content[i+1].Content {
				var n, v string
				for j := 0; j+1 < len(e.Content); j += 2 {
					switch e.Content[j].Value {
					case "name":
						n = e.Content[j+1].Value
					case "value":
						v = e.Content[j+1].Value
					}
				}
				if n == name {
					return v, true
				}
			}
		}
	}
	return "", false
}
