# AMB204 waypoint-traffic-mismatch (error): a Service, ServiceEntry or Namespace binds a
# waypoint whose traffic type (istio.io/waypoint-for on the Gateway, else on its GatewayClass
# when the tree defines it, else service) is workload or none; or a pod template, Pod or
# WorkloadEntry binds one whose type is service or none. istiod does not attach the waypoint
# and the traffic goes around it.
#
# Cross-object: --combine only. Reads the same bindings and Gateways as the Go rule, on raw
# objects (see bindings.rego).
package ambientlint.waypoint

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

deny contains r if {
	lib.combined
	some b in bindings
	gw := gateway(b.waypoint_namespace, b.name)
	tt := traffic_type(gw.obj)
	not lib.opaque(tt.type)
	not serves(tt.type, b.kind)
	msg := sprintf("%s binds waypoint %s/%s, which serves %s (traffic type %q, from %s), but the binding needs %s: %s", [
		binding_what(b), b.waypoint_namespace, b.name, _serves(tt.type), tt.type, tt.source, _needs(b.kind), _effect(b.kind),
	])
	r := lib.result("AMB204", b.entry, b.path, msg)
}

_needs(kind) := "service traffic (service or all)" if kind in {"Service", "ServiceEntry", "Namespace"}

else := "workload traffic (workload or all)"

_serves(tt) := "service traffic only" if tt == d.values.waypoint_for.service

else := "workload traffic only" if tt == d.values.waypoint_for.workload

else := "no traffic"

_effect("Namespace") := "istiod does not attach it to the namespace's Services, whose traffic goes around it"

_effect(kind) := "istiod does not attach the waypoint and the traffic goes around it" if kind != "Namespace"
