package rules

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// DiscoverySelectorsExclude is AMB114: istiod's discoverySelectors leave out an enrolled
// namespace or ztunnel's.
var DiscoverySelectorsExclude = &lint.Rule{
	ID:       "AMB114",
	Name:     "discovery-selectors-exclude",
	Severity: lint.Error,
	Summary:  "istiod's meshConfig.discoverySelectors do not select an enrolled namespace, or ztunnel's",
	Doc: `**What.** The istiod chart's ` + "`meshConfig.discoverySelectors`" + ` (also under ` + "`pilot`" + `, or ` + "`istiod`" + ` in
Istio's ` + "`ambient`" + ` umbrella chart) select no label of a namespace the tree enrolls in ambient mode, or of the
namespace ztunnel is installed in. As in Istio, a namespace is selected when any selector of the list
matches its labels (Kubernetes label selectors: ` + "`matchLabels`" + ` and ` + "`matchExpressions`" + ` together), and
every namespace carries ` + "`kubernetes.io/metadata.name: NAME`" + `. Labels are those the Namespace has as the
tree applies it (kustomize and Flux labels included, or an Argo CD Application's
` + "`managedNamespaceMetadata`" + `); for a namespace whose Namespace object the tree does not hold, only selectors
on ` + "`kubernetes.io/metadata.name`" + ` are judged. With several istiod revisions, a namespace is judged against
the istiod its ` + "`istio.io/rev`" + ` label (or the default revision) names. An empty list selects every
namespace; values with an unresolved ` + "`${VAR}`" + ` are not judged. Applies to Istio 1.10 and later (ambient:
1.22 and later).

**Why it breaks a cluster.** istiod watches only the namespaces its discovery selectors pick.
Workloads of any other namespace are unknown to it, so ztunnel receives no workload information
for them: their pods, enrolled and redirected to ztunnel, fail with "timed out waiting for workload"
(istio/istio#54969). Leaving ztunnel's own namespace out keeps istiod from seeing ztunnel's pods,
which it needs to serve them.

**Fix.** Add a selector that matches the namespace (for instance ` + "`matchLabels: {kubernetes.io/metadata.name: NAME}`" + `),
or give the namespace the label the selectors ask for.`,
	Kinds: append([]string{namespaceGK}, chartInstallerGKs...),
	Run:   runDiscoverySelectorsExclude,
}

// discoveryIstiod is one istiod chart install with discovery selectors.
type discoveryIstiod struct {
	ci        *gitops.ChartInstall
	revision  string
	tags      []string
	selectors []labels.Selector
	keys      []string // the label keys the selectors read
	pos       manifest.Position
}

func (d discoveryIstiod) serves(rev string) bool {
	if rev == "" || rev == "default" {
		return d.revision == "" || slices.Contains(d.tags, "default")
	}
	return d.revision == rev || slices.Contains(d.tags, rev)
}

func (d discoveryIstiod) selects(l map[string]string) bool {
	for _, s := range d.selectors {
		if s.Matches(labels.Set(l)) {
			return true
		}
	}
	return false
}

// onlyNameKeys reports whether the selectors read no label but kubernetes.io/metadata.name.
func (d discoveryIstiod) onlyNameKeys() bool {
	for _, k := range d.keys {
		if k != corev1.LabelMetadataName {
			return false
		}
	}
	return true
}

func discoveryIstiods(m *gitops.Model) []discoveryIstiod {
	var out []discoveryIstiod
	for _, ci := range m.Charts {
		vals, prefix := ci.Values, []string(nil)
		k, ok := gitops.ChartComponent(ci)
		switch {
		case ok && k == gitops.Istiod:
		case ci.Chart == "ambient" && slices.ContainsFunc(m.ComponentsOf(gitops.Istiod), func(c *gitops.Component) bool { return c.Chart == ci }):
			// Istio's umbrella chart passes istiod its own part of the values.
			vals, _ = ci.Values["istiod"].(map[string]any)
			prefix = []string{"istiod"}
		default:
			continue
		}
		raw, ok := istiodChartValue(vals, "meshConfig.discoverySelectors")
		list, isList := raw.([]any)
		if !ok || !isList || len(list) == 0 || opaqueValue(raw) {
			continue
		}
		d := discoveryIstiod{ci: ci}
		if rev, set := istiodChartValue(vals, "revision"); set {
			s, isString := rev.(string)
			if !isString || manifest.IsOpaque(s) {
				continue
			}
			d.revision = s
		}
		if tags, ok := istiodChartValue(vals, "revisionTags"); ok {
			if l, ok := tags.([]any); ok {
				for _, t := range l {
					if s, ok := t.(string); ok {
						d.tags = append(d.tags, s)
					}
				}
			}
		}
		valid := true
		for _, item := range list {
			b, err := json.Marshal(item)
			var ls metav1.LabelSelector
			if err == nil {
				err = json.Unmarshal(b, &ls)
			}
			var sel labels.Selector
			if err == nil {
				sel, err = metav1.LabelSelectorAsSelector(&ls)
			}
			if err != nil {
				valid = false // istiod would reject it; not this rule's concern
				break
			}
			d.selectors = append(d.selectors, sel)
			d.keys = append(d.keys, slices.Collect(maps.Keys(ls.MatchLabels))...)
			for _, e := range ls.MatchExpressions {
				d.keys = append(d.keys, e.Key)
			}
		}
		if !valid {
			continue
		}
		d.pos = valuePos(ci, append(slices.Clone(prefix), "pilot", "meshConfig", "discoverySelectors")...)
		if d.pos == ci.ValuesPos {
			d.pos = valuePos(ci, append(slices.Clone(prefix), "meshConfig", "discoverySelectors")...)
		}
		out = append(out, d)
	}
	return out
}

// opaqueValue reports whether any string inside a chart value is filled in later.
func opaqueValue(v any) bool {
	switch x := v.(type) {
	case string:
		return manifest.IsOpaque(x)
	case []any:
		return slices.ContainsFunc(x, opaqueValue)
	case map[string]any:
		for k, e := range x {
			if manifest.IsOpaque(k) || opaqueValue(e) {
				return true
			}
		}
	}
	return false
}

// namespaceLabelsAsApplied returns the labels namespace ns has in the cluster as the tree
// applies it, with kubernetes.io/metadata.name, and whether the tree shows them all: it holds
// the Namespace, or an Argo CD Application creates it (managedNamespaceMetadata, read from
// the enrollment e when given).
func namespaceLabelsAsApplied(inv *manifest.Inventory, ns string, e *gitops.Enrollment) (map[string]string, bool) {
	l := map[string]string{}
	known := false
	if o := inv.Namespace(ns); o != nil {
		maps.Copy(l, o.Labels)
		known = true
	} else if e != nil && e.Object != nil && len(e.Path) > 1 && e.Object.Group == "argoproj.io" {
		if m := e.Object.Lookup(e.Path[:len(e.Path)-1]...); m != nil && m.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(m.Content); i += 2 {
				l[m.Content[i].Value] = m.Content[i+1].Value
			}
			known = true
		}
	}
	l[corev1.LabelMetadataName] = ns
	return l, known
}

func runDiscoverySelectorsExclude(p *lint.Pass) error {
	istiods := discoveryIstiods(p.Model)
	if len(istiods) == 0 {
		return nil
	}
	inv := p.Inventory
	reported := map[string]bool{}
	check := func(ns, rev string, l map[string]string, known bool, what, consequence string, at manifest.Position) {
		if ns == "" || manifest.IsOpaque(ns) {
			return
		}
		for _, d := range istiods {
			key := fmt.Sprint(d.pos, "\x00", ns)
			if reported[key] || !d.serves(rev) || d.selects(l) || (!known && !d.onlyNameKeys()) || opaqueValue(anyMap(l)) {
				continue
			}
			reported[key] = true
			p.Report(lint.Finding{
				Message: fmt.Sprintf("istiod's meshConfig.discoverySelectors (%s) select no label of namespace %s, %s: %s; add a "+
					"selector that matches it, such as matchLabels {%s: %s}, or give the namespace a label they select",
					chartWhat(d.ci), ns, what, consequence, corev1.LabelMetadataName, ns),
				Pos:     d.pos,
				Object:  objectRef(d.ci.Object),
				Related: []lint.Related{{Position: at, Message: fmt.Sprintf("namespace %s: %s", ns, what)}},
			})
		}
	}
	for _, e := range p.Model.Enrollments {
		l, known := namespaceLabelsAsApplied(inv, e.Namespace, e)
		check(e.Namespace, l[ambient.LabelRev], l, known, "which "+e.What+" enrolls in ambient mode",
			"istiod does not watch it, so ztunnel learns nothing of its pods and their connections fail (\"timed out waiting for workload\")", e.Pos())
	}
	for _, c := range p.Model.ComponentsOf(gitops.Ztunnel) {
		ns := ""
		switch {
		case c.Chart != nil:
			ns = c.Chart.Namespace
		case c.Object != nil && c.Object.GK() == "apps/DaemonSet":
			ns = c.Object.Namespace
		}
		l, known := namespaceLabelsAsApplied(inv, ns, nil)
		rev := "" // the revision of the istiod ztunnel talks to
		if c.Chart != nil {
			if v, ok := gitops.ValueAt(c.Chart.Values, "revision"); ok {
				s, isString := v.(string)
				if !isString || manifest.IsOpaque(s) {
					continue
				}
				rev = s
			}
		}
		check(ns, rev, l, known, "where ztunnel runs ("+c.Via+")",
			"istiod does not watch ztunnel's own pods, so it cannot serve them and ambient workloads fail", c.Pos)
	}
	return nil
}

// anyMap returns l as chart-value shape, for opaqueValue.
func anyMap(l map[string]string) map[string]any {
	out := make(map[string]any, len(l))
	for k, v := range l {
		out[k] = v
	}
	return out
}
