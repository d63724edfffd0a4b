# AMB211 waypoint-identity-not-allowed (error): two mistakes in the principals of an
# AuthorizationPolicy.
#
# A principal (in principals or notPrincipals, of any policy) written with a spiffe:// prefix,
# which never matches. Per object: reported in both modes.
#
# An ALLOW policy that ztunnel enforces (selector, or namespace-wide outside the root
# namespace) lists principals, the ambient workloads it applies to are reached through a
# waypoint (the Services that select them, or their Namespace, have istio.io/use-waypoint; or
# their pod template), and no rule admits the waypoint's identity <trust domain>/ns/<namespace>/
# sa/<service account> (the Gateway's name, or its gateway.istio.io/service-account). The
# trust domain is meshConfig.trustDomain (and trustDomainAliases) of the tree's istiod charts
# (pilot.meshConfig first), cluster.local by default; quiet when istiod allows waypoints by
# itself (PILOT_AUTO_ALLOW_WAYPOINT_POLICY "true" in the chart's pilot.env or env, or in an
# istiod Deployment's container env) or may (values the tree does not hold, an opaque value,
# istiod through the Sail operator).
#
# Cross-object: --combine only (the Services, Namespaces, Gateways and istiod's values). Objects
# as written (see bindings.rego); istiod's chart values as lib.helm_installs reads them. The
# Go rule also takes istiod from an IstioOperator or a vendored chart; the twin does not.
package ambientlint.waypoint

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

_authorization_policy := "security.istio.io/AuthorizationPolicy"

_spiffe := "spiffe://"

deny contains r if {
	some e in lib.of_kind(_authorization_policy)
	spec := object.get(e.obj, "spec", {})
	is_object(spec)
	some i, rule in object.get(spec, "rules", [])
	some j, from in object.get(rule, "from", [])
	some field in ["principals", "notPrincipals"]
	some k, v in object.get(from, ["source", field], [])
	is_string(v)
	startswith(v, _spiffe)
	fixed := substring(v, count(_spiffe), -1)
	msg := sprintf("AuthorizationPolicy %s has %s %q with a spiffe:// prefix, which never matches: Istio compares principals without it (and adds it itself for Envoy), so this entry %s; write %q", [
		lib.ns_name(e.obj), field, v, _spiffe_effect(object.get(spec, "action", "ALLOW"), field), fixed,
	])
	r := lib.result("AMB211", e, ["spec", "rules", i, "from", j, "source", field, k], msg)
}

_spiffe_effect(_, "notPrincipals") := "excludes nobody"

_spiffe_effect(action, "principals") := e if {
	e := object.get({"DENY": "denies nobody", "ALLOW": "admits nobody"}, action, "matches nobody")
}

deny contains r if {
	lib.combined
	not _auto_allow_possible
	some e in lib.of_kind(_authorization_policy)
	spec := object.get(e.obj, "spec", {})
	is_object(spec)
	object.get(spec, "action", "ALLOW") == "ALLOW"
	count(object.get(spec, "targetRefs", [])) == 0
	not spec.targetRef
	at := _principals_paths(spec)[0]
	ns := lib.namespace(e.obj)
	ns != ""
	not ns in lib.root_namespaces
	sel := _map(object.get(spec, ["selector", "matchLabels"], {}))
	not _selects_gateway_pods(sel)
	fronts := _waypoints_in_front(ns, sel)
	some ref, wp in fronts
	ids := _waypoint_identities(wp)
	not _policy_admits(spec, ns, wp, ids)
	id := _shown_identity(ids[0])
	msg := sprintf("AuthorizationPolicy %s admits only the principals it lists, but traffic to its workloads comes through waypoint %s (%s), whose identity %s no rule admits: ztunnel denies every request the waypoint forwards; add %q to principals, or set %s: \"true\" on istiod", [
		lib.ns_name(e.obj), ref, wp.via, id, id, _auto_allow_env,
	])
	r := lib.result("AMB211", e, at, msg)
}

_map(v) := v if is_object(v)

else := {}

_principals_paths(spec) := [["spec", "rules", i, "from", j, "source", "principals"] |
	some i, rule in object.get(spec, "rules", [])
	some j, from in object.get(rule, "from", [])
	count(object.get(from, ["source", "principals"], [])) > 0
]

# The mesh's identities, from the tree's istiod installs (the Go rule's meshIdentity).

_auto_allow_env := d.waypoint_identity.auto_allow_env

_istiod_installs := [v |
	some i in lib.helm_installs
	lib.istio_chart_repo(i.repo)
	v := _istiod_part(i)
]

_istiod_part(i) := {"values": i.values, "known": i.known} if i.chart == "istiod"

_istiod_part(i) := {"values": _map(object.get(i.values, "istiod", {})), "known": i.known} if {
	i.chart == "ambient"
	not lower(lib.str(object.get(i.values, ["enable", "istiod"], true))) == "false"
}

_istiod_deployments := [e |
	some e in lib.of_kind("apps/Deployment")
	_is_istiod(e.obj)
]

_is_istiod(o) if lib.name(o) == "istiod"

_is_istiod(o) if startswith(lib.name(o), "istiod-")

_is_istiod(o) if lib.labels(o).app == "istiod"

_is_istiod(o) if object.get(o, ["spec", "template", "metadata", "labels", "app"], "") == "istiod"

# _istiod_value is an istiod chart value, which the chart also reads under pilot.
_istiod_value(vals, path) := v if {
	v := object.get(vals, array.concat(["pilot"], path), lib.helm_unset)
	v != lib.helm_unset
} else := v if {
	v := object.get(vals, path, lib.helm_unset)
	v != lib.helm_unset
}

_auto_allow_possible if some _ in lib.of_kind("sailoperator.io/Istio")

_auto_allow_possible if {
	some e in _istiod_deployments
	some c in object.get(e.obj, ["spec", "template", "spec", "containers"], [])
	some env in object.get(c, "env", [])
	env.name == _auto_allow_env
	v := lib.str(object.get(env, "value", ""))
	_true_or_opaque(v)
}

_auto_allow_possible if {
	some i in _istiod_installs
	v := lib.str(_istiod_value(i.values, ["env", _auto_allow_env]))
	_true_or_opaque(v)
}

_auto_allow_possible if {
	some i in _istiod_installs
	not i.known
	not _istiod_value(i.values, ["env", _auto_allow_env])
}

_true_or_opaque(v) if lower(v) == "true"

_true_or_opaque(v) if lib.opaque(v)

# _trust_domains are the trust domains of the mesh, [] when the tree cannot tell.
_trust_domains := [] if {
	not _trust_domains_known
} else := [td |
	some i in _istiod_installs
	some td in _install_domains(i)
]

_trust_domains_known if {
	(count(_istiod_installs) + count(_istiod_deployments)) + count(lib.of_kind("sailoperator.io/Istio")) > 0
	count(_istiod_deployments) == 0
	count(lib.of_kind("sailoperator.io/Istio")) == 0
	every i in _istiod_installs {
		_domain_known(i)
	}
}

_domain_known(i) if {
	td := lib.str(_istiod_value(i.values, ["meshConfig", "trustDomain"]))
	td != ""
	not lib.opaque(td)
}

_domain_known(i) if {
	not _istiod_value(i.values, ["meshConfig", "trustDomain"])
	i.known
}

_install_domains(i) := array.concat([_own_domain(i)], [lib.str(a) | some a in _aliases(i)])

_own_domain(i) := lib.str(_istiod_value(i.values, ["meshConfig", "trustDomain"])) if {
	_istiod_value(i.values, ["meshConfig", "trustDomain"])
} else := d.waypoint_identity.default_trust_domain

_aliases(i) := a if {
	a := _istiod_value(i.values, ["meshConfig", "trustDomainAliases"])
	is_array(a)
} else := []

_any_trust_domain if count(_trust_domains) == 0

_waypoint_identities(wp) := [sprintf("%s/ns/%s/sa/%s", [td, wp.namespace, wp.sa]) | some td in _domains_or_default]

_domains_or_default := _trust_domains if count(_trust_domains) > 0

else := [d.waypoint_identity.default_trust_domain]

_shown_identity(id) := concat("", ["<trust domain>", trim_prefix(id, d.waypoint_identity.default_trust_domain)]) if {
	_any_trust_domain
} else := id

# The waypoints in front of the workloads a policy of namespace ns with selector sel applies
# to (the Go rule's waypointsInFront), by namespace/name: {"namespace", "sa", "via"}.

_waypoints_in_front(ns, sel) := {ref: fronts[0] |
	found := [[ref, wp] |
		some c in _front_candidates(ns, sel)
		ref := sprintf("%s/%s", [c.namespace, c.name])
		wp := _front(c)
	]
	some ref in {f[0] | some f in found}
	fronts := [f[1] | some f in found; f[0] == ref]
}

_front_candidates(ns, sel) := array.concat(
	array.concat(
		[c |
			some w in _ambient_selected(ns, sel)
			some s in lib.of_kind("/Service")
			lib.namespace(s.obj) == ns
			ssel := _map(object.get(s.obj, ["spec", "selector"], {}))
			count(ssel) > 0
			lib.matches(ssel, w.labels)
			sw := serving_waypoint(s.obj)
			sw.known
			sw.bound
			c := {"namespace": sw.namespace, "name": sw.name, "kind": "Service", "via": _service_via(s.obj, w, ns)}
		],
		[c |
			some w in _ambient_selected(ns, sel)
			wp := lib.str(object.get(w.labels, d.labels.use_waypoint, ""))
			not wp in {"", d.values.use_waypoint_none}
			not lib.opaque(wp)
			wns := lib.str(object.get(w.labels, d.labels.use_waypoint_namespace, ns))
			not lib.opaque(wns)
			c := {"namespace": wns, "name": wp, "kind": "Pod", "via": sprintf("the pod template of %s uses it", [lib.object_name(w.entry.obj)])}
		],
	),
	[c |
		count(sel) == 0
		namespace_ambient(ns)
		lib.has_namespace(ns)
		ls := lib.namespace_labels(ns)
		wp := lib.str(object.get(ls, d.labels.use_waypoint, ""))
		not wp in {"", d.values.use_waypoint_none}
		not lib.opaque(wp)
		wns := lib.str(object.get(ls, d.labels.use_waypoint_namespace, ns))
		not lib.opaque(wns)
		c := {"namespace": wns, "name": wp, "kind": "Namespace", "via": sprintf("Namespace %s uses it", [ns])}
	],
)

_ambient_selected(ns, sel) := [w |
	some w in object.get(lib.workloads_by_namespace, ns, [])
	lib.matches(sel, w.labels)
	w.mode == "ambient"
]

_service_via(s, w, ns) := sprintf("Service %s uses it and selects %s", [lib.ns_name(s), lib.object_name(w.entry.obj)]) if {
	lib.has_key(lib.labels(s), d.labels.use_waypoint)
} else := sprintf("Namespace %s uses it for Service %s/%s, which selects %s", [ns, ns, lib.name(s), lib.object_name(w.entry.obj)])

_front(c) := {"namespace": c.namespace, "sa": sa, "via": c.via} if {
	gw := gateway(c.namespace, c.name).obj
	object.get(gw, ["spec", "gatewayClassName"], "") == d.waypoint.gateway_class
	count(object.get(gw, ["spec", "addresses"], [])) == 0
	tt := traffic_type(gw).type
	not lib.opaque(tt)
	serves(tt, c.kind)
	sa := lib.str(object.get(lib.annotations(gw), d.waypoint_identity.service_account_annotation, lib.name(gw)))
	sa != ""
	not lib.opaque(sa)
	not lib.opaque(lib.name(gw))
}

# Whether an ALLOW policy admits the waypoint (the Go rule's policyAdmits): a rule without
# L7 attributes (ztunnel drops the others) with no from, or with a source that admits it.

_policy_admits(spec, ns, wp, ids) if {
	some rule in object.get(spec, "rules", [])
	count(_l7_attributes({"rules": [rule]})) == 0
	_rule_admits(rule, ns, wp, ids)
}

_rule_admits(rule, _, _, _) if count(object.get(rule, "from", [])) == 0

_rule_admits(rule, ns, wp, ids) if {
	some from in rule.from
	_source_admits(_map(object.get(from, "source", {})), ns, wp, ids)
}

_source_admits(src, _, _, _) if count(object.get(src, "ipBlocks", [])) > 0

_source_admits(src, _, _, _) if count(object.get(src, "notIpBlocks", [])) > 0

_source_admits(src, ns, wp, ids) if {
	count(object.get(src, "ipBlocks", [])) == 0
	count(object.get(src, "notIpBlocks", [])) == 0
	_principals_admit(src, ids)
	not _any_id(object.get(src, "notPrincipals", []), ids)
	_namespaces_admit(src, wp)
	not _match_ns(object.get(src, "notNamespaces", []), wp.namespace)
	_service_accounts_admit(src, ns, wp)
	not _match_sa(object.get(src, "notServiceAccounts", []), ns, wp)
}

_principals_admit(src, _) if count(object.get(src, "principals", [])) == 0

_principals_admit(src, ids) if _any_id(src.principals, ids)

_namespaces_admit(src, _) if count(object.get(src, "namespaces", [])) == 0

_namespaces_admit(src, wp) if _match_ns(src.namespaces, wp.namespace)

_service_accounts_admit(src, _, _) if count(object.get(src, "serviceAccounts", [])) == 0

_service_accounts_admit(src, ns, wp) if _match_sa(src.serviceAccounts, ns, wp)

_any_id(patterns, _) if {
	some pat in patterns
	lib.opaque(lib.str(pat))
}

_any_id(patterns, ids) if {
	some pat in patterns
	some id in ids
	principal_matches(lib.str(pat), id)
}

_any_id(patterns, ids) if {
	_any_trust_domain
	some pat in patterns
	some id in ids
	principal_matches(lib.str(pat), _with_trust_domain_of(lib.str(pat), id))
}

_match_ns(patterns, _) if {
	some pat in patterns
	lib.opaque(lib.str(pat))
}

_match_ns(patterns, ns) if {
	some pat in patterns
	principal_matches(lib.str(pat), ns)
}

_match_sa(entries, _, _) if {
	some e in entries
	lib.opaque(lib.str(e))
}

_match_sa(entries, policy_ns, wp) if {
	some e in entries
	_sa_ref(lib.str(e), policy_ns) == [wp.namespace, wp.sa]
}

_sa_ref(e, policy_ns) := [substring(e, 0, i), substring(e, i + 1, -1)] if {
	i := indexof(e, "/")
	i >= 0
} else := [policy_ns, e]

# _with_trust_domain_of is id with the trust domain the principal pattern pat names, for
# matching when the mesh's trust domain is unknown.
_with_trust_domain_of(pat, id) := concat("/ns/", [td, rest]) if {
	i := indexof(pat, "/ns/")
	i >= 0
	td := substring(pat, 0, i)
	not contains(td, "*")
	j := indexof(id, "/ns/")
	rest := substring(id, j + 4, -1)
} else := id

# principal_matches matches value against an AuthorizationPolicy string pattern as Istio
# converts it: * matches anything, a leading * a suffix, a trailing * a prefix, anything else
# exactly.
principal_matches(pat, value) if {
	pat == "*"
	value != ""
}

principal_matches(pat, value) if {
	pat != "*"
	startswith(pat, "*")
	endswith(value, substring(pat, 1, -1))
}

principal_matches(pat, value) if {
	pat != "*"
	not startswith(pat, "*")
	endswith(pat, "*")
	startswith(value, substring(pat, 0, count(pat) - 1))
}

principal_matches(pat, value) if {
	not startswith(pat, "*")
	not endswith(pat, "*")
	pat == value
}
