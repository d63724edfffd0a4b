package gen

import (
	"fmt"
	"go/constant"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// platformFacts adds to f the facts of the twins of AMB110 (cni) and AMB211
// (waypoint_identity), read from lint/rules' source with go/types: the constants the rules
// name, and the strings their functions test values against. A string the twin needs that
// the function no longer spells fails the generation, so a change of the Go rule cannot leave
// the bundle stale.
func platformFacts(dir string, f map[string]any) error {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo, Dir: dir}
	pkgs, err := packages.Load(cfg, "github.com/ambientkit/ambientkit/lint/rules")
	if err != nil {
		return err
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		return fmt.Errorf("lint/rules: %v", pkgs[0].Errors)
	}
	r := ruleSource{pkg: pkgs[0]}

	// AMB211: the istiod setting, the Gateway annotation, and the trust domain that
	// waypointIdentities falls back to (its first string constant).
	defaults := r.strings("waypointIdentities")
	f["waypoint_identity"] = map[string]any{
		"auto_allow_env":             r.constant("autoAllowWaypointEnv"),
		"service_account_annotation": r.constant("gatewaySAAnnotation"),
		"default_trust_domain":       first(defaults),
	}

	// AMB110: the Cilium chart (isCiliumChart's chart name and repository substring), the
	// chart values checkCilium and checkCiliumSocketLB read, the kubeProxyReplacement values
	// that turn socket load-balancing on; Calico's kinds and the tigera-operator chart.
	cilium := r.strings("isCiliumChart")
	f["cni"] = map[string]any{
		"cilium_chart":         first(cilium),
		"cilium_repo":          cilium[len(cilium)-1:][0],
		"cilium_keys":          r.need("checkCilium", "cni.exclusive", "bpf.masquerade", "bpf.hostLegacyRouting"),
		"socket_lb_keys":       r.need("checkCiliumSocketLB", "socketLB.hostNamespaceOnly", "socketLB.enabled", "kubeProxyReplacement"),
		"socket_lb_kpr_values": r.need("checkCiliumSocketLB", "true", "strict"),
		"calico_installation":  r.constant("calicoInstallationGK"),
		"felix_configurations": []string{r.constant("felixConfigCRDGK"), r.constant("felixConfigAPIGK")},
		"calico_chart":         first(r.strings("checkCalico")),
		"calico_keys": r.need("checkCalico", "installation.calicoNetwork.linuxDataplane", "defaultFelixConfiguration.enabled",
			"defaultFelixConfiguration.bpfConnectTimeLoadBalancing"),
		"felix_default_name": r.need("checkCalico", "default")[0],
	}
	return r.err
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// ruleSource reads lint/rules' source, keeping the first error.
type ruleSource struct {
	pkg *packages.Package
	err error
}

func (r *ruleSource) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// constant returns the string constant name.
func (r *ruleSource) constant(name string) string {
	c, ok := r.pkg.Types.Scope().Lookup(name).(*types.Const)
	if !ok || c.Val().Kind() != constant.String {
		r.fail(fmt.Errorf("lint/rules.%s: no such string constant", name))
		return ""
	}
	return constant.StringVal(c.Val())
}

// strings returns the string constants function fn spells, in source order.
func (r *ruleSource) strings(fn string) []string {
	out, err := funcStrings(r.pkg, fn)
	if err != nil {
		r.fail(err)
		return []string{""}
	}
	return out
}

// need returns want, failing when function fn does not spell each of them.
func (r *ruleSource) need(fn string, want ...string) []string {
	have := r.strings(fn)
	for _, s := range want {
		if !slices.Contains(have, s) {
			r.fail(fmt.Errorf("lint/rules.%s no longer tests %q (its strings: %s)", fn, s, strings.Join(have, ", ")))
		}
	}
	return want
}
