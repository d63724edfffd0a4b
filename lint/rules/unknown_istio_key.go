package rules

import (
	"fmt"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/internal/istiocharts"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// UnknownIstioKey is AMB002: a label or annotation key in Istio's domains that Istio does not
// define.
var UnknownIstioKey = &lint.Rule{
	ID:       "AMB002",
	Name:     "unknown-istio-key",
	Severity: lint.Warning,
	Summary:  "a label or annotation key in the istio.io domains that Istio does not define (an error when it is a near miss of a key that enrolls or binds a waypoint)",
	Doc: `**What.** A label or annotation whose key is in the ` + "`istio.io`" + ` domain or one of its
subdomains (` + "`sidecar.istio.io`, `ambient.istio.io`" + `, …) but is not a key Istio defines, such as
` + "`istio.io/dataplane_mode`" + ` or ` + "`istio.io/use-waypoints`" + `. The list of known keys is
Istio's own (istio/api's labels.yaml and annotations.yaml). Keys that are close to a known
key get a "did you mean" and a suggested fix.

A near miss of a key that enrolls a workload, opts it out, binds it to a waypoint or sets
which traffic a waypoint handles (` + "`istio.io/dataplane-mode`, `istio.io/use-waypoint`,\n`istio.io/use-waypoint-namespace`, `istio.io/waypoint-for`, `istio.io/ingress-use-waypoint`" + `;
the SDK's ` + "`ambient.EnrollmentKeys`" + `) is an **error**, so it fails the run by default:
` + "`istio.io/dataplane_mode: ambient`" + ` on a Namespace is the commonest ambient mistake and leaves
the namespace out of the mesh. Other unknown keys stay warnings. *Changed:* such near misses
were warnings, so a pre-commit hook passed them.

**Why it breaks a cluster.** Istio ignores keys it does not know, silently. A misspelt
` + "`istio.io/dataplane-mode`" + ` leaves a namespace out of the mesh; a misspelt
` + "`istio.io/use-waypoint`" + ` sends traffic around the waypoint, so its L7 policy is never
enforced. Nothing in the cluster reports the mistake.

**Fix.** Spell the key as Istio defines it (the suggested fix does, unless the map already
has the right key: then remove one of the two, since Kubernetes' tools keep only the last).
If the key is your own, move it out of Istio's domains.

The rule also reads the inline values (Argo CD ` + "`helm.valuesObject`" + `, Flux ` + "`spec.values`" + `) of
Istio's ` + "`base`, `istiod`, `cni` and `ztunnel`" + ` charts: a top-level key the chart does not read at
the version installed (` + "`proflie: ambient`" + `) is reported, with the nearest key it reads. The keys
are the charts' own, from their ` + "`values.yaml`" + ` and templates in Istio 1.28 to 1.32; a version
outside those, or not given, is judged by every key of any of them. Values written as a YAML
string (` + "`helm.values`" + `) are not read. Helm passes an unknown key through without a word, so a
misspelt ` + "`profile`" + ` installs the chart without the ambient profile. *Changed:* chart values
were not checked.`,
	Kinds: nil, // every object's metadata
	Run:   runUnknownIstioKey,
}

func runUnknownIstioKey(p *lint.Pass) error {
	for _, o := range p.Inventory.Objects {
		entries := objectMeta(p, o)
		// How many keys of each map a fix would rename to the same key: two renames to one
		// key make a duplicate as surely as a rename to a key the map has.
		renames := map[string]int{}
		for _, e := range entries {
			if s, ok := suggestion(e); ok {
				renames[renameKey(e, s)]++
			}
		}
		for _, e := range entries {
			if !ambient.IsIstioDomain(e.Key) || ambient.IsKnownKey(e.Key) || manifest.IsOpaque(e.Key) {
				continue
			}
			kind := "annotation"
			if e.Label {
				kind = "label"
			}
			f := lint.Finding{
				Message: fmt.Sprintf("unknown Istio %s key %q: Istio ignores it", kind, e.Key),
				Pos:     o.KeyPos(e.Path()...),
				Object:  o.Ref,
			}
			if s, ok := suggestion(e); ok {
				f.Message = fmt.Sprintf("unknown Istio %s key %q: did you mean %q?", kind, e.Key, s)

				switch {
				case o.Lookup(append(slices.Clone(e.Base), s)...) != nil:
					// Renaming would make a duplicate key, which Kubernetes' tools read as
					// the last one: which of the two values is meant is the author's call.
					f.Message += fmt.Sprintf(" The %ss already have %q: remove one of the two", kind, s)
				case renames[renameKey(e, s)] > 1:
					f.Message += fmt.Sprintf(" Other %s keys here are near %q too: keep one", kind, s)
				default:
					if edit, ok := replaceScalar(o, keyNode(o, e.Path()), s); ok {
						f.Fixes = []lint.Fix{{Message: fmt.Sprintf("rename the key to %q", s), Edits: []lint.TextEdit{edit}}}
					}
				}
				if ambient.IsEnrollmentKey(s) {
					// The object is not enrolled, opted out or bound as its author meant: a
					// broken mesh that nothing in the cluster reports, not a style problem.
					f.Severity = lint.Error
					f.Message += "; " + enrollmentMissEffect(s)
				}
			}
			p.Report(f)
		}
	}
	unknownChartValues(p)
	return nil
}

// chartNames are the names internal/istiocharts gives the Istio charts gitops knows.
var chartNames = map[gitops.ComponentKind]string{
	gitops.IstioBase: "base", gitops.Istiod: "istiod", gitops.IstioCNI: "cni", gitops.Ztunnel: "ztunnel",
}

// unknownChartValues reports the top-level keys of an Istio chart's inline values that the
// chart, at the version installed, does not read: Helm passes them through silently.
func unknownChartValues(p *lint.Pass) {
	for _, ci := range p.Model.Charts {
		k, ok := gitops.ChartComponent(ci)
		if !ok || ci.Object == nil || ci.ValuesPath == nil {
			continue
		}
		chart, ok := chartNames[k]
		if !ok {
			continue
		}
		known, ok := istiocharts.Keys(chart, ci.Version)
		values := ci.Object.Lookup(ci.ValuesPath...)
		if !ok || values == nil || values.Kind != yaml.MappingNode {
			continue // values in a YAML string (helm.values) or parameters are not judged
		}
		for i := 0; i+1 < len(values.Content); i += 2 {
			key := values.Content[i].Value
			if slices.Contains(known, key) || manifest.IsOpaque(key) {
				continue
			}
			version := ci.Version
			if version == "" {
				version = "any version"
			}
			msg := fmt.Sprintf("unknown value %q for Istio's %s chart (%s): Helm passes it through and the chart ignores it", key, chart, version)
			if s := nearestName(key, known); s != "" {
				msg = fmt.Sprintf("unknown value %q for Istio's %s chart (%s): did you mean %q? Helm passes it through and the chart ignores it", key, chart, version, s)
			}
			p.Report(lint.Finding{
				Message: msg,
				Pos:     ci.Object.NodePos(values.Content[i]),
				Object:  ci.Object.Ref,
			})
		}
	}
}

// suggestion returns the Istio key that e's unknown Istio key is a near miss of.
func suggestion(e metaEntry) (string, bool) {
	if !ambient.IsIstioDomain(e.Key) || ambient.IsKnownKey(e.Key) || manifest.IsOpaque(e.Key) {
		return "", false
	}
	return ambient.SuggestKey(e.Key)
}

// renameKey names the key that renaming e to s makes, in its map.
func renameKey(e metaEntry, s string) string { return strings.Join(e.Base, "\x00") + "\x00" + s }

// enrollmentMissEffect says what a misspelling of the enrollment key s leaves undone.
func enrollmentMissEffect(s string) string {
	what := "Istio ignores it"
	switch s {
	case ambient.LabelDataplaneMode:
		what = "Istio ignores it, so the object is neither enrolled in ambient mode nor opted out"
	case ambient.LabelUseWaypoint, ambient.LabelUseWaypointNamespace:
		what = "Istio ignores it, so traffic does not go through the waypoint and its L7 policy is not enforced"
	case ambient.LabelIngressUseWaypoint:
		what = "Istio ignores it, so ingress traffic skips the waypoint"
	case ambient.LabelWaypointFor:
		what = "Istio ignores it, so the waypoint handles the default traffic (service)"
	}
	return what
}
