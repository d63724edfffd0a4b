# AMB207 l7-policy-without-waypoint (error): an AuthorizationPolicy (ALLOW or DENY) that uses
# attributes only an HTTP proxy sees (to.operation hosts, methods, paths and their not*;
# from.source requestPrincipals, remoteIpBlocks and their not*; when keys other than
# source.ip, source.namespace, source.principal, destination.ip, destination.port) but that
# ztunnel enforces: it selects ambient workloads with selector, or has neither selector nor
# targetRefs in an ambient namespace (or in the root namespace of a tree that enrolls
# workloads); or its targetRefs name a Service or ServiceEntry of an ambient namespace that no
# waypoint serves. Reported at the first L7 attribute.
#
# Cross-object: --combine only. The root namespaces are those of the tree's istiod installs
# (lib.root_namespaces: meshConfig.rootNamespace of their inline values, else istio-system).
package ambientlint.waypoint

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

deny contains r if {
	lib.combined
	some e in lib.of_kind("security.istio.io/AuthorizationPolicy")
	spec := object.get(e.obj, "spec", {})
	action := object.get(spec, "action", "ALLOW")
	action in {"ALLOW", "DENY"}
	attrs := _l7_attributes(spec)
	count(attrs) > 0
	msg := _message(e, spec, action, attrs)
	r := lib.result("AMB207", e, attrs[0].path, msg)
}

# _found says what the policy uses; built only for a policy that is reported.
_found(e, attrs) := sprintf("AuthorizationPolicy %s uses L7 attributes (%s)", [lib.ns_name(e.obj), concat(", ", [sprintf("%s at %s", [a.name, _field(a.path)]) | some a in attrs])])

_field(path) := concat("", [s |
	some i, p in path
	s := _segment(i, p)
])

_segment(_, p) := sprintf("[%d]", [p]) if is_number(p)

_segment(i, p) := p if {
	is_string(p)
	i == 0
}

_segment(i, p) := sprintf(".%s", [p]) if {
	is_string(p)
	i > 0
}

_l7_attributes(spec) := [a |
	some i, rule in object.get(spec, "rules", [])
	some a in array.concat(array.concat(_to_attrs(i, rule), _from_attrs(i, rule)), _when_attrs(i, rule))
]

_to_attrs(i, rule) := [{"name": f, "path": ["spec", "rules", i, "to", j, "operation", f]} |
	some j, to in object.get(rule, "to", [])
	some f in ["hosts", "notHosts", "methods", "notMethods", "paths", "notPaths"]
	count(object.get(to, ["operation", f], [])) > 0
]

_from_attrs(i, rule) := [{"name": f, "path": ["spec", "rules", i, "from", j, "source", f]} |
	some j, from in object.get(rule, "from", [])
	some f in ["requestPrincipals", "notRequestPrincipals", "remoteIpBlocks", "notRemoteIpBlocks"]
	count(object.get(from, ["source", f], [])) > 0
]

_when_attrs(i, rule) := [{"name": sprintf("when %s", [k]), "path": ["spec", "rules", i, "when", j, "key"]} |
	some j, w in object.get(rule, "when", [])
	k := lib.str(object.get(w, "key", ""))
	not k in d.l7.l4_when_keys
]

_target_refs(spec) := array.concat(object.get(spec, "targetRefs", []), [r | r := spec.targetRef])

_message(e, spec, _, attrs) := msg if {
	refs := _target_refs(spec)
	count(refs) > 0
	unserved := [why | some ref in refs; why := _unserved(e, ref)]
	count(unserved) > 0
	msg := sprintf("%s and is attached with targetRefs, but %s: ztunnel ignores targetRefs policies, so no proxy enforces it; bind a waypoint to the target (istio.io/use-waypoint)", [_found(e, attrs), concat("; ", unserved)])
}

_message(e, spec, action, attrs) := msg if {
	count(_target_refs(spec)) == 0
	scope := _ztunnel_scope(e, object.get(spec, ["selector", "matchLabels"], {}))
	msg := sprintf("%s, but ztunnel enforces it, not a waypoint: it %s; %s; attach it to a waypoint with targetRefs (kind Service, or kind Gateway naming the waypoint)", [_found(e, attrs), scope, _l7_effect(action)])
}

_l7_effect("DENY") := "ztunnel applies its rules without the L7 attributes, so they deny every matching connection, not just the requests they name"

_l7_effect("ALLOW") := "ztunnel drops its rules with L7 attributes, so the requests they allow are denied"

_ztunnel_scope(e, sel) := s if {
	ns := lib.namespace(e.obj)
	ns != ""
	not _selects_gateway_pods(sel)
	s := _scope(ns, sel, ns in lib.root_namespaces)
}

_selects_gateway_pods(sel) if {
	some k, _ in sel
	k in {"gateway.networking.k8s.io/gateway-name", "istio.io/gateway-name"}
}

_scope(ns, sel, true) := sprintf("has no selector in the root namespace %s, so it applies to every ambient workload of the mesh", [ns]) if {
	count(sel) == 0
	_tree_enrolls
}

_scope(ns, sel, root) := s if {
	not _root_without_selector(sel, root)
	ws := _selected(ns, sel, root)
	amb := [lib.object_name(w.entry.obj) | some w in ws; w.mode == "ambient"]
	s := _scope_of(ns, sel, ws, amb)
}

_root_without_selector(sel, true) if count(sel) == 0

_selected(ns, sel, false) := [w | some w in object.get(lib.workloads_by_namespace, ns, []); lib.matches(sel, w.labels)]

_selected(_, sel, true) := [w | some w in lib.workloads; lib.matches(sel, w.labels)]

_scope_of(ns, sel, ws, amb) := sprintf("has neither selector nor targetRefs, so it applies to the ambient workloads of namespace %s", [ns]) if {
	count(sel) == 0
	_some_or_ambient(amb, ns)
} else := sprintf("selects the ambient workloads %s with selector", [concat(", ", amb)]) if {
	count(amb) > 0
} else := sprintf("selects workloads with selector in the ambient namespace %s", [ns]) if {
	count(ws) == 0
	namespace_ambient(ns)
}

_some_or_ambient(amb, _) if count(amb) > 0

_some_or_ambient(_, ns) if namespace_ambient(ns)

# namespace_ambient reports whether the tree enrolls namespace ns as a whole: its Namespace
# resolves to ambient, or (without a Namespace object) an Argo CD Application creates it with
# the ambient label in managedNamespaceMetadata.
namespace_ambient(ns) if {
	lib.has_namespace(ns)
	lib.namespace_mode(ns, lib.namespace_labels(ns)) == "ambient"
}

namespace_ambient(ns) if {
	not lib.has_namespace(ns)
	some e in lib.of_kind("argoproj.io/Application")
	e.obj.spec.destination.namespace == ns
	_managed_ambient(e.obj)
}

_managed_ambient(app) if {
	lib.str(object.get(app.spec, ["syncPolicy", "managedNamespaceMetadata", "labels", d.labels.dataplane_mode], null)) == d.values.dataplane_mode.ambient
	some o in object.get(app.spec, ["syncPolicy", "syncOptions"], [])
	lower(replace(o, " ", "")) == "createnamespace=true"
}

# _tree_enrolls: some Namespace, pod template, Pod or Application of the tree enrolls workloads.
_tree_enrolls if {
	some e in lib.of_kind("/Namespace")
	lib.str(object.get(lib.labels(e.obj), d.labels.dataplane_mode, null)) == d.values.dataplane_mode.ambient
}

_tree_enrolls if {
	some w in lib.workloads
	lib.str(object.get(w.labels, d.labels.dataplane_mode, null)) == d.values.dataplane_mode.ambient
}

_tree_enrolls if {
	some e in lib.of_kind("argoproj.io/Application")
	_managed_ambient(e.obj)
}

_unserved(e, ref) := why if {
	kind := _target_kind(ref)
	target := lib.get(kind, lib.namespace(e.obj), ref.name)
	_serves_ambient(lib.namespace(target.obj))
	why := _unserved_why(target.obj)
}

_target_kind(ref) := "/Service" if {
	ref.kind == "Service"
	object.get(ref, "group", "") in {"", "core"}
}

_target_kind(ref) := "networking.istio.io/ServiceEntry" if {
	ref.kind == "ServiceEntry"
	ref.group == "networking.istio.io"
}

_serves_ambient(ns) if namespace_ambient(ns)

_serves_ambient(ns) if _ambient_workload_namespaces[ns]

_ambient_workload_namespaces := {w.namespace | some w in lib.workloads; w.mode == "ambient"}

_unserved_why(t) := sprintf("no waypoint serves %s (neither it nor its Namespace has %s)", [lib.object_name(t), d.labels.use_waypoint]) if {
	w := serving_waypoint(t)
	w.known
	not w.bound
} else := sprintf("the waypoint %s of %s does not serve service traffic", [w.ref, lib.object_name(t)]) if {
	w := serving_waypoint(t)
	w.known
	w.bound
	not _serves_services(w)
}

# serving_waypoint is the waypoint of a Service or ServiceEntry: its own istio.io/use-waypoint
# label, else its Namespace's. known is false when the tree cannot tell.
serving_waypoint(t) := _look(lib.labels(t), lib.namespace(t)) if {
	lib.has_key(lib.labels(t), d.labels.use_waypoint)
} else := _look(lib.namespace_labels(lib.namespace(t)), lib.namespace(t)) if {
	lib.has_namespace(lib.namespace(t))
} else := {"known": false, "bound": false}

_look(ls, ns) := {"known": true, "bound": false} if {
	not lib.has_key(ls, d.labels.use_waypoint)
} else := {"known": false, "bound": false} if {
	_opaque_binding(ls)
} else := {"known": true, "bound": false} if {
	lib.str(ls[d.labels.use_waypoint]) == d.values.use_waypoint_none
} else := {"known": true, "bound": true, "namespace": wns, "name": n, "ref": sprintf("%s/%s", [wns, n])} if {
	n := lib.str(ls[d.labels.use_waypoint])
	wns := lib.str(object.get(ls, d.labels.use_waypoint_namespace, ns))
}

_opaque_binding(ls) if lib.opaque(lib.str(ls[d.labels.use_waypoint]))

_opaque_binding(ls) if lib.opaque(lib.str(ls[d.labels.use_waypoint_namespace]))

_serves_services(w) if not gateway(w.namespace, w.name)

_serves_services(w) if {
	tt := traffic_type(gateway(w.namespace, w.name).obj).type
	lib.opaque(tt)
}

_serves_services(w) if {
	tt := traffic_type(gateway(w.namespace, w.name).obj).type
	serves(tt, "Service")
}
