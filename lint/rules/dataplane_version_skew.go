package rules

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// DataplaneVersionSkew is AMB113: istio-cni or ztunnel installed at a chart version istiod
// does not support.
var DataplaneVersionSkew = &lint.Rule{
	ID:       "AMB113",
	Name:     "dataplane-version-skew",
	Severity: lint.Warning,
	Summary:  "istio-cni or ztunnel is newer than istiod, or more than one minor version behind it",
	Doc: `**What.** The repository installs Istio in ambient mode and pins the istio-cni (` + "`cni`" + `) or
` + "`ztunnel`" + ` chart at a version whose minor release is newer than istiod's chart, or more than one
minor release older. Only concrete versions are compared (` + "`1.28.0`" + `, ` + "`v1.28.0`" + `, a pre-release such
as ` + "`1.29.0-beta.1`" + `); ranges (` + "`1.28.*`" + `, ` + "`>=1.27`" + `, ` + "`~1.28`" + `), empty versions, branches and values
a later tool fills in are not. Patch releases of one minor are not compared: Istio's support
statement is per minor release.

When the tree installs several istiod charts (revisions for a canary upgrade, or one per
cluster), a ztunnel or istio-cni chart whose ` + "`revision`" + ` value names the revision of one of them is
compared with that one; otherwise with all of them, and it is reported only when it is newer than
every one, or more than one minor behind every one. The message names the istiod it is compared
with, which is the related location. The umbrella ` + "`ambient`" + ` chart installs all components at one
version and is not compared.

**Why it breaks a cluster.** Istio supports a data plane at the control plane's version or one
minor release older (Istio's ambient Helm upgrade guide upgrades istiod first, then istio-cni and
ztunnel). A newer ztunnel may ask istiod for configuration or certificate fields it does not
serve; an older one may no longer understand what istiod sends. Either way ambient traffic can
fail in ways no status shows.

**Fix.** Install istio-cni and ztunnel at istiod's version (or, during an upgrade, one minor
release behind it), and upgrade istiod first.`,
	Kinds: chartInstallerGKs,
	Run:   runDataplaneVersionSkew,
}

// istioVersion is a concrete chart version.
type istioVersion struct{ major, minor, patch int }

func (v istioVersion) minorString() string { return fmt.Sprintf("%d.%d", v.major, v.minor) }

// minorIndex orders versions by minor release across majors.
func (v istioVersion) minorIndex() int { return v.major*1000 + v.minor }

var concreteVersionRE = regexp.MustCompile(`^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// parseIstioVersion parses a concrete semantic version; ok is false for ranges, wildcards,
// branches, empty and opaque versions.
func parseIstioVersion(s string) (istioVersion, bool) {
	m := concreteVersionRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return istioVersion{}, false
	}
	var v istioVersion
	var err1, err2, err3 error
	v.major, err1 = strconv.Atoi(m[1])
	v.minor, err2 = strconv.Atoi(m[2])
	v.patch, err3 = strconv.Atoi(m[3])
	return v, err1 == nil && err2 == nil && err3 == nil
}

// versionedChart is a chart install of an Istio component at a concrete version.
type versionedChart struct {
	ci       *gitops.ChartInstall
	kind     gitops.ComponentKind
	version  istioVersion
	revision string
}

func runDataplaneVersionSkew(p *lint.Pass) error {
	if p.Model == nil || !treeInstallsAmbient(p) {
		return nil
	}
	var istiods, dataplane []versionedChart
	for _, ci := range p.Model.Charts {
		k, ok := gitops.ChartComponent(ci)
		if !ok || (k != gitops.Istiod && k != gitops.IstioCNI && k != gitops.Ztunnel) {
			continue
		}
		v, ok := parseIstioVersion(ci.Version)
		if !ok {
			continue
		}
		rev, _ := chartString(ci.Values, "revision")
		vc := versionedChart{ci: ci, kind: k, version: v, revision: rev}
		if k == gitops.Istiod {
			istiods = append(istiods, vc)
		} else {
			dataplane = append(dataplane, vc)
		}
	}
	if len(istiods) == 0 {
		return nil
	}
	for _, d := range dataplane {
		cands := istiods
		if d.revision != "" {
			var same []versionedChart
			for _, c := range istiods {
				if c.revision == d.revision {
					same = append(same, c)
				}
			}
			if len(same) > 0 {
				cands = same
			}
		}
		newest, oldest := cands[0], cands[0]
		for _, c := range cands[1:] {
			if c.version.minorIndex() > newest.version.minorIndex() {
				newest = c
			}
			if c.version.minorIndex() < oldest.version.minorIndex() {
				oldest = c
			}
		}
		var against versionedChart
		var problem string
		switch {
		case d.version.minorIndex() > newest.version.minorIndex():
			against = newest
			problem = "newer than"
		case d.version.minorIndex() < oldest.version.minorIndex()-1:
			against = oldest
			problem = "more than one minor release behind"
		default:
			continue
		}
		name := "istio-cni"
		if d.kind == gitops.Ztunnel {
			name = "ztunnel"
		}
		p.Report(lint.Finding{
			Message: fmt.Sprintf("%s installs %s %s, %s istiod %s (%s), and Istio supports a data plane only at the control plane's minor release or one older: install %s at %s, after istiod",
				chartWhat(d.ci), name, d.ci.Version, problem, against.ci.Version, chartWhat(against.ci), name, against.version.minorString()),
			Pos:    chartVersionPos(d.ci),
			Object: objectRef(d.ci.Object),
			Related: []lint.Related{{Position: chartVersionPos(against.ci),
				Message: fmt.Sprintf("istiod is installed at %s", against.ci.Version)}},
		})
	}
	return nil
}

// chartVersionPos returns where chart install ci pins its version: the targetRevision or
// version nearest to where the chart is named in its object (an Argo CD source, a
// HelmRelease's chart spec), else where the chart is named.
func chartVersionPos(ci *gitops.ChartInstall) manifest.Position {
	o := ci.Object
	if o == nil || !o.HasRoot() || ci.Version == "" {
		return ci.Pos
	}
	var best *yaml.Node
	dist := func(n *yaml.Node) int {
		d := o.NodePos(n).Line - ci.Pos.Line
		if d < 0 {
			d = -d
		}
		return d
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if (k.Value == "targetRevision" || k.Value == "version") && v.Kind == yaml.ScalarNode && v.Value == ci.Version {
					if best == nil || dist(v) < dist(best) {
						best = v
					}
					continue
				}
				walk(v)
			}
		}
	}
	walk(o.Root().YNode())
	if best == nil {
		return ci.Pos
	}
	pos := o.NodePos(best)
	if pos.File != ci.Pos.File {
		return ci.Pos
	}
	return pos
}
