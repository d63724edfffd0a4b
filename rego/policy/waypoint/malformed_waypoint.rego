# AMB206 malformed-waypoint (error): a Gateway of class istio-waypoint without a listener on
# port 15008 with protocol HBONE (reported at the listener whose port or protocol alone is
# wrong, else at spec.listeners); named none, or with a name that is not a DNS-1123 label; or
# whose HBONE listener admits namespaces by a selector that is missing or does not parse. The
# checks are the SDK's waypoint.Validate; values filled in later are not judged. Per object:
# both conftest modes.
package ambientlint.waypoint

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

# _waypoint_gateways is an array: a set would hash each Gateway's manifest.
_waypoint_gateways := [e |
	some e in lib.of_kind("gateway.networking.k8s.io/Gateway")
	e.obj.spec.gatewayClassName == d.waypoint.gateway_class
]

deny contains r if {
	some p in _problems
	r := lib.result("AMB206", p.entry, p.path, sprintf("waypoint %s: %s", [lib.object_name(p.entry.obj), p.msg]))
}

_listeners(gw) := ls if {
	ls := gw.spec.listeners
	is_array(ls)
} else := []

_hbone(gw) := [i | some i, l in _listeners(gw); l.port == d.waypoint.hbone_port; l.protocol == d.waypoint.hbone_protocol]

_problems contains {"entry": e, "path": ["metadata", "name"], "msg": `a waypoint cannot be named "none": istio.io/use-waypoint: none opts out of waypoints, so nothing can bind it`} if {
	some e in _waypoint_gateways
	lib.name(e.obj) == d.values.use_waypoint_none
}

_problems contains {"entry": e, "path": ["metadata", "name"], "msg": sprintf("waypoint name %q is not a DNS-1123 label", [n])} if {
	some e in _waypoint_gateways
	n := lib.name(e.obj)
	not n in {"", d.values.use_waypoint_none}
	not lib.opaque(n)
	not dns1123_label(n)
}

_problems contains object.union(_missing_listener(gw), {"entry": e}) if {
	some e in _waypoint_gateways
	gw := e.obj
	count(_hbone(gw)) == 0
	not _opaque_listener(gw)
}

_problems contains object.union(p, {"entry": e}) if {
	some e in _waypoint_gateways
	gw := e.obj
	i := _hbone(gw)[0]
	ns := object.get(_listeners(gw)[i], ["allowedRoutes", "namespaces"], {})
	ns.from == "Selector"
	p := _selector_problem(ns, ["spec", "listeners", i, "allowedRoutes", "namespaces", "selector"])
}

_opaque_listener(gw) if {
	some l in _listeners(gw)
	some k in ["port", "protocol"]
	lib.opaque(lib.str(object.get(l, k, null)))
}

_missing_listener(gw) := p if {
	some i, l in _listeners(gw)
	l.port == d.waypoint.hbone_port
	i == min({j | some j, m in _listeners(gw); m.port == d.waypoint.hbone_port})
	p := {"path": ["spec", "listeners", i, "protocol"], "msg": sprintf("listener %q on port %d has protocol %q: a waypoint needs protocol %s there", [
		lib.str(object.get(l, "name", "")), l.port, lib.str(object.get(l, "protocol", "")), d.waypoint.hbone_protocol,
	])}
} else := p if {
	some i, l in _listeners(gw)
	upper(lib.str(object.get(l, "protocol", ""))) == upper(d.waypoint.hbone_protocol)
	i == min({j | some j, m in _listeners(gw); upper(lib.str(object.get(m, "protocol", ""))) == upper(d.waypoint.hbone_protocol)})
	p := {"path": ["spec", "listeners", i, "port"], "msg": sprintf("HBONE listener %q is on port %v: a waypoint's HBONE listener must be on port %d", [
		lib.str(object.get(l, "name", "")), object.get(l, "port", 0), d.waypoint.hbone_port,
	])}
} else := {"path": ["spec", "listeners"], "msg": sprintf("no listener with port %d and protocol %s: ztunnel cannot send traffic to the waypoint", [d.waypoint.hbone_port, d.waypoint.hbone_protocol])}

_selector_problem(ns, path) := {"path": path, "msg": "allowedRoutes.namespaces.from is Selector but no selector is given: no namespace can bind the waypoint"} if {
	object.get(ns, "selector", null) == null
} else := {"path": path, "msg": sprintf("the namespace selector does not parse (%s): no namespace can bind the waypoint", [why])} if {
	why := _selector_error(ns.selector)
}

# _selector_error says why metav1.LabelSelectorAsSelector rejects a label selector.
_selector_error(sel) := sprintf("invalid label key %q", [k]) if {
	some k, _ in object.get(sel, "matchLabels", {})
	not qualified_name(k)
} else := sprintf("invalid label value %q", [v]) if {
	some _, v in object.get(sel, "matchLabels", {})
	not label_value(lib.str(v))
} else := why if {
	some x in object.get(sel, "matchExpressions", [])
	why := _expression_error(x)
}

_expression_error(x) := sprintf("invalid label key %q", [k]) if {
	k := lib.str(object.get(x, "key", ""))
	not qualified_name(k)
} else := sprintf("for 'in', 'notin' operators, values set can't be empty (key %q)", [x.key]) if {
	x.operator in {"In", "NotIn"}
	count(object.get(x, "values", [])) == 0
} else := sprintf("values set must be empty for exists and does not exist (key %q)", [x.key]) if {
	x.operator in {"Exists", "DoesNotExist"}
	count(object.get(x, "values", [])) > 0
} else := sprintf("%q is not a valid label selector operator", [lib.str(object.get(x, "operator", ""))]) if {
	not object.get(x, "operator", "") in {"In", "NotIn", "Exists", "DoesNotExist"}
} else := sprintf("invalid label value %q", [v]) if {
	some v in object.get(x, "values", [])
	not label_value(lib.str(v))
}

# dns1123_label, qualified_name and label_value are Kubernetes' name validations
# (k8s.io/apimachinery/pkg/util/validation).
dns1123_label(s) if {
	count(s) <= 63
	regex.match(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, s)
}

qualified_name(s) if {
	parts := split(s, "/")
	count(parts) == 1
	_qualified_part(s)
}

qualified_name(s) if {
	parts := split(s, "/")
	count(parts) == 2
	count(parts[0]) <= 253
	regex.match(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`, parts[0])
	_qualified_part(parts[1])
}

_qualified_part(s) if {
	count(s) <= 63
	regex.match(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`, s)
}

label_value(s) if {
	count(s) <= 63
	regex.match(`^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`, s)
}
