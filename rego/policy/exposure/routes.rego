# Routes from outside the cluster to a Service (the Go rules' internal/kiali routes), for
# AMB401: an Ingress; an HTTPRoute, GRPCRoute or TLSRoute attached to a Gateway (or
# ListenerSet) that is not a waypoint of the tree; a VirtualService bound to a gateway other
# than mesh; an OpenShift Route. Each route is {"entry", "backend": {namespace, name}, "via",
# "path"}, path being the first backend reference in the route that names that Service.
package ambientlint.exposure

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

routes contains r if {
	some e in lib.of_kind("networking.k8s.io/Ingress")
	refs := _ingress_refs(e.obj)
	some b in {x.backend | some x in refs}
	r := {"entry": e, "backend": b, "via": _ingress_via(e.obj), "path": [x.path | some x in refs; x.backend == b][0]}
}

_ingress_via(ing) := sprintf("IngressClass %s", [c]) if {
	c := ing.spec.ingressClassName
	is_string(c)
	c != ""
} else := "Ingress controller"

_ingress_refs(ing) := array.concat(
	[{"backend": {"namespace": lib.namespace(ing), "name": n}, "path": ["spec", "defaultBackend", "service", "name"]} |
		n := ing.spec.defaultBackend.service.name
		n != ""
	],
	[{"backend": {"namespace": lib.namespace(ing), "name": n}, "path": ["spec", "rules", i, "http", "paths", j, "backend", "service", "name"]} |
		some i, rule in object.get(ing, ["spec", "rules"], [])
		some j, p in object.get(rule, ["http", "paths"], [])
		n := p.backend.service.name
		n != ""
	],
)

_gateway_route_kinds := {"HTTPRoute", "GRPCRoute", "TLSRoute"}

routes contains r if {
	some kind in _gateway_route_kinds
	some e in lib.of_kind(concat("/", ["gateway.networking.k8s.io", kind]))
	vias := _vias(e.obj)
	count(vias) > 0
	refs := _backend_refs(e.obj)
	some b in {x.backend | some x in refs}
	r := {"entry": e, "backend": b, "via": concat(", ", sort(vias)), "path": [x.path | some x in refs; x.backend == b][0]}
}

_waypoints contains sprintf("%s/%s", [lib.namespace(e.obj), lib.name(e.obj)]) if {
	some e in lib.of_kind("gateway.networking.k8s.io/Gateway")
	e.obj.spec.gatewayClassName == d.waypoint.gateway_class
}

_vias(route) := {v |
	some p in object.get(route, ["spec", "parentRefs"], [])
	object.get(p, "group", "gateway.networking.k8s.io") == "gateway.networking.k8s.io"
	pk := object.get(p, "kind", "Gateway")
	pk in {"Gateway", "ListenerSet"}
	pns := _or(object.get(p, "namespace", ""), lib.namespace(route))
	not _internal(pk, pns, p.name)
	v := sprintf("%s %s/%s", [pk, pns, p.name])
}

_internal("Gateway", ns, n) if sprintf("%s/%s", [ns, n]) in _waypoints

_or(v, def) := v if v != ""

else := def

_backend_refs(route) := [{"backend": {"namespace": _or(object.get(b, "namespace", ""), lib.namespace(route)), "name": b.name}, "path": ["spec", "rules", i, "backendRefs", j, "name"]} |
	some i, rule in object.get(route, ["spec", "rules"], [])
	some j, b in object.get(rule, "backendRefs", [])
	object.get(b, "group", "") == ""
	object.get(b, "kind", "Service") == "Service"
]

routes contains r if {
	some e in lib.of_kind("networking.istio.io/VirtualService")
	gws := {g | some g in object.get(e.obj, ["spec", "gateways"], []); g != "mesh"}
	count(gws) > 0
	refs := _vs_refs(e.obj)
	some b in {x.backend | some x in refs}
	r := {"entry": e, "backend": b, "via": sprintf("Gateway %s", [concat(", ", sort(gws))]), "path": [x.path | some x in refs; x.backend == b][0]}
}

_vs_refs(vs) := [{"backend": b, "path": ["spec", section, i, "route", j, "destination", "host"]} |
	some section in ["http", "tls", "tcp"]
	some i, x in object.get(vs, ["spec", section], [])
	some j, dst in object.get(x, "route", [])
	b := _host_backend(lib.str(object.get(dst, ["destination", "host"], "")), lib.namespace(vs))
]

# _host_backend is the Service a VirtualService host names (kiali.HostBackend).
_host_backend(host, ns) := {"namespace": ns, "name": host} if {
	host != ""
	not contains(host, "*")
	count(split(host, ".")) == 1
	ns != ""
} else := {"namespace": parts[1], "name": parts[0]} if {
	host != ""
	not contains(host, "*")
	parts := split(host, ".")
	count(parts) >= 3
	parts[2] == "svc"
	parts[0] != ""
	parts[1] != ""
}

routes contains r if {
	some e in lib.of_kind(concat("/", [d.kiali.route_group, "Route"]))
	refs := array.concat(
		[{"t": t, "path": ["spec", "to", "name"]} | t := e.obj.spec.to; is_object(t)],
		[{"t": t, "path": ["spec", "alternateBackends", i, "name"]} | some i, t in object.get(e.obj, ["spec", "alternateBackends"], []); is_object(t)],
	)
	ok := [{"backend": {"namespace": lib.namespace(e.obj), "name": x.t.name}, "path": x.path} |
		some x in refs
		object.get(x.t, "kind", "Service") in {"", "Service"}
		lib.str(object.get(x.t, "name", "")) != ""
	]
	some b in {x.backend | some x in ok}
	r := {"entry": e, "backend": b, "via": "OpenShift router", "path": [x.path | some x in ok; x.backend == b][0]}
}
