# Unit tests of package ambientlint.egress (AMB301, AMB302, AMB303).
package ambientlint.egress_test

import rego.v1

import data.ambientlint.egress

_se(spec) := {"apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry", "metadata": {"name": "se", "namespace": "shop"}, "spec": spec}

_rules(set) := {[r.rule, r.path] | some r in set}

test_wildcard_host if {
	_rules(egress.deny) == {["AMB301", ["spec", "hosts", 1]]} with input as _se({"hosts": ["a.example.com", "*.example.com"], "resolution": "NONE"})
}

test_wildcard_allowed_by_config if {
	count(egress.deny) == 0 with input as _se({"hosts": ["*.example.com"]})
		with data.ambientlint.config.egress.allowWildcards as ["*.example.com"]
}

test_invalid_service_entry if {
	se := _se({"hosts": ["a.example.com", "b.example.com"], "resolution": "DNS", "ports": [
		{"number": 443, "name": "tls", "protocol": "TLS"},
		{"number": 443, "name": "tls", "protocol": "QUIC"},
	]})
	_rules(egress.deny) == {
		["AMB302", ["spec", "ports", 1, "name"]],
		["AMB302", ["spec", "ports", 1, "number"]],
		["AMB302", ["spec", "ports", 1, "protocol"]],
		# an unknown protocol is neither HTTP nor TLS: the two hosts cannot be told apart
		["AMB302", ["spec", "ports", 1]],
	} with input as se
}

test_dns_wildcard_without_endpoints if {
	_rules(egress.deny) == {["AMB301", ["spec", "hosts", 0]], ["AMB302", ["spec", "resolution"]]} with input as _se({"hosts": ["*.example.com"], "resolution": "DNS"})
}

test_misplaced_wildcard_and_cidr if {
	_rules(egress.deny) == {["AMB302", ["spec", "hosts", 0]], ["AMB302", ["spec", "addresses", 0]]} with input as _se({"hosts": ["api.*.example.com"], "addresses": ["10.0.0.0/8"], "resolution": "DNS", "endpoints": [{"address": "10.0.0.1"}]})
}

_deploy(url) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
	"spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "env": [{"name": "URL", "value": url}]}]}}},
}

_ambient_ns := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"istio.io/dataplane-mode": "ambient"}}}

_combined(objs) := [{"path": "tree.yaml", "contents": o} | some o in objs]

test_unclassified_egress if {
	_rules(egress.warn) == {["AMB303", ["spec", "template", "spec", "containers", 0, "env", 0, "value"]]} with input as _combined([_ambient_ns, _deploy("https://user@api.vendor.example:8443/x")])
}

test_covered_and_internal_hosts_pass if {
	tree := _combined([
		_ambient_ns, _deploy("https://api.vendor.example/x http://cart.shop.svc.cluster.local http://10.0.0.1 http://cart.shop"),
		_se({"hosts": ["*.vendor.example"], "resolution": "NONE"}),
		{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "cart", "namespace": "shop"}},
	])
	count(egress.warn) == 0 with input as tree
}

test_unclassified_egress_is_silent_per_document if {
	count(egress.warn) == 0 with input as _deploy("https://api.vendor.example")
}

_cm(values) := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "shop"}, "data": values}

# In-cluster names, hosts under TLDs that are not public, the tree's own hostnames, browser
# links and comment lines are not egress; a host under a public TLD beside them still is.
test_unclassified_egress_judges_the_host if {
	tree := _combined([
		_ambient_ns,
		{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "monitoring"}},
		{"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r", "namespace": "shop"}, "spec": {"hostnames": ["shop.apps.example.net"]}},
		_cm({
			"GRAFANA": "http://grafana.monitoring:3000",
			"PROXY": "http://corporate.proxy:3128",
			"NAS": "http://nas.lan",
			"SELF": "https://shop.apps.example.net/x",
			"PUBLIC_URL": "https://docs.vendor.example",
			"config.ini": "# see https://docs.vendor.example\nroot_url = https://grafana.vendor.example\napi = https://api.vendor.com/v1\n",
			"MEDIA": "http://s3.media:9000",
		}),
	])
	ws := egress.warn with input as tree
	{[r.path, object.get(r, "value_line", 0)] | some r in ws} == {[["data", "MEDIA"], 0], [["data", "config.ini"], 3]}
}
