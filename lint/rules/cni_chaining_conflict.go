package rules

import (
	"fmt"
	"strings"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// Calico's kinds that say whether it runs its eBPF data plane and how it load-balances.
const (
	calicoInstallationGK = "operator.tigera.io/Installation"
	felixConfigCRDGK     = "crd.projectcalico.org/FelixConfiguration"
	felixConfigAPIGK     = "projectcalico.org/FelixConfiguration"
)

// CNIChainingConflict is AMB110: the tree installs ambient and a CNI whose settings break
// istio-cni's chaining or ambient's traffic path.
var CNIChainingConflict = &lint.Rule{
	ID:       "AMB110",
	Name:     "cni-chaining-conflict",
	Severity: lint.Error,
	Summary:  "the CNI's settings break istio-cni chaining or ambient's traffic path",
	Doc: `**What.** The repository installs Istio in ambient mode (it enrolls workloads, installs
ztunnel, or installs istiod or istio-cni with the ambient profile) and also installs a CNI whose
settings conflict with it:

- the Cilium chart (` + "`cilium`" + ` from helm.cilium.io) with ` + "`cni.exclusive`" + ` unset or ` + "`true`" + `
  (Cilium's default is ` + "`true`" + `): an error;
- Cilium socket load-balancing, ` + "`socketLB.enabled: true`" + ` or ` + "`kubeProxyReplacement`" + ` ` + "`true`" + `/` + "`strict`" + `
  (which turns it on unless ` + "`socketLB.enabled: false`" + `), without
  ` + "`socketLB.hostNamespaceOnly: true`" + `: a warning;
- Cilium BPF masquerading (` + "`bpf.masquerade: true`" + `) without ` + "`bpf.hostLegacyRouting: true`" + `: a
  warning. BPF masquerading itself works with ambient (Cilium PR #38338); eBPF host routing, which
  Cilium uses only together with BPF masquerading, is what breaks;
- Calico's eBPF data plane (` + "`linuxDataplane: BPF`" + ` in the tigera-operator chart's
  ` + "`installation.calicoNetwork`" + ` or an ` + "`Installation`" + ` resource, or ` + "`bpfEnabled: true`" + ` in a
  FelixConfiguration) while the tree's ` + "`default`" + ` FelixConfiguration (or the chart's
  ` + "`defaultFelixConfiguration`" + ` values) leaves ` + "`bpfConnectTimeLoadBalancing`" + ` at anything but
  ` + "`Disabled`" + ` (Calico's default is ` + "`TCP`" + `): a warning.

The facts are those of Istio's platform prerequisites page (Cilium section), istioctl's own
install validation (` + "`operator/pkg/apis/validation`" + `, which checks the same settings in a live
cluster's ` + "`cilium-config`" + ` ConfigMap and ` + "`default`" + ` FelixConfiguration), Cilium's Istio integration
page and Helm reference (` + "`cni.exclusive`" + ` defaults to ` + "`true`" + `, ` + "`bpf-lb-sock-hostns-only`" + ` to
` + "`false`" + `), and Calico's Istio ambient page (connect-time load balancing is not compatible with
ambient). They hold for Istio 1.22 and later and Cilium 1.14 and later.

The rule reads chart values as the tree holds them; values it cannot read (value files outside
the tree) prove nothing and the rule stays silent. Cilium installed other than through a Helm
chart install of the tree (the Cilium CLI, k3s or RKE2 ` + "`HelmChartConfig`" + `, Talos machine
configuration, a cloud provider's managed Cilium) and Calico without a FelixConfiguration in the
tree are out of its reach.

**Why it breaks a cluster.** With ` + "`cni.exclusive: true`" + ` the Cilium agent renames every other CNI
configuration on the node to ` + "`*.cilium_bak`" + `, istio-cni's plugin among them: new pods start without
ambient redirection, and istio-cni keeps rewriting its configuration against Cilium's. Socket
load-balancing inside pods rewrites a Service address to a backend pod address at ` + "`connect()`" + `,
before ztunnel sees the connection, so Service-addressed traffic bypasses waypoints (and their L7
policy). eBPF host routing drops the replies to kubelet probes, which ambient sends from the
link-local address 169.254.7.127, so probes of enrolled pods fail. Calico's connect-time load
balancing bypasses waypoints the same way.

**Fix.** In the Cilium chart's values set ` + "`cni.exclusive: false`" + ` and, when socket load-balancing
is on, ` + "`socketLB.hostNamespaceOnly: true`" + `; with ` + "`bpf.masquerade: true`" + ` also set
` + "`bpf.hostLegacyRouting: true`" + `. For Calico's eBPF data plane set
` + "`bpfConnectTimeLoadBalancing: Disabled`" + ` in the ` + "`default`" + ` FelixConfiguration.`,
	Kinds: append([]string{calicoInstallationGK, felixConfigCRDGK, felixConfigAPIGK}, chartInstallerGKs...),
	Run:   runCNIChainingConflict,
}

func runCNIChainingConflict(p *lint.Pass) error {
	if p.Model == nil || !treeInstallsAmbient(p) {
		return nil
	}
	for _, ci := range p.Model.Charts {
		if isCiliumChart(ci) {
			checkCilium(p, ci)
		}
	}
	checkCalico(p)
	return nil
}

// treeInstallsAmbient reports whether the tree installs Istio in ambient mode: it enrolls
// workloads, installs ztunnel (which only ambient uses), or installs istiod or istio-cni with
// the ambient profile (AMB107's test of the values).
func treeInstallsAmbient(p *lint.Pass) bool {
	m := p.Model
	if len(m.Enrollments) > 0 || m.Installs(gitops.Ztunnel) {
		return true
	}
	for _, c := range m.Components {
		if c.Chart != nil && (c.Kind == gitops.Istiod || c.Kind == gitops.IstioCNI) &&
			chartAmbient(c.Kind, c.Chart.Values, c.Chart.ValuesKnown) == ambientOn {
			return true
		}
	}
	return false
}

// isCiliumChart reports whether ci installs Cilium's own chart.
func isCiliumChart(ci *gitops.ChartInstall) bool {
	return ci.Chart == "cilium" && strings.Contains(strings.ToLower(ci.RepoURL), "cilium")
}

func checkCilium(p *lint.Pass, ci *gitops.ChartInstall) {
	vals := ci.Values
	what := chartWhat(ci)
	ref := objectRef(ci.Object)

	// cni.exclusive: Cilium's default is true.
	excl, set, ok := chartBool(vals, "cni.exclusive")
	switch {
	case set && ok && excl:
		pos, n := chartValuePos(ci, "cni.exclusive")
		f := lint.Finding{
			Message: fmt.Sprintf("%s sets cni.exclusive: true, so the Cilium agent renames istio-cni's CNI configuration away and new pods start without ambient redirection: set cni.exclusive: false", what),
			Pos:     pos, Object: ref,
		}
		if edit, ok := replaceScalar(ci.Object, n, "false"); ok {
			f.Fixes = []lint.Fix{{Message: "set cni.exclusive to false", Edits: []lint.TextEdit{edit}}}
		}
		p.Report(f)
	case !set && ci.ValuesKnown:
		p.Report(lint.Finding{
			Message: fmt.Sprintf("%s leaves cni.exclusive at its default, true, so the Cilium agent renames istio-cni's CNI configuration away and new pods start without ambient redirection: set cni.exclusive: false", what),
			Pos:     ci.ValuesPos, Object: ref,
		})
	}

	checkCiliumSocketLB(p, ci, what, ref)

	if masq, _, ok := chartBool(vals, "bpf.masquerade"); ok && masq {
		legacy, legacySet, legacyOK := chartBool(vals, "bpf.hostLegacyRouting")
		if !(legacyOK && legacy) && !(legacySet && !legacyOK) && (legacySet || ci.ValuesKnown) {
			pos, _ := chartValuePos(ci, "bpf.masquerade")
			p.Report(lint.Finding{
				Severity: lint.Warning,
				Message:  fmt.Sprintf("%s sets bpf.masquerade: true without bpf.hostLegacyRouting: true, so Cilium's eBPF host routing drops the replies to kubelet probes that ambient sends from 169.254.7.127 and probes of enrolled pods fail: set bpf.hostLegacyRouting: true", what),
				Pos:      pos, Object: ref,
			})
		}
	}
}

// checkCiliumSocketLB reports socket load-balancing inside pods (socketLB.enabled, or
// kubeProxyReplacement turning it on) without socketLB.hostNamespaceOnly: true.
func checkCiliumSocketLB(p *lint.Pass, ci *gitops.ChartInstall, what string, ref manifest.ObjectRef) {
	vals := ci.Values
	hostOnly, hostSet, hostOK := chartBool(vals, "socketLB.hostNamespaceOnly")
	if (hostOK && hostOnly) || (hostSet && !hostOK) || (!hostSet && !ci.ValuesKnown) {
		return // on, opaque, or possibly set where the tree does not show
	}
	sockOn, sockSet, sockOK := chartBool(vals, "socketLB.enabled")
	key, why := "", ""
	switch {
	case sockSet && sockOK && sockOn:
		key, why = "socketLB.enabled", "socketLB.enabled: true"
	case !sockSet:
		if kpr, ok := chartString(vals, "kubeProxyReplacement"); ok {
			switch strings.ToLower(kpr) {
			case "true", "strict":
				key, why = "kubeProxyReplacement", "kubeProxyReplacement: "+kpr+" (which turns on socket load-balancing)"
			}
		}
	}
	if key != "" {
		pos, _ := chartValuePos(ci, key)
		p.Report(lint.Finding{
			Severity: lint.Warning,
			Message:  fmt.Sprintf("%s sets %s without socketLB.hostNamespaceOnly: true, so pods' connections to Services go straight to a backend pod and bypass waypoints: set socketLB.hostNamespaceOnly: true", what, why),
			Pos:      pos, Object: ref,
		})
	}
}

// calicoBPF is where the tree turns on Calico's eBPF data plane.
type calicoBPF struct {
	pos  manifest.Position
	what string
}

func checkCalico(p *lint.Pass) {
	var bpf []calicoBPF
	type felix struct {
		o    *manifest.Object
		ci   *gitops.ChartInstall
		mode string // bpfConnectTimeLoadBalancing, "" when unset
		set  bool
	}
	var felixes []felix
	for _, ci := range p.Model.Charts {
		if ci.Chart != "tigera-operator" {
			continue
		}
		if dp, ok := chartString(ci.Values, "installation.calicoNetwork.linuxDataplane"); ok && strings.EqualFold(dp, "BPF") {
			pos, _ := chartValuePos(ci, "installation.calicoNetwork.linuxDataplane")
			bpf = append(bpf, calicoBPF{pos, chartWhat(ci) + " (installation.calicoNetwork.linuxDataplane: BPF)"})
		}
		if en, _, ok := chartBool(ci.Values, "defaultFelixConfiguration.enabled"); ok && en {
			mode, set := chartString(ci.Values, "defaultFelixConfiguration.bpfConnectTimeLoadBalancing")
			if !set {
				if _, present := gitops.ValueAt(ci.Values, "defaultFelixConfiguration.bpfConnectTimeLoadBalancing"); present || !ci.ValuesKnown {
					continue // opaque, or possibly set outside the tree
				}
			}
			felixes = append(felixes, felix{ci: ci, mode: mode, set: set})
		}
	}
	for _, o := range p.Inventory.Kind(calicoInstallationGK) {
		if n := o.Lookup("spec", "calicoNetwork", "linuxDataplane"); n != nil && strings.EqualFold(n.Value, "BPF") {
			bpf = append(bpf, calicoBPF{o.Pos("spec", "calicoNetwork", "linuxDataplane"), o.Ref.Kind + " " + o.Ref.Name + " (linuxDataplane: BPF)"})
		}
	}
	for _, gk := range []string{felixConfigCRDGK, felixConfigAPIGK} {
		for _, o := range p.Inventory.Kind(gk) {
			if n := o.Lookup("spec", "bpfEnabled"); n != nil && strings.EqualFold(n.Value, "true") {
				bpf = append(bpf, calicoBPF{o.Pos("spec", "bpfEnabled"), o.Ref.Kind + " " + o.Ref.Name + " (bpfEnabled: true)"})
			}
			if o.Ref.Name != "default" {
				continue
			}
			f := felix{o: o}
			if n := o.Lookup("spec", "bpfConnectTimeLoadBalancing"); n != nil {
				if manifest.IsOpaque(n.Value) {
					continue
				}
				f.mode, f.set = n.Value, true
			} else if n := o.Lookup("spec", "bpfConnectTimeLoadBalancingEnabled"); n != nil {
				// The older boolean form.
				if b, ok := anyBool(n.Value); ok {
					f.set = true
					f.mode = "Disabled"
					if b {
						f.mode = "Enabled"
					}
				} else {
					continue
				}
			}
			felixes = append(felixes, f)
		}
	}
	if len(bpf) == 0 {
		return
	}
	related := []lint.Related{{Position: bpf[0].pos, Message: bpf[0].what + " runs Calico's eBPF data plane"}}
	for _, f := range felixes {
		if f.set && strings.EqualFold(f.mode, "Disabled") {
			continue
		}
		state := "leaves bpfConnectTimeLoadBalancing at its default, TCP,"
		if f.set {
			state = "sets bpfConnectTimeLoadBalancing: " + f.mode
		}
		var pos manifest.Position
		var what string
		var ref manifest.ObjectRef
		if f.o != nil {
			pos, what, ref = f.o.Pos("spec", "bpfConnectTimeLoadBalancing"), f.o.Ref.Kind+" "+f.o.Ref.Name, f.o.Ref // cluster-scoped
		} else {
			pos, _ = chartValuePos(f.ci, "defaultFelixConfiguration.bpfConnectTimeLoadBalancing")
			what, ref = "the defaultFelixConfiguration of "+chartWhat(f.ci), objectRef(f.ci.Object)
		}
		p.Report(lint.Finding{
			Severity: lint.Warning,
			Message:  fmt.Sprintf("%s %s with Calico's eBPF data plane, so pods' connections to Services go straight to a backend pod and bypass waypoints: set bpfConnectTimeLoadBalancing: Disabled", what, state),
			Pos:      pos, Object: ref, Related: related,
		})
	}
}
