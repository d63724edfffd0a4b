# Unit tests of AMB110's twin (cni_chaining_conflict.rego).
package ambientlint.platform_test

import rego.v1

import data.ambientlint.platform

_combined(objs) := [{"path": "tree.yaml", "contents": o} | some o in objs]

_ambient := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"istio.io/dataplane-mode": "ambient"}}}

_cilium(helm) := {
	"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "cilium", "namespace": "argocd"},
	"spec": {"source": {"repoURL": "https://helm.cilium.io/", "chart": "cilium", "helm": helm}},
}

_results(tree) := s if {
	found := platform.deny | platform.warn with input as tree
	s := {[r.rule, r.severity, r.path] | some r in found}
}

test_exclusive_left_at_its_default if {
	tree := _combined([_ambient, _cilium({"valuesObject": {"cni": {"exclusive": false}}}), _cilium({"valuesObject": {"ipam": {"mode": "kubernetes"}}})])
	_results(tree) == {["AMB110", "error", ["spec", "source", "helm", "valuesObject"]]}
}

test_exclusive_true_in_a_parameter if {
	tree := _combined([_ambient, _cilium({"parameters": [{"name": "cni.exclusive", "value": "true"}]})])
	_results(tree) == {["AMB110", "error", ["spec", "source", "helm", "parameters", 0, "value"]]}
}

test_socket_lb_and_masquerade_are_warnings if {
	values := {"cni": {"exclusive": false}, "kubeProxyReplacement": "strict", "bpf": {"masquerade": true}}
	_results(_combined([_ambient, _cilium({"valuesObject": values})])) == {
		["AMB110", "warning", ["spec", "source", "helm", "valuesObject", "kubeProxyReplacement"]],
		["AMB110", "warning", ["spec", "source", "helm", "valuesObject", "bpf", "masquerade"]],
	}
	fixed := object.union(values, {"socketLB": {"hostNamespaceOnly": true}, "bpf": {"masquerade": true, "hostLegacyRouting": true}})
	_results(_combined([_ambient, _cilium({"valuesObject": fixed})])) == set()
}

test_values_in_text if {
	tree := _combined([_ambient, _cilium({"values": "cni:\n  exclusive: false\nsocketLB:\n  enabled: true\n"})])
	some r in platform.warn with input as tree
	r.path == ["spec", "source", "helm", "values"]
	r.value_line == 4
}

test_value_files_leave_defaults_unknown if {
	tree := _combined([_ambient, _cilium({"valueFiles": ["$values/cilium.yaml"], "valuesObject": {"kubeProxyReplacement": true}})])
	_results(tree) == set()
}

test_no_ambient_no_finding if {
	_results(_combined([_cilium({})])) == set()
}

test_silent_per_document if {
	_results(_cilium({})) == set()
}

test_calico_connect_time_load_balancing if {
	install := {"apiVersion": "operator.tigera.io/v1", "kind": "Installation", "metadata": {"name": "default"}, "spec": {"calicoNetwork": {"linuxDataplane": "BPF"}}}
	_results(_combined([_ambient, install, _felix({})])) == {["AMB110", "warning", ["spec", "bpfConnectTimeLoadBalancing"]]}
	_results(_combined([_ambient, install, _felix({"bpfConnectTimeLoadBalancing": "Disabled"})])) == set()
	_results(_combined([_ambient, _felix({})])) == set()
}

_felix(spec) := {"apiVersion": "projectcalico.org/v3", "kind": "FelixConfiguration", "metadata": {"name": "default"}, "spec": spec}
