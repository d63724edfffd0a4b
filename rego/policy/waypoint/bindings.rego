# The waypoint bindings of the tree, for AMB203, AMB204 and AMB207: every istio.io/use-waypoint
# label on a Namespace, Service, ServiceEntry, WorkloadEntry, Pod or pod template that names a
# waypoint (not none, not empty, not filled in later), with the namespace of the waypoint it
# reaches (istio.io/use-waypoint-namespace, else the object's own) and the path of the label.
# Also the Gateways of the tree by namespace/name and their traffic types.
#
# Raw objects: a binding's namespace is metadata.namespace (a Namespace's, its name), and a
# label a build adds (kustomize commonLabels, Flux commonMetadata) is not seen.
package ambientlint.waypoint

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

_binding_kinds := {
	"/Namespace": "Namespace",
	"/Service": "Service",
	"networking.istio.io/ServiceEntry": "ServiceEntry",
	"networking.istio.io/WorkloadEntry": "WorkloadEntry",
	"/Pod": "Pod",
}

# bindings is an array: a set of them would hash every binding's manifest.
bindings := array.concat(_object_bindings, _template_bindings)

_object_bindings := [b |
	some gk, kind in _binding_kinds
	some e in lib.of_kind(gk)
	ls := e.obj.metadata.labels
	_ := ls[d.labels.use_waypoint]
	ns := _binding_namespace(e.obj, kind)
	b := _binding(e, kind, ns, ls, ["metadata", "labels"])
]

_template_bindings := [b |
	some w in lib.workloads
	_ := w.labels[d.labels.use_waypoint]
	w.entry.obj.kind != "Pod"
	b := _binding(w.entry, "Pod", w.namespace, w.labels, array.concat(w.path, ["metadata", "labels"]))
]

_binding_namespace(obj, "Namespace") := lib.name(obj)

_binding_namespace(obj, kind) := lib.namespace(obj) if kind != "Namespace"

# binding_what names the object of a binding in messages; built only for one reported.
binding_what(b) := sprintf("the pod template of %s", [lib.object_name(b.entry.obj)]) if {
	b.kind == "Pod"
	b.entry.obj.kind != "Pod"
} else := sprintf("Namespace %s", [lib.name(b.entry.obj)]) if {
	b.kind == "Namespace"
} else := lib.object_name(b.entry.obj)

_binding(e, kind, ns, ls, base) := b if {
	wp := lib.str(ls[d.labels.use_waypoint])
	not wp in {"", d.values.use_waypoint_none}
	not lib.opaque(wp)
	wpns := _waypoint_namespace(ls, ns)
	b := {
		"entry": e, "kind": kind, "namespace": ns,
		"name": wp, "waypoint_namespace": wpns.ns, "cross": wpns.cross,
		"path": array.concat(base, [d.labels.use_waypoint]),
	}
}

_waypoint_namespace(ls, ns) := {"ns": v, "cross": true} if {
	v := lib.str(ls[d.labels.use_waypoint_namespace])
	not lib.opaque(v)
} else := {"ns": ns, "cross": false} if {
	not lib.has_key(ls, d.labels.use_waypoint_namespace)
}

# gateways indexes the Gateways of the tree by namespace/name, the first of each.
gateways := lib.first_by_key([[sprintf("%s/%s", [lib.namespace(e.obj), lib.name(e.obj)]), e] | some e in lib.of_kind("gateway.networking.k8s.io/Gateway")])

gateway(ns, n) := gateways[sprintf("%s/%s", [ns, n])]

# traffic_type is the traffic a Gateway serves (waypoint.TrafficType): its
# istio.io/waypoint-for label, else its GatewayClass's when the tree defines the class, else
# the default; with where the value comes from, for messages.
traffic_type(gw) := {"type": tt, "source": sprintf("the Gateway's label %s=%s", [d.labels.waypoint_for, tt])} if {
	lib.has_key(lib.labels(gw), d.labels.waypoint_for)
	tt := lib.str(lib.labels(gw)[d.labels.waypoint_for])
} else := {"type": tt, "source": sprintf("the label %s=%s of GatewayClass %s", [d.labels.waypoint_for, tt, lib.name(c)])} if {
	c := lib.get("gateway.networking.k8s.io/GatewayClass", "", gw.spec.gatewayClassName).obj
	lib.has_key(lib.labels(c), d.labels.waypoint_for)
	tt := lib.str(lib.labels(c)[d.labels.waypoint_for])
} else := {"type": tt, "source": sprintf("the default %q, as neither the Gateway nor its GatewayClass sets %s", [tt, d.labels.waypoint_for])} if {
	tt := d.waypoint.default_traffic_type
}

# serves reports whether traffic type tt serves bindings of kind (waypoint.ServesKind).
serves(tt, kind) if d.waypoint.serves[tt][kind]

# waypoint_names are the names of the Gateways of namespace ns meant as waypoints (class
# istio-waypoint, or labelled istio.io/waypoint-for), sorted.
waypoint_names(ns) := sort([n |
	some e in lib.of_kind("gateway.networking.k8s.io/Gateway")
	lib.namespace(e.obj) == ns
	_meant_as_waypoint(e.obj)
	n := lib.name(e.obj)
])

_meant_as_waypoint(gw) if gw.spec.gatewayClassName == d.waypoint.gateway_class

_meant_as_waypoint(gw) if lib.has_key(lib.labels(gw), d.labels.waypoint_for)
