# AMB209 networkpolicy-blocks-hbone: a Kubernetes NetworkPolicy with an Ingress side whose
# podSelector selects ambient pods (workloads whose mode, hbone_workload_mode, is ambient; or,
# when no workload of the tree matches, the pods of a namespace enrolled as a whole). The
# policies that select the same pods are judged together, as NetworkPolicies add up:
# - error, at the rule's ports, when no ingress rule of any of them admits TCP 15008 (HBONE); a
#   policy without ingress rules denies all ingress and is reported, at its ingress,
#   policyTypes or podSelector, only when no policy selecting the same pods has a rule to fix;
# - warning, at the rule's from, when the pods run HTTP, TCP or gRPC probes and no rule admits
#   istio-cni's probe address (169.254.7.127, or its DaemonSet's HOST_PROBE_SNAT_IP) from an
#   ipBlock, nor every source.
# Quiet for the pods of Gateway API gateways, for values a template fills in later, in a
# namespace with a CiliumNetworkPolicy (or a tree with a CiliumClusterwideNetworkPolicy), and,
# for probes, when the istio-cni chart sets useHostIPForProbeSnat or its DaemonSet takes the
# address from elsewhere than a literal value.
#
# Cross-object: --combine only. The istio-cni chart's values are lib.helm_installs' (in conftest
# the inline ones, and a value file or valuesFrom makes them unknown). Differs from the Go rule:
# the waypoints a message names are found from the Services' and pod templates' bindings, not
# from the Namespace's.
package ambientlint.waypoint

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

deny contains r if {
	some f in _hbone_findings
	f.kind == "hbone"
	r := lib.result("AMB209", f.pol.entry, f.at, f.msg)
}

warn contains r if {
	some f in _hbone_findings
	f.kind == "probe"
	r := lib.result_as("AMB209", "warning", f.pol.entry, f.pol.from_at, f.msg)
}

_hbone_findings := [] if {
	count(lib.of_kind(d.hbone.cilium_cluster_policy)) > 0
} else := array.concat(array.concat(_hbone_workload_findings, _hbone_probe_findings), _hbone_namespace_findings) if {
	lib.combined
}

# _hbone_policies are the NetworkPolicies with an Ingress side and a selector that parses:
# {entry, ns, sel, gateway, rules, deny_at, ports_at, from_at, ports}. Each rule is {all_ports,
# hbone, opaque, any_source, probe}.
_hbone_policies := [p |
	some e in lib.of_kind(d.hbone.network_policy)
	ns := lib.namespace(e.obj)
	ns != ""
	spec := _hbone_map(object.get(e.obj, "spec", {}))
	types := object.get(spec, "policyTypes", [])
	_hbone_ingress(types)
	sel := _hbone_map(object.get(spec, "podSelector", {}))
	not _selector_error(sel)
	ingress := _hbone_list(object.get(spec, "ingress", []))
	rules := [_hbone_rule(r) | some r in ingress]
	port_rules := [i | some i, r in ingress; count(_hbone_list(object.get(r, "ports", []))) > 0]
	from_rules := [i | some i, r in ingress; count(_hbone_list(object.get(r, "from", []))) > 0]
	p := {
		"entry": e, "ns": ns, "sel": sel,
		"gateway": _hbone_gateway_selector(object.get(sel, "matchLabels", {})),
		"rules": rules,
		"deny_at": _hbone_deny_at(spec, types),
		"ports_at": _hbone_first_at(port_rules, "ports"),
		"from_at": _hbone_first_at(from_rules, "from"),
		"ports": concat(", ", _hbone_compact([_hbone_port_string(x) | some r in ingress; some x in _hbone_list(object.get(r, "ports", []))])),
	}
]

_hbone_ingress(types) if count(types) == 0

_hbone_ingress(types) if "Ingress" in types

_hbone_first_at(rules, field) := ["spec", "ingress", rules[0], field] if count(rules) > 0

else := null

_hbone_deny_at(spec, types) := ["spec", "ingress"] if lib.has_key(spec, "ingress")

else := ["spec", "policyTypes", i] if {
	is := [i | some i, t in types; t == "Ingress"]
	count(is) > 0
	i := is[count(is) - 1]
} else := ["spec", "podSelector"]

_hbone_map(x) := x if is_object(x)

else := {}

_hbone_list(x) := x if is_array(x)

else := []

_hbone_gateway_selector(ml) if {
	some k, _ in ml
	k in {"gateway.networking.k8s.io/gateway-name", "istio.io/gateway-name"}
} else := false

_hbone_rule(r) := {
	"all_ports": count(ports) == 0,
	"any_source": count(from) == 0,
	"hbone": count([x | some x in ports; _hbone_port_admits(x)]) > 0,
	"opaque": count([x | some x in ports; _hbone_port_opaque(x)]) > 0,
	"probe": count([x | some x in from; _hbone_ip_block_holds(object.get(x, "ipBlock", null))]) > 0,
} if {
	ports := _hbone_list(object.get(r, "ports", []))
	from := _hbone_list(object.get(r, "from", []))
}

# _hbone_port_admits reports whether a NetworkPolicy port admits TCP 15008.
_hbone_port_admits(x) if {
	object.get(x, "protocol", "TCP") == "TCP"
	not lib.has_key(x, "port")
}

_hbone_port_admits(x) if {
	object.get(x, "protocol", "TCP") == "TCP"
	x.port == d.waypoint.hbone_port
}

_hbone_port_admits(x) if {
	object.get(x, "protocol", "TCP") == "TCP"
	is_number(x.port)
	x.port <= d.waypoint.hbone_port
	d.waypoint.hbone_port <= x.endPort
}

# _hbone_port_opaque: a protocol or named port a template fills in later.
_hbone_port_opaque(x) if {
	p := object.get(x, "protocol", "TCP")
	p != "TCP"
	lib.opaque(lib.str(p))
}

_hbone_port_opaque(x) if {
	object.get(x, "protocol", "TCP") == "TCP"
	is_string(x.port)
	lib.opaque(x.port)
}

# _hbone_port_string formats a port for a message: 8080/TCP, 8000-8100/TCP, http/TCP.
_hbone_port_string(x) := sprintf("all/%s", [lib.str(object.get(x, "protocol", "TCP"))]) if not lib.has_key(x, "port")

else := sprintf("%s-%s/%s", [lib.str(x.port), lib.str(x.endPort), lib.str(object.get(x, "protocol", "TCP"))]) if lib.has_key(x, "endPort")

else := sprintf("%s/%s", [lib.str(x.port), lib.str(object.get(x, "protocol", "TCP"))])

# _hbone_compact drops consecutive duplicates, as slices.Compact.
_hbone_compact(xs) := [x | some i, x in xs; _hbone_differs(xs, i)]

_hbone_differs(_, 0)

_hbone_differs(xs, i) if {
	i > 0
	xs[i - 1] != xs[i]
}

# _hbone_ip_block_holds reports whether an ipBlock admits one of the probe addresses.
_hbone_ip_block_holds(b) if {
	is_object(b)
	cidr := lib.str(object.get(b, "cidr", ""))
	net.cidr_is_valid(cidr)
	some a in _hbone_snat.addrs
	net.cidr_contains(cidr, a)
	not _hbone_excepted(b, a)
}

_hbone_excepted(b, a) if {
	some x in _hbone_list(object.get(b, "except", []))
	net.cidr_is_valid(lib.str(x))
	net.cidr_contains(lib.str(x), a)
}

# _hbone_snat is the source istio-cni gives the kubelet's probes ({addrs, known}): its
# defaults, or what the istio-cni DaemonSets of the tree set in HOST_PROBE_SNAT_IP(V6); known
# is false when the chart uses the node's address (useHostIPForProbeSnat) or a DaemonSet takes
# the address from elsewhere than a literal value.
_hbone_snat := {"addrs": [_hbone_env_addr(d.hbone.probe_snat_env, d.hbone.probe_snat_ipv4), _hbone_env_addr(d.hbone.probe_snat_env_ipv6, d.hbone.probe_snat_ipv6)], "known": _hbone_probes_known}

_hbone_cni_envs := [env |
	some e in lib.of_kind("apps/DaemonSet")
	_hbone_cni_daemonset(e.obj)
	some c in object.get(e.obj, ["spec", "template", "spec", "containers"], [])
	some env in object.get(c, "env", [])
	env.name in {d.hbone.probe_snat_env, d.hbone.probe_snat_env_ipv6}
]

_hbone_cni_daemonset(o) if lib.name(o) == "istio-cni-node"

_hbone_cni_daemonset(o) if lib.str(object.get(lib.labels(o), "k8s-app", "")) == "istio-cni-node"

_hbone_cni_daemonset(o) if lib.str(object.get(o, ["spec", "template", "metadata", "labels", "k8s-app"], "")) == "istio-cni-node"

_hbone_env_addr(name, fallback) := vs[count(vs) - 1] if {
	vs := [v | some env in _hbone_cni_envs; env.name == name; v := _hbone_literal_addr(env)]
	count(vs) > 0
} else := fallback

_hbone_literal_addr(env) := v if {
	not lib.has_key(env, "valueFrom")
	v := lib.str(object.get(env, "value", ""))
	_hbone_addr(v)
}

_hbone_addr(v) if net.cidr_is_valid(sprintf("%s/32", [v]))

_hbone_addr(v) if {
	contains(v, ":")
	net.cidr_is_valid(sprintf("%s/128", [v]))
}

_hbone_probes_known if {
	not _hbone_probe_address_unknown
}

_hbone_probe_address_unknown if {
	some env in _hbone_cni_envs
	not _hbone_literal_addr(env)
}

_hbone_probe_address_unknown if {
	some i in _hbone_cni_charts
	some path in [[d.hbone.probe_host_ip_value], ["cni", d.hbone.probe_host_ip_value]]
	v := object.get(i.values, path, false)
	v != false
	v != "false"
}

_hbone_probe_address_unknown if {
	some i in _hbone_cni_charts
	not i.known
}

# _hbone_cni_charts are the installs of Istio's cni chart (lib.helm_installs).
_hbone_cni_charts := [i |
	some i in lib.helm_installs
	i.chart == "cni"
	lib.istio_chart_repo(i.repo)
]

# _hbone_matches reports whether a label selector (matchLabels and matchExpressions) selects
# labels.
_hbone_matches(sel, lbls) if {
	lib.matches(object.get(sel, "matchLabels", {}), lbls)
	every x in object.get(sel, "matchExpressions", []) {
		_hbone_expression(x, lbls)
	}
}

_hbone_expression(x, lbls) if {
	x.operator == "In"
	lib.str(lbls[x.key]) in [lib.str(v) | some v in x.values]
}

_hbone_expression(x, lbls) if {
	x.operator == "NotIn"
	not lib.str(object.get(lbls, x.key, null)) in [lib.str(v) | some v in x.values]
}

_hbone_expression(x, lbls) if {
	x.operator == "NotIn"
	not lib.has_key(lbls, x.key)
}

_hbone_expression(x, lbls) if {
	x.operator == "Exists"
	lib.has_key(lbls, x.key)
}

_hbone_expression(x, lbls) if {
	x.operator == "DoesNotExist"
	not lib.has_key(lbls, x.key)
}

_hbone_cilium_namespaces := {lib.namespace(e.obj) | some e in lib.of_kind(d.hbone.cilium_policy)}

# _hbone_judged are the policies the rule judges: not on gateway pods, not beside Cilium's.
_hbone_judged := [p |
	some p in _hbone_policies
	not p.gateway
	not p.ns in _hbone_cilium_namespaces
]

# _hbone_set is the policies of namespace ns that select workload w.
_hbone_set(ns, w) := [q | some q in _hbone_policies; q.ns == ns; _hbone_matches(q.sel, w.labels)]

_hbone_admits(set, _) if count(set) == 0

_hbone_admits(set, kind) if {
	some q in set
	some r in q.rules
	_hbone_rule_admits(r, kind)
}

_hbone_rule_admits(r, "hbone") if r.all_ports

_hbone_rule_admits(r, "hbone") if r.hbone

_hbone_rule_admits(r, _) if r.opaque

_hbone_rule_admits(r, "probe") if r.any_source

_hbone_rule_admits(r, "probe") if r.probe

# _hbone_selected are the ambient workloads a judged policy selects, with the policies that
# select them too.
_hbone_selected := [{"pol": p, "w": w, "set": _hbone_set(p.ns, w)} |
	some p in _hbone_judged
	some w in object.get(lib.workloads_by_namespace, p.ns, [])
	_hbone_matches(p.sel, w.labels)
	hbone_workload_mode(w) == "ambient"
]

_hbone_workload_findings := [f |
	some p in _hbone_judged
	ws := [s.w |
		some s in _hbone_selected
		s.pol.entry == p.entry
		not _hbone_admits(s.set, "hbone")
		_hbone_fixable(p, s.set)
	]
	count(ws) > 0
	f := _hbone_no_hbone(p, ws)
]

_hbone_fixable(p, _) if p.ports_at != null

_hbone_fixable(_, set) if {
	every q in set {
		q.ports_at == null
	}
}

_hbone_probe_findings := [f |
	_hbone_snat.known
	some p in _hbone_judged
	p.from_at != null
	ws := [s.w |
		some s in _hbone_selected
		s.pol.entry == p.entry
		_hbone_admits(s.set, "hbone")
		not _hbone_admits(s.set, "probe")
		_hbone_network_probe(s.w)
	]
	count(ws) > 0
	f := _hbone_no_probe(p, ws)
]

# _hbone_namespace_findings: a policy that selects no workload of the tree, in an ambient
# namespace: its pods come from outside the tree (a chart) and are ambient as the namespace.
_hbone_namespace_findings := [f |
	some p in _hbone_judged
	p.ports_at != null
	not _hbone_selects_any(p)
	namespace_ambient(p.ns)
	not _hbone_admits([q | some q in _hbone_policies; q.ns == p.ns], "hbone")
	f := _hbone_no_hbone(p, [])
]

_hbone_selects_any(p) if {
	some w in object.get(lib.workloads_by_namespace, p.ns, [])
	_hbone_matches(p.sel, w.labels)
}

_hbone_network_probe(w) if {
	some c in object.get(w.spec, "containers", [])
	some k in ["livenessProbe", "readinessProbe", "startupProbe"]
	some h in ["httpGet", "tcpSocket", "grpc"]
	is_object(c[k][h])
}

_hbone_no_hbone(p, ws) := {"kind": "hbone", "pol": p, "at": p.ports_at, "msg": msg} if {
	p.ports_at != null
	fix := sprintf("add port %d with protocol TCP to this rule's ports%s", [d.waypoint.hbone_port, _hbone_waypoint_fix(p, ws, ", and admit the pods of waypoint %s among its sources: the waypoint delivers their traffic")])
	msg := sprintf("NetworkPolicy %s admits ingress to %s only on %s, and no NetworkPolicy selecting them admits HBONE port %d/TCP: ztunnel and waypoints deliver mesh traffic on that port, so connections to them time out after enrollment; %s, and restrict the application's ports with an L4 AuthorizationPolicy (the NetworkPolicy no longer sees them once 15008 is open)", [lib.ns_name(p.entry.obj), _hbone_what(p, ws), p.ports, d.waypoint.hbone_port, fix])
} else := {"kind": "hbone", "pol": p, "at": p.deny_at, "msg": msg} if {
	fix := sprintf("add a NetworkPolicy that admits TCP %d from the sources that may call them%s", [d.waypoint.hbone_port, _hbone_waypoint_fix(p, ws, " and from the pods of waypoint %s, which delivers their traffic")])
	msg := sprintf("NetworkPolicy %s denies all ingress to %s and no NetworkPolicy selecting them admits HBONE port %d/TCP: ztunnel and waypoints deliver mesh traffic on that port, so connections to them time out after enrollment; %s, and restrict the application's ports with an L4 AuthorizationPolicy", [lib.ns_name(p.entry.obj), _hbone_what(p, ws), d.waypoint.hbone_port, fix])
}

_hbone_what(p, []) := sprintf("the pods of the ambient namespace %s", [p.ns])

_hbone_what(_, ws) := sprintf("the ambient pods of %s", [concat(" and ", [lib.object_name(w.entry.obj) | some w in ws])]) if count(ws) > 0

_hbone_waypoint_fix(p, ws, format) := sprintf(format, [concat(", ", wps)]) if {
	wps := _hbone_waypoints(p.ns, ws)
	count(wps) > 0
} else := ""

# _hbone_waypoints are the waypoints of the tree (namespace/name) that deliver the traffic to
# ws (to the namespace's workloads when ws is empty): those the Services selecting them, their
# pod templates or, for the namespace, its Namespace bind; sorted.
_hbone_waypoints(ns, ws) := sort({ref |
	some b in _hbone_bindings(ns, ws)
	g := gateway(b.namespace, b.name)
	lib.str(object.get(g.obj, ["spec", "gatewayClassName"], "")) == d.waypoint.gateway_class
	count(object.get(g.obj, ["spec", "addresses"], [])) == 0
	tt := traffic_type(g.obj).type
	not lib.opaque(tt)
	serves(tt, b.kind)
	ref := sprintf("%s/%s", [b.namespace, b.name])
})

_hbone_bindings(ns, ws) := array.concat(
	[b |
		some w in _hbone_front(ns, ws)
		some e in lib.of_kind("/Service")
		lib.namespace(e.obj) == ns
		sel := object.get(e.obj, ["spec", "selector"], {})
		is_object(sel)
		count(sel) > 0
		lib.matches(sel, w.labels)
		s := serving_waypoint(e.obj)
		s.known
		s.bound
		b := {"namespace": s.namespace, "name": s.name, "kind": "Service"}
	],
	[b |
		some w in _hbone_front(ns, ws)
		wp := lib.str(object.get(w.labels, d.labels.use_waypoint, ""))
		not wp in {"", d.values.use_waypoint_none}
		not lib.opaque(wp)
		wns := lib.str(object.get(w.labels, d.labels.use_waypoint_namespace, ns))
		not lib.opaque(wns)
		b := {"namespace": wns, "name": wp, "kind": "Pod"}
	],
)

_hbone_front(ns, []) := [w | some w in object.get(lib.workloads_by_namespace, ns, []); w.mode == "ambient"]

_hbone_front(_, ws) := [w | some w in ws; w.mode == "ambient"] if count(ws) > 0

_hbone_no_probe(p, ws) := {"kind": "probe", "pol": p, "msg": msg} if {
	addr := _hbone_probe_addr
	msg := sprintf("NetworkPolicy %s admits ingress to the ambient pods of %s only from the sources it lists, and no NetworkPolicy selecting them admits %s, the address istio-cni gives the kubelet's health probes: their probes fail after enrollment; add an ipBlock with cidr %s/32 to this rule's from", [lib.ns_name(p.entry.obj), concat(" and ", [lib.object_name(w.entry.obj) | some w in ws]), addr, addr])
}

_hbone_probe_addr := a if {
	a := _hbone_snat.addrs[0]
	not contains(a, ":")
} else := d.hbone.probe_snat_ipv4
