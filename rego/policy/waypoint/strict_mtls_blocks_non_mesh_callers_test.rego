# Unit tests of AMB210 strict-mtls-blocks-non-mesh-callers (package ambientlint.waypoint).
package ambientlint.waypoint_mtls_test

import rego.v1

import data.ambientlint.waypoint

_tree(objs) := [{"path": "tree.yaml", "contents": o} | some o in objs]

_found(tree) := found if {
	found := {[r.doc, r.path] | some r in waypoint.deny; r.rule == "AMB210"} with input as tree
}

_ns := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "hooks", "labels": {"istio.io/dataplane-mode": "ambient"}}}

_deploy := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "hook", "namespace": "hooks"},
	"spec": {"template": {
		"metadata": {"labels": {"app": "hook"}},
		"spec": {"containers": [{"name": "hook", "ports": [{"name": "https", "containerPort": 9443}]}]},
	}},
}

_svc := {
	"apiVersion": "v1", "kind": "Service", "metadata": {"name": "hook", "namespace": "hooks"},
	"spec": {"selector": {"app": "hook"}, "ports": [{"port": 443, "targetPort": "https"}]},
}

_webhook := {
	"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration", "metadata": {"name": "hook"},
	"webhooks": [{"name": "hook.example.com", "clientConfig": {"service": {"namespace": "hooks", "name": "hook"}}}],
}

_pa(ns, spec) := {"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication", "metadata": {"name": "default", "namespace": ns}, "spec": spec}

_strict := {"mtls": {"mode": "STRICT"}}

test_mesh_wide_strict_in_front_of_a_webhook if {
	_found(_tree([_pa("istio-system", _strict), _ns, _deploy, _svc, _webhook])) == {[0, ["spec", "mtls", "mode"]]}
}

test_message_names_the_container_port if {
	tree := _tree([_pa("hooks", _strict), _ns, _deploy, _svc, _webhook])
	some r in waypoint.deny with input as tree
	r.rule == "AMB210"
	contains(r.msg, "for namespace hooks")
	contains(r.msg, "portLevelMtls 9443 (the container port, not the Service port 443)")
}

test_workload_port_exemption if {
	exempt := _pa("hooks", {"selector": {"matchLabels": {"app": "hook"}}, "portLevelMtls": {"9443": {"mode": "PERMISSIVE"}}})
	_found(_tree([_pa("istio-system", _strict), exempt, _ns, _deploy, _svc, _webhook])) == set()
}

test_service_port_exemption_does_not_help if {
	exempt := _pa("hooks", {"selector": {"matchLabels": {"app": "hook"}}, "portLevelMtls": {"443": {"mode": "PERMISSIVE"}}})
	_found(_tree([_pa("istio-system", _strict), exempt, _ns, _deploy, _svc, _webhook])) == {[0, ["spec", "mtls", "mode"]]}
}

test_namespace_permissive_wins_over_the_mesh if {
	_found(_tree([_pa("istio-system", _strict), _pa("hooks", {"mtls": {"mode": "PERMISSIVE"}}), _ns, _deploy, _svc, _webhook])) == set()
}

test_two_policies_at_one_level_are_not_judged if {
	_found(_tree([_pa("hooks", _strict), _pa("hooks", _strict), _ns, _deploy, _svc, _webhook])) == set()
}

test_pods_outside_ambient_are_not_judged if {
	plain := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "hooks"}}
	_found(_tree([_pa("istio-system", _strict), plain, _deploy, _svc, _webhook])) == set()
}

test_silent_per_document if {
	count({r | some r in waypoint.deny; r.rule == "AMB210"}) == 0 with input as _pa("istio-system", _strict)
}
