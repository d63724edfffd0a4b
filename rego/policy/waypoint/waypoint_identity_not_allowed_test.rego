# Unit tests of AMB211's twin (waypoint_identity_not_allowed.rego).
package ambientlint.waypoint_identity_test

import rego.v1

import data.ambientlint.waypoint

_combined(objs) := [{"path": "tree.yaml", "contents": o} | some o in objs]

_amb211(set) := {[r.doc, r.path] | some r in set; r.rule == "AMB211"}

_ns := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"istio.io/dataplane-mode": "ambient"}}}

_gw(annotations) := {
	"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
	"metadata": {"name": "waypoint", "namespace": "shop", "annotations": annotations},
	"spec": {"gatewayClassName": "istio-waypoint", "listeners": [{"name": "mesh", "port": 15008, "protocol": "HBONE"}]},
}

_deploy := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "api", "image": "api:1"}]}}},
}

_svc := {
	"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "namespace": "shop", "labels": {"istio.io/use-waypoint": "waypoint"}},
	"spec": {"selector": {"app": "api"}},
}

_policy(principals) := {
	"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy", "metadata": {"name": "api", "namespace": "shop"},
	"spec": {"selector": {"matchLabels": {"app": "api"}}, "rules": [{"from": [{"source": {"principals": principals}}]}]},
}

_istiod(values) := {
	"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "istiod", "namespace": "argocd"},
	"spec": {"source": {"repoURL": "https://istio-release.storage.googleapis.com/charts", "chart": "istiod", "helm": {"valuesObject": values}}},
}

_principals := ["spec", "rules", 0, "from", 0, "source", "principals"]

test_waypoint_left_out if {
	tree := _combined([_ns, _gw({}), _deploy, _svc, _policy(["cluster.local/ns/shop/sa/frontend"])])
	_amb211(waypoint.deny) == {[4, _principals]} with input as tree
	some r in waypoint.deny with input as tree
	r.rule == "AMB211"
	contains(r.msg, "identity <trust domain>/ns/shop/sa/waypoint no rule admits")
}

test_waypoint_listed_with_the_trust_domain_of_istiod if {
	tree := _combined([_istiod({"meshConfig": {"trustDomain": "corp.example"}}), _ns, _gw({}), _deploy, _svc, _policy(["corp.example/ns/shop/sa/waypoint"])])
	_amb211(waypoint.deny) == set() with input as tree
}

test_trust_domain_of_istiod_is_the_one_asked_for if {
	tree := _combined([_istiod({"meshConfig": {"trustDomain": "corp.example"}}), _ns, _gw({}), _deploy, _svc, _policy(["cluster.local/ns/shop/sa/waypoint"])])
	_amb211(waypoint.deny) == {[5, _principals]} with input as tree
}

test_service_account_annotation if {
	tree := _combined([_ns, _gw({"gateway.istio.io/service-account": "wp-sa"}), _deploy, _svc, _policy(["cluster.local/ns/shop/sa/waypoint"])])
	_amb211(waypoint.deny) == {[4, _principals]} with input as tree
	tree2 := _combined([_ns, _gw({"gateway.istio.io/service-account": "wp-sa"}), _deploy, _svc, _policy(["*/ns/shop/sa/wp-sa"])])
	_amb211(waypoint.deny) == set() with input as tree2
}

test_istiod_allows_waypoints_itself if {
	tree := _combined([_istiod({"pilot": {"env": {"PILOT_AUTO_ALLOW_WAYPOINT_POLICY": "true"}}}), _ns, _gw({}), _deploy, _svc, _policy(["cluster.local/ns/shop/sa/frontend"])])
	_amb211(waypoint.deny) == set() with input as tree
}

test_values_outside_the_input_may_allow_waypoints if {
	app := json.patch(_istiod({}), [{"op": "add", "path": "/spec/source/helm/valueFiles", "value": ["$values/istiod.yaml"]}])
	tree := _combined([app, _ns, _gw({}), _deploy, _svc, _policy(["cluster.local/ns/shop/sa/frontend"])])
	_amb211(waypoint.deny) == set() with input as tree
}

test_silent_per_document_about_waypoints if {
	count(waypoint.deny) == 0 with input as _policy(["cluster.local/ns/shop/sa/frontend"])
}

test_spiffe_prefix_per_document if {
	{r.path | some r in waypoint.deny; r.rule == "AMB211"} == {array.concat(_principals, [1])} with input as _policy(["a/ns/b/sa/c", "spiffe://cluster.local/ns/shop/sa/frontend"])
}

test_principal_patterns if {
	waypoint.principal_matches("*", "x")
	waypoint.principal_matches("*/sa/waypoint", "cluster.local/ns/shop/sa/waypoint")
	waypoint.principal_matches("cluster.local/ns/shop/*", "cluster.local/ns/shop/sa/waypoint")
	not waypoint.principal_matches("cluster.local/ns/shop/sa/api", "cluster.local/ns/shop/sa/waypoint")
}
