# Unit tests of package ambientlint.exposure (AMB401, AMB402), chart values included.
package ambientlint.exposure_test

import rego.v1

import data.ambientlint.exposure

_rules(set) := {[r.rule, r.path] | some r in set}

_combined(objs) := [{"path": "tree.yaml", "contents": o} | some o in objs]

test_kiali_service_exposed if {
	svc := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kiali", "namespace": "istio-system"}, "spec": {"type": "NodePort"}}
	_rules(exposure.deny) == {["AMB401", ["spec", "type"]]} with input as svc
}

test_argo_values_string_anonymous_and_exposed if {
	app := {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "kiali", "namespace": "argocd"}, "spec": {
		"destination": {"namespace": "kiali"},
		"source": {"chart": "kiali-server", "helm": {"values": "auth:\n  strategy: anonymous\ndeployment:\n  service_type: LoadBalancer\n"}},
	}}
	_rules(exposure.deny) == {["AMB401", ["spec", "source", "helm", "values"]]} with input as app
	_rules(exposure.warn) == {["AMB402", ["spec", "source", "helm", "values"]]} with input as app
	some r in exposure.deny with input as app
	contains(r.msg, "anyone can reach the mesh's control plane without credentials")
}

test_flux_values_anonymous if {
	hr := {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "metadata": {"name": "kiali", "namespace": "obs"}, "spec": {
		"chart": {"spec": {"chart": "kiali-operator"}},
		"values": {"cr": {"create": true, "spec": {"auth": {"strategy": "anonymous"}}}},
	}}
	_rules(exposure.warn) == {["AMB402", ["spec", "values", "cr", "spec", "auth", "strategy"]]} with input as hr
}

test_route_to_kiali_needs_combine if {
	svc := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kiali", "namespace": "istio-system"}, "spec": {}}
	route := {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "k", "namespace": "istio-system"}, "spec": {
		"parentRefs": [{"name": "public", "namespace": "gateways"}],
		"rules": [{"backendRefs": [{"name": "kiali", "port": 20001}]}],
	}}
	count(exposure.deny) == 0 with input as route
	_rules(exposure.deny) == {["AMB401", ["spec", "rules", 0, "backendRefs", 0, "name"]]} with input as _combined([svc, route])
}

test_route_through_waypoint_is_internal if {
	svc := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kiali", "namespace": "istio-system"}, "spec": {}}
	wp := {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "wp", "namespace": "istio-system"}, "spec": {"gatewayClassName": "istio-waypoint"}}
	route := {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "k", "namespace": "istio-system"}, "spec": {
		"parentRefs": [{"name": "wp"}],
		"rules": [{"backendRefs": [{"name": "kiali"}]}],
	}}
	count(exposure.deny) == 0 with input as _combined([svc, wp, route])
}
