# Unit tests of package ambientlint.waypoint (AMB203, AMB204, AMB206, AMB207).
package ambientlint.waypoint_test

import rego.v1

import data.ambientlint.waypoint

_combined(objs) := [{"path": "tree.yaml", "contents": o} | some o in objs]

_rules(set) := {[r.rule, r.path] | some r in set}

_svc(ns, name, labels) := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns, "labels": labels}}

_gw(ns, name, labels, listeners) := {
	"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
	"metadata": {"name": name, "namespace": ns, "labels": labels},
	"spec": {"gatewayClassName": "istio-waypoint", "listeners": listeners},
}

_hbone := [{"name": "mesh", "port": 15008, "protocol": "HBONE"}]

test_waypoint_not_found if {
	tree := _combined([_svc("shop", "api", {"istio.io/use-waypoint": "wp"}), _gw("shop", "other", {}, _hbone)])
	_rules(waypoint.deny) == {["AMB203", ["metadata", "labels", "istio.io/use-waypoint"]]} with input as tree
}

test_binding_stays_silent_per_document if {
	count(waypoint.deny) == 0 with input as _svc("shop", "api", {"istio.io/use-waypoint": "wp"})
}

test_none_opts_out if {
	count(waypoint.deny) == 0 with input as _combined([_svc("shop", "api", {"istio.io/use-waypoint": "none"})])
}

test_namespace_deployed_elsewhere_is_not_judged if {
	app := {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "a"}, "spec": {"destination": {"namespace": "shop"}}}
	count(waypoint.deny) == 0 with input as _combined([_svc("shop", "api", {"istio.io/use-waypoint": "wp"}), app])
}

test_traffic_mismatch if {
	tree := _combined([
		_svc("shop", "api", {"istio.io/use-waypoint": "wp"}),
		_gw("shop", "wp", {"istio.io/waypoint-for": "workload"}, _hbone),
	])
	_rules(waypoint.deny) == {["AMB204", ["metadata", "labels", "istio.io/use-waypoint"]]} with input as tree
}

test_traffic_all_serves_services if {
	tree := _combined([_svc("shop", "api", {"istio.io/use-waypoint": "wp"}), _gw("shop", "wp", {"istio.io/waypoint-for": "all"}, _hbone)])
	count(waypoint.deny) == 0 with input as tree
}

test_malformed_waypoint_listener if {
	gw := _gw("shop", "wp", {}, [{"name": "mesh", "port": 15008, "protocol": "HTTP"}])
	_rules(waypoint.deny) == {["AMB206", ["spec", "listeners", 0, "protocol"]]} with input as gw
}

test_malformed_waypoint_name_and_selector if {
	gw := _gw("shop", "none", {}, [{"name": "mesh", "port": 15008, "protocol": "HBONE", "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchExpressions": [{"key": "a", "operator": "In"}]}}}}])
	_rules(waypoint.deny) == {
		["AMB206", ["metadata", "name"]],
		["AMB206", ["spec", "listeners", 0, "allowedRoutes", "namespaces", "selector"]],
	} with input as gw
}

_policy(spec) := {"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy", "metadata": {"name": "p", "namespace": "shop"}, "spec": spec}

test_l7_policy_on_ambient_namespace if {
	ns := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"istio.io/dataplane-mode": "ambient"}}}
	p := _policy({"rules": [{"to": [{"operation": {"methods": ["GET"]}}], "when": [{"key": "request.auth.claims[iss]"}]}]})
	_rules(waypoint.deny) == {["AMB207", ["spec", "rules", 0, "to", 0, "operation", "methods"]]} with input as _combined([ns, p])
}

test_l4_policy_passes if {
	ns := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"istio.io/dataplane-mode": "ambient"}}}
	p := _policy({"rules": [{"when": [{"key": "source.namespace", "values": ["a"]}]}]})
	count(waypoint.deny) == 0 with input as _combined([ns, p])
}

_deny_policy(ns) := {
	"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy", "metadata": {"name": "p", "namespace": ns},
	"spec": {"action": "DENY", "rules": [{"from": [{"source": {"notRequestPrincipals": ["*"]}}]}]},
}

# The root namespace is the one the istiod chart's values set, not istio-system.
test_l7_policy_in_the_charts_root_namespace if {
	tree := _combined([
		{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "istiod", "namespace": "argocd"}, "spec": {
			"source": {"repoURL": "https://istio-release.storage.googleapis.com/charts", "chart": "istiod", "helm": {"values": "meshConfig:\n  rootNamespace: mesh-root\n"}},
			"destination": {"namespace": "istio-system"},
		}},
		{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"istio.io/dataplane-mode": "ambient"}}},
		{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}, "spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": {}}}},
		_deny_policy("mesh-root"),
		_deny_policy("istio-system"),
	])
	{r.msg | some r in waypoint.deny; r.rule == "AMB207"; r.doc == 3; contains(r.msg, "root namespace mesh-root")} != set() with input as tree
	{r | some r in waypoint.deny; r.rule == "AMB207"; r.doc == 4} == set() with input as tree
}
