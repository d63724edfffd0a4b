# Unit tests of AMB209 networkpolicy-blocks-hbone (package ambientlint.waypoint).
package ambientlint.waypoint_hbone_test

import rego.v1

import data.ambientlint.waypoint

_tree(objs) := [{"path": "tree.yaml", "contents": o} | some o in objs]

_found(tree) := found if {
	found := {[r.severity, r.doc, r.path] | some r in array.concat([r | some r in waypoint.deny], [r | some r in waypoint.warn]); r.rule == "AMB209"} with input as tree
}

_ns := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"istio.io/dataplane-mode": "ambient"}}}

_web := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
	"spec": {"template": {
		"metadata": {"labels": {"app": "web"}},
		"spec": {"containers": [{"name": "web", "readinessProbe": {"httpGet": {"path": "/", "port": 8080}}}]},
	}},
}

_np(name, ingress) := {
	"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": name, "namespace": "shop"},
	"spec": {"podSelector": {"matchLabels": {"app": "web"}}, "ingress": ingress},
}

_from_web := [{"podSelector": {"matchLabels": {"app": "web"}}}]

test_app_port_only_drops_hbone if {
	_found(_tree([_ns, _web, _np("web", [{"ports": [{"port": 8080}]}])])) == {["error", 2, ["spec", "ingress", 0, "ports"]]}
}

test_hbone_range_admits if {
	_found(_tree([_ns, _web, _np("web", [{"ports": [{"port": 8080}, {"port": 15000, "endPort": 15010}]}])])) == set()
}

test_restricted_sources_drop_probes if {
	np := _np("web", [{"from": _from_web, "ports": [{"port": 8080}, {"port": 15008}]}])
	_found(_tree([_ns, _web, np])) == {["warning", 2, ["spec", "ingress", 0, "from"]]}
}

test_probe_address_admitted if {
	np := _np("web", [{"from": array.concat(_from_web, [{"ipBlock": {"cidr": "169.254.7.127/32"}}]), "ports": [{"port": 8080}, {"port": 15008}]}])
	_found(_tree([_ns, _web, np])) == set()
}

test_deny_all_beside_a_rule_to_fix if {
	deny_all := {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": "shop"}, "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
	_found(_tree([_ns, _web, deny_all, _np("web", [{"ports": [{"port": 8080}]}])])) == {["error", 3, ["spec", "ingress", 0, "ports"]]}
}

test_cilium_policy_in_the_namespace_silences if {
	cnp := {"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy", "metadata": {"name": "c", "namespace": "shop"}, "spec": {}}
	_found(_tree([_ns, _web, cnp, _np("web", [{"ports": [{"port": 8080}]}])])) == set()
}

test_not_ambient if {
	plain := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}
	_found(_tree([plain, _web, _np("web", [{"ports": [{"port": 8080}]}])])) == set()
}

test_silent_per_document if {
	_found(_np("web", [{"ports": [{"port": 8080}]}])) == set()
}
