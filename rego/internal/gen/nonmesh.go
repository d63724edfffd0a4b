package gen

import (
	"fmt"
	"go/constant"
	"go/types"

	"golang.org/x/tools/go/packages"
)

// nonMeshFacts adds to f the constants of lint/rules that AMB209 and AMB210 keep unexported,
// read with go/types: the kinds they read ("group/Kind"), the port the API server calls when a
// service reference names none, and istio-cni's probe SNAT addresses, the environment
// variables of its DaemonSet that change them and the chart value that turns them off.
func nonMeshFacts(dir string, f map[string]any) error {
	const rules = "github.com/ambientkit/ambientkit/lint/rules"
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo, Dir: dir}
	pkgs, err := packages.Load(cfg, rules)
	if err != nil {
		return err
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 || pkgs[0].Types == nil {
		return fmt.Errorf("%s: not loaded", rules)
	}
	scope := pkgs[0].Types.Scope()
	var errs []error
	str := func(name string) string {
		c, ok := scope.Lookup(name).(*types.Const)
		if !ok || c.Val().Kind() != constant.String {
			errs = append(errs, fmt.Errorf("lint/rules.%s: no such string constant", name))
			return ""
		}
		return constant.StringVal(c.Val())
	}
	num := func(name string) int64 {
		c, ok := scope.Lookup(name).(*types.Const)
		var v int64
		if ok {
			v, ok = constant.Int64Val(c.Val())
		}
		if !ok {
			errs = append(errs, fmt.Errorf("lint/rules.%s: no such integer constant", name))
		}
		return v
	}
	f["api_callers"] = map[string]any{
		"peer_authentication": str("peerAuthenticationGK"),
		"validating_webhook":  str("validatingWebhookGK"),
		"mutating_webhook":    str("mutatingWebhookGK"),
		"api_service":         str("apiServiceGK"),
		"crd":                 str("crdConversionGK"),
		"default_port":        num("apiServerDefaultSvcPort"),
	}
	f["hbone"] = map[string]any{
		"network_policy":        str("networkPolicyGK"),
		"cilium_policy":         str("ciliumNetworkPolicyGK"),
		"cilium_cluster_policy": str("ciliumClusterPolicyGK"),
		"probe_snat_ipv4":       str("hboneProbeSNATIPv4"),
		"probe_snat_ipv6":       str("hboneProbeSNATIPv6"),
		"probe_snat_env":        str("hboneProbeSNATEnv"),
		"probe_snat_env_ipv6":   str("hboneProbeSNATEnvIPv6"),
		"probe_host_ip_value":   str("hboneProbeHostIPValues"),
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}
