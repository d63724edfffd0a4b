# AMB210 strict-mtls-blocks-non-mesh-callers (error): a PeerAuthentication whose mtls.mode
# STRICT (mesh-wide in the root namespace, namespace-wide, or on a selector) is the effective
# policy of the ambient pods behind a Service the API server calls: a Validating or Mutating
# webhook's clientConfig.service, an APIService's spec.service, a CustomResourceDefinition's
# conversion webhook. The Service port the caller names (443 when unset) resolves through its
# targetPort (a number, or a container port's name) to the container port, which portLevelMtls
# keys name. Istiod's ambient conversion decides: a workload policy wins over the namespace's,
# which wins over the mesh's (root-namespace policies with a selector are ignored); UNSET
# inherits; a workload policy's portLevelMtls PERMISSIVE or DISABLE exempts the port. Quiet when
# two policies compete at one level, and when the Service or its pods are not in the tree.
# Reported at the deciding policy's spec.mtls.mode, once for each Service and container port.
#
# Cross-object: --combine only. Root namespaces are lib.root_namespaces'.
package ambientlint.waypoint

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

deny contains r if {
	lib.combined
	some key in {h.key | some h in _mtls_hits}
	hits := [h | some h in _mtls_hits; h.key == key]
	r := lib.result("AMB210", hits[0].pa.entry, ["spec", "mtls", "mode"], _mtls_message(hits))
}

# hbone_workload_mode is the data plane mode of workload w's pods (lib.workloads), counting a
# namespace that an Argo CD Application creates with the ambient label (the tree holds no
# Namespace object for it) as labelled. AMB209 and AMB210 read it.
hbone_workload_mode(w) := w.mode if lib.has_namespace(w.namespace)

else := w.mode if not namespace_ambient(w.namespace)

else := lib.effective_mode(
	w.namespace,
	{d.labels.dataplane_mode: d.values.dataplane_mode.ambient},
	w.labels,
	w.annotations,
	object.get(w.spec, "hostNetwork", false),
)

# _mtls_hits are the ambient workloads that a STRICT policy leaves the API server's calls to,
# one for each caller, in the callers' order: {key, pa, svc, svc_port, port, w, caller}.
_mtls_hits := [h |
	some c in _mtls_callers
	svc := lib.get("/Service", c.namespace, c.name)
	sel := object.get(svc.obj, ["spec", "selector"], {})
	is_object(sel)
	count(sel) > 0
	sp := _mtls_service_port(svc.obj, c.port)
	some w in object.get(lib.workloads_by_namespace, c.namespace, [])
	lib.matches(sel, w.labels)
	hbone_workload_mode(w) == "ambient"
	port := _mtls_container_port(w, sp)
	pa := _mtls_decider(w, port)
	h := {
		"key": [pa.entry.doc, pa.entry.item, svc.doc, svc.item, port],
		"pa": pa, "svc": svc, "svc_port": c.port, "port": port, "w": w, "caller": c,
	}
]

# _mtls_callers are the places where the tree has the API server call a Service, in the Go
# rule's order: admission webhooks, APIServices, CRD conversion webhooks.
_mtls_callers := array.concat(array.concat(_mtls_webhooks, _mtls_api_services), _mtls_conversions)

_mtls_webhooks := [c |
	some kind in [d.api_callers.validating_webhook, d.api_callers.mutating_webhook]
	some e in lib.of_kind(kind)
	hooks := object.get(e.obj, "webhooks", null)
	is_array(hooks)
	some i, hook in hooks
	c := _mtls_caller(e, object.get(hook, ["clientConfig", "service"], null), ["webhooks", i, "clientConfig", "service"], _mtls_webhook_what(e, hook))
]

_mtls_webhook_what(e, hook) := sprintf("%s %s (webhook %s)", [e.obj.kind, lib.name(e.obj), n]) if {
	n := _mtls_scalar(object.get(hook, "name", null))
	n != ""
} else := sprintf("%s %s", [e.obj.kind, lib.name(e.obj)])

_mtls_api_services := [c |
	some e in lib.of_kind(d.api_callers.api_service)
	c := _mtls_caller(e, object.get(e.obj, ["spec", "service"], null), ["spec", "service"], sprintf("APIService %s", [lib.name(e.obj)]))
]

_mtls_conversions := [c |
	some e in lib.of_kind(d.api_callers.crd)
	path := ["spec", "conversion", "webhook", "clientConfig", "service"]
	c := _mtls_caller(e, object.get(e.obj, path, null), path, sprintf("the conversion webhook of CustomResourceDefinition %s", [lib.name(e.obj)]))
]

# _mtls_caller reads a service reference (namespace, name, port); undefined when it is missing,
# incomplete or filled in later.
_mtls_caller(e, ref, path, what) := c if {
	is_object(ref)
	ns := _mtls_scalar(object.get(ref, "namespace", null))
	n := _mtls_scalar(object.get(ref, "name", null))
	ns != ""
	n != ""
	not lib.opaque(ns)
	not lib.opaque(n)
	port := _mtls_ref_port(object.get(ref, "port", null))
	c := {"entry": e, "path": path, "what": what, "namespace": ns, "name": n, "port": port}
}

_mtls_ref_port(p) := d.api_callers.default_port if _mtls_scalar(p) == ""

else := to_number(s) if {
	s := _mtls_scalar(p)
	regex.match(`^[+-]?[0-9]+$`, s)
}

# _mtls_scalar is a scalar's value as YAML spells it, "" for a missing value or a collection.
_mtls_scalar(v) := "" if is_object(v)

else := "" if is_array(v)

else := lib.str(v)

# _mtls_service_port is the Service's port numbered port (the last, as the Go rule's loop).
_mtls_service_port(svc, port) := ps[count(ps) - 1] if {
	ps := [p | some p in object.get(svc, ["spec", "ports"], []); p.port == port]
	count(ps) > 0
}

# _mtls_container_port resolves a Service port's targetPort to a container port of w's pods:
# the Service port when unset (or 0), the number, or the container port of that name.
_mtls_container_port(w, sp) := sp.port if object.get(sp, "targetPort", 0) == 0

else := tp if {
	tp := sp.targetPort
	is_number(tp)
} else := ports[0] if {
	tp := sp.targetPort
	is_string(tp)
	tp != ""
	ports := [cp.containerPort |
		some ctr in object.get(w.spec, "containers", [])
		some cp in object.get(ctr, "ports", [])
		object.get(cp, "name", "") == tp
	]
	count(ports) > 0
}

# _mtls_pas are the PeerAuthentications: {entry, ns, ml (selector.matchLabels), mode, root}.
_mtls_pas := [p |
	some e in lib.of_kind(d.api_callers.peer_authentication)
	ns := lib.namespace(e.obj)
	p := {
		"entry": e, "ns": ns, "root": ns in lib.root_namespaces,
		"ml": _mtls_map(object.get(e.obj, ["spec", "selector", "matchLabels"], {})),
		"mode": _mtls_mode(object.get(e.obj, ["spec", "mtls", "mode"], "UNSET")),
		"ports": _mtls_map(object.get(e.obj, ["spec", "portLevelMtls"], {})),
	}
]

_mtls_map(m) := m if is_object(m)

else := {}

_mtls_mode(m) := m if is_string(m)

else := "UNSET"

_mtls_mesh := [p | some p in _mtls_pas; p.root; count(p.ml) == 0]

# _mtls_decider is the policy whose mode makes container port port of w's pods STRICT, as
# istiod's ambient conversion resolves it; undefined when the port is not STRICT, or when two
# policies compete at one level (istiod takes the oldest, which the tree does not tell).
_mtls_decider(w, port) := s.by if {
	pas := [p | some p in _mtls_pas; not p.root; p.ns == w.namespace]
	ns := [p | some p in pas; count(p.ml) == 0]
	wl := [p | some p in pas; count(p.ml) > 0; lib.matches(p.ml, w.labels)]
	count(_mtls_mesh) <= 1
	count(ns) <= 1
	count(wl) <= 1
	s := _mtls_after_workload(_mtls_after_namespace(_mtls_after_mesh(_mtls_mesh), ns), wl)
	s.strict
	s.by != null
	not _mtls_port_exempt(wl, port)
}

_mtls_after_mesh(mesh) := {"strict": true, "by": mesh[0]} if {
	count(mesh) == 1
	mesh[0].mode == "STRICT"
} else := {"strict": false, "by": null}

_mtls_after_namespace(s, ns) := {"strict": true, "by": ns[0]} if {
	count(ns) == 1
	ns[0].mode == "STRICT"
} else := {"strict": false, "by": s.by} if {
	count(ns) == 1
	ns[0].mode != "UNSET"
} else := s

_mtls_after_workload(s, wl) := {"strict": true, "by": wl[0]} if {
	count(wl) == 1
	wl[0].mode == "STRICT"
} else := {"strict": false, "by": s.by} if {
	count(wl) == 1
	wl[0].mode in {"PERMISSIVE", "DISABLE"}
} else := s

_mtls_port_exempt(wl, port) if {
	count(wl) == 1
	object.get(wl[0].ports, [sprintf("%d", [port]), "mode"], "") in {"PERMISSIVE", "DISABLE"}
}

_mtls_message(hits) := msg if {
	h := hits[0]
	pa := h.pa.entry.obj
	ws := _mtls_unique([hit.w.entry.obj | some hit in hits])
	callers := _mtls_unique([hit.caller.what | some hit in hits])
	scope := _mtls_scope(h.pa)
	msg := sprintf("PeerAuthentication %s requires mTLS (STRICT) %s, which covers the ambient pods of %s serving %s through Service %s port %d: the API server is outside the mesh, so ztunnel rejects its calls and they fail; %s", [
		lib.ns_name(pa), scope, concat(" and ", [lib.object_name(o) | some o in ws]),
		concat(" and ", callers), lib.ns_name(h.svc.obj), h.svc_port, _mtls_fix(scope, h),
	])
}

_mtls_scope(pa) := "for its selector" if count(pa.ml) > 0

else := "mesh-wide" if pa.root

else := sprintf("for namespace %s", [pa.ns])

_mtls_fix("for its selector", h) := sprintf("add portLevelMtls %d (the container port, not the Service port %d) with mode PERMISSIVE to it", [h.port, h.svc_port])

_mtls_fix(scope, h) := sprintf("add a PeerAuthentication in namespace %s with a selector on those pods and portLevelMtls %d (the container port, not the Service port %d) set to PERMISSIVE", [h.w.namespace, h.port, h.svc_port]) if {
	scope != "for its selector"
}

# _mtls_unique keeps the first of equal values, in order.
_mtls_unique(xs) := [x | some i, x in xs; not x in array.slice(xs, 0, i)]
