package rules

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// ZtunnelTrustMismatch is AMB112: the istiod and ztunnel charts disagree on who ztunnel is.
var ZtunnelTrustMismatch = &lint.Rule{
	ID:       "AMB112",
	Name:     "ztunnel-trust-mismatch",
	Severity: lint.Error,
	Summary:  "the istiod and ztunnel charts disagree on ztunnel's namespace, name or the istiod it reaches",
	Doc: `**What.** The tree installs Istio's ` + "`istiod`" + ` and ` + "`ztunnel`" + ` Helm charts, with values it holds,
and they disagree on who ztunnel is:

- ztunnel is installed in a namespace other than the one istiod trusts: istiod's
  ` + "`trustedZtunnelNamespace`" + ` (default: istiod's own namespace; ` + "`kube-system`" + ` with
  ` + "`platform: openshift`" + `);
- ztunnel's ` + "`resourceName`" + ` (its DaemonSet and service account; default ` + "`ztunnel`" + `) is not istiod's
  ` + "`trustedZtunnelName`" + ` (default ` + "`ztunnel`" + `);
- ztunnel's ` + "`revision`" + ` and ` + "`istioNamespace`" + `, from which its chart writes the address of istiod
  (` + "`istiod[-REVISION].ISTIO_NAMESPACE.svc:15012`" + `), name no istiod of the tree: no istiod chart
  with that ` + "`revision`" + ` is installed in that namespace. A revision tag does not do: the chart names a
  tag's Service ` + "`istiod-revision-tag-TAG`" + `.

istiod's ` + "`env.CA_TRUSTED_NODE_ACCOUNTS`" + `, when set, replaces the first two checks with its list of
` + "`namespace/serviceaccount`" + ` entries. A ztunnel with ` + "`caAddress`" + ` or ` + "`xdsAddress`" + ` of its own, values
that hold an unresolved ` + "`${VAR}`" + `, and charts whose values the tree does not hold are not judged;
Istio's ` + "`ambient`" + ` umbrella chart installs both in one release and is left out. The keys are those of the
istiod and ztunnel charts' ` + "`values.yaml`" + ` (Istio 1.23 and later, where ` + "`trustedZtunnelNamespace`" + ` appeared).

**Why it breaks a cluster.** istiod renders ` + "`CA_TRUSTED_NODE_ACCOUNTS=<trustedZtunnelNamespace>/<trustedZtunnelName>`" + `
into its Deployment and issues certificates for other identities only to a node proxy running as
that service account. A ztunnel elsewhere, or under another name, is refused: ambient pods get no
certificates and their connections are reset. A ztunnel that names no istiod cannot reach a
control plane at all.

**Fix.** Tell istiod where ztunnel is: set ` + "`trustedZtunnelNamespace`" + ` and ` + "`trustedZtunnelName`" + ` in
istiod's values to ztunnel's namespace and ` + "`resourceName`" + `; set ztunnel's ` + "`revision`" + ` and
` + "`istioNamespace`" + ` to those of an istiod the tree installs.`,
	Kinds: chartInstallerGKs,
	Run:   runZtunnelTrustMismatch,
}

// istiodInstall is what an istiod chart install says about the ztunnel it trusts.
type istiodInstall struct {
	ci        *gitops.ChartInstall
	revision  string
	tags      []string
	trustedNS string // "" when unknown
	trusted   []string
	override  bool // env.CA_TRUSTED_NODE_ACCOUNTS sets trusted
}

func (i istiodInstall) what() string { return chartWhat(i.ci) }

// ztStringValue returns a chart value that is a string; ok is false when it is set to
// something that is not, or holds a value filled in later.
func ztStringValue(values map[string]any, get func(map[string]any, string) (any, bool), path string) (s string, set, ok bool) {
	v, set := get(values, path)
	if !set || v == nil {
		return "", false, true
	}
	s, isString := v.(string)
	if !isString || manifest.IsOpaque(s) {
		return "", true, false
	}
	return s, true, true
}

// istiodInstalls returns the istiod chart installs of the tree whose values it holds.
func istiodInstalls(m *gitops.Model) []istiodInstall {
	var out []istiodInstall
	for _, ci := range m.Charts {
		if k, ok := gitops.ChartComponent(ci); !ok || k != gitops.Istiod || !ci.ValuesKnown || ci.Namespace == "" {
			continue
		}
		rev, _, ok1 := ztStringValue(ci.Values, istiodChartValue, "revision")
		ns, _, ok2 := ztStringValue(ci.Values, istiodChartValue, "trustedZtunnelNamespace")
		name, _, ok3 := ztStringValue(ci.Values, istiodChartValue, "trustedZtunnelName")
		platform, _, ok4 := ztStringValue(ci.Values, istiodChartValue, "platform")
		if platform == "" {
			platform, _, _ = ztStringValue(ci.Values, istiodChartValue, "global.platform")
		}
		accounts, overridden, ok5 := ztStringValue(ci.Values, istiodChartValue, "env.CA_TRUSTED_NODE_ACCOUNTS")
		in := istiodInstall{ci: ci, revision: rev}
		if tags, ok := istiodChartValue(ci.Values, "revisionTags"); ok {
			if l, ok := tags.([]any); ok {
				for _, t := range l {
					if s, ok := t.(string); ok {
						in.tags = append(in.tags, s)
					}
				}
			}
		}
		if !ok1 || manifest.IsOpaque(ci.Namespace) {
			continue
		}
		switch {
		case !ok5:
		case overridden:
			in.override = true
			in.trustedNS = "-"
			for _, a := range strings.Split(accounts, ",") {
				in.trusted = append(in.trusted, strings.TrimSpace(a))
			}
		case ok2 && ok3 && ok4:
			if ns == "" {
				ns = ci.Namespace
				if platform == "openshift" {
					ns = "kube-system"
				}
			}
			if name == "" {
				name = "ztunnel"
			}
			in.trustedNS, in.trusted = ns, []string{ns + "/" + name}
		}
		out = append(out, in)
	}
	return out
}

func runZtunnelTrustMismatch(p *lint.Pass) error {
	istiods := istiodInstalls(p.Model)
	if len(istiods) == 0 {
		return nil
	}
	for _, ci := range p.Model.Charts {
		if k, ok := gitops.ChartComponent(ci); !ok || k != gitops.Ztunnel || !ci.ValuesKnown || ci.Namespace == "" || manifest.IsOpaque(ci.Namespace) {
			continue
		}
		get := func(m map[string]any, path string) (any, bool) { return gitops.ValueAt(m, path) }
		name, nameSet, ok1 := ztStringValue(ci.Values, get, "resourceName")
		rev, revSet, ok2 := ztStringValue(ci.Values, get, "revision")
		istioNS, nsSet, ok3 := ztStringValue(ci.Values, get, "istioNamespace")
		ca, _, ok4 := ztStringValue(ci.Values, get, "caAddress")
		xds, _, ok5 := ztStringValue(ci.Values, get, "xdsAddress")
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || ca != "" || xds != "" {
			continue
		}
		if name == "" {
			name = "ztunnel"
		}
		if istioNS == "" {
			istioNS = "istio-system"
		}
		var target *istiodInstall
		var inNS []string
		tagOf, tagged := "", false
		for i := range istiods {
			in := &istiods[i]
			if in.ci.Namespace != istioNS {
				continue
			}
			inNS = append(inNS, cmp.Or(in.revision, "default"))
			if in.revision == rev {
				target = in
			}
			if slices.Contains(in.tags, rev) && rev != "" {
				tagOf, tagged = in.revision, true
			}
		}
		if target == nil {
			addr := "istiod"
			if rev != "" {
				addr += "-" + rev
			}
			addr += "." + istioNS + ".svc:15012"
			msg := fmt.Sprintf("ztunnel (%s) reaches istiod at %s (its revision %q and istioNamespace %s), ", chartWhat(ci), addr, rev, istioNS)
			pos := valuePos(ci, "revision")
			switch {
			case tagged:
				fix := fmt.Sprintf("set revision: %s", tagOf)
				if tagOf == "" {
					fix = "remove revision"
				}
				msg += fmt.Sprintf("but %q is a revision tag of istiod revision %s, whose Service is istiod-revision-tag-%s: ztunnel finds no control plane and gets no configuration or certificates; %s, the revision the tag points to", rev, cmp.Or(tagOf, "default"), rev, fix)
			case len(inNS) == 0:
				msg += fmt.Sprintf("but the tree installs no istiod chart in namespace %s: ztunnel finds no control plane and gets no configuration or certificates; set istioNamespace to istiod's namespace", istioNS)
				if nsSet {
					pos = valuePos(ci, "istioNamespace")
				}
			default:
				msg += fmt.Sprintf("but the istiod charts of namespace %s have the revisions %s: ztunnel finds no control plane and gets no configuration or certificates; set revision to one of them", istioNS, strings.Join(inNS, ", "))
			}
			if !revSet && len(inNS) > 0 {
				pos = ci.ValuesPos
			}
			p.Report(lint.Finding{Message: msg, Pos: pos, Object: objectRef(ci.Object),
				Related: istiodRelated(istiods, istioNS)})
			continue
		}
		if target.trustedNS == "" {
			continue // istiod's values cannot be read
		}
		account := ci.Namespace + "/" + name
		if slices.Contains(target.trusted, account) {
			continue
		}
		related := []lint.Related{{Position: target.ci.ValuesPos, Message: fmt.Sprintf("istiod is installed here (%s)", target.what())}}
		switch {
		case target.override:
			related[0].Position = valuePos(target.ci, "env", "CA_TRUSTED_NODE_ACCOUNTS")
			p.Report(lint.Finding{Message: fmt.Sprintf("ztunnel (%s) runs as %s, which istiod's env.CA_TRUSTED_NODE_ACCOUNTS (%s) does not list: istiod refuses its certificate requests, so ambient pods get no certificates and their connections are reset; add %s to it",
				chartWhat(ci), account, strings.Join(target.trusted, ","), account), Pos: ci.Pos, Object: objectRef(ci.Object), Related: related})
		case ci.Namespace != target.trustedNS:
			related[0].Position = valuePos(target.ci, "trustedZtunnelNamespace")
			p.Report(lint.Finding{Message: fmt.Sprintf("ztunnel (%s) is installed in namespace %s, but istiod (%s) trusts ztunnel only in namespace %s (trustedZtunnelNamespace): istiod refuses its certificate requests, so ambient pods get no certificates and their connections are reset; set trustedZtunnelNamespace: %s in istiod's values",
				chartWhat(ci), ci.Namespace, target.what(), target.trustedNS, ci.Namespace), Pos: ci.Pos, Object: objectRef(ci.Object), Related: related})
		default:
			related[0].Position = valuePos(target.ci, "trustedZtunnelName")
			pos := ci.Pos
			if nameSet {
				pos = valuePos(ci, "resourceName")
			}
			trusted := strings.TrimPrefix(target.trusted[0], target.trustedNS+"/")
			p.Report(lint.Finding{Message: fmt.Sprintf("ztunnel (%s) runs as service account %s (resourceName), but istiod (%s) trusts only %s (trustedZtunnelName): istiod refuses its certificate requests, so ambient pods get no certificates and their connections are reset; set trustedZtunnelName: %s in istiod's values",
				chartWhat(ci), name, target.what(), trusted, name), Pos: pos, Object: objectRef(ci.Object), Related: related})
		}
	}
	return nil
}

// istiodRelated points at the istiod installs of namespace ns (all of them when none is there).
func istiodRelated(istiods []istiodInstall, ns string) []lint.Related {
	var out, all []lint.Related
	for _, in := range istiods {
		r := lint.Related{Position: in.ci.ValuesPos, Message: fmt.Sprintf("istiod revision %s is installed in namespace %s here (%s)",
			cmp.Or(in.revision, "default"), in.ci.Namespace, in.what())}
		all = append(all, r)
		if in.ci.Namespace == ns {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return all
	}
	return out
}
