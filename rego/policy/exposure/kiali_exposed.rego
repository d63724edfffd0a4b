# AMB401 kiali-exposed (error): Kiali is reachable from outside the cluster: its Service is
# NodePort or LoadBalancer or has externalIPs; an Ingress, an HTTPRoute, GRPCRoute or TLSRoute
# on a Gateway that is not a waypoint, a VirtualService bound to a gateway other than mesh, or
# an OpenShift Route sends traffic to it; or the Kiali CR or the kiali-server / kiali-operator
# chart values set deployment.service_type NodePort or LoadBalancer, deployment.ingress.enabled
# true, or such a type or external IPs in deployment.additional_service_yaml. The message says
# when the same Kiali also runs with auth.strategy anonymous.
#
# Services and settings are read per object (both conftest modes; the anonymous note then
# covers what the same object says); routes join a route and Kiali's Service or configuration:
# --combine only. See kiali.rego for the chart values read.
package ambientlint.exposure

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

deny contains r if {
	some x in exposures
	inst := x.instance
	msg := sprintf("Kiali (%s/%s) is reachable from outside the cluster: %s%s; keep it ClusterIP without routes and open it with kubectl -n %s port-forward svc/%s %s", [
		inst.namespace, inst.name, x.why, _anonymous_note(inst.namespace), inst.namespace, inst.name, _port_forward(inst),
	])
	r := lib.result("AMB401", x.entry, x.path, msg)
}

_anonymous_note(ns) := "; it runs with auth.strategy anonymous, so anyone can reach the mesh's control plane without credentials" if {
	ns in anonymous_namespaces
} else := ""

# _port_forward is the ports of the kubectl port-forward that opens Kiali's Service: local
# d.kiali.port to the Service port that serves Kiali, which the tree's Service may number
# otherwise (port-forward svc/ takes a Service port).
_port_forward(inst) := sprintf("%d:%d", [d.kiali.port, p]) if {
	ps := [x.port |
		some e in kiali_services
		lib.namespace(e.obj) == inst.namespace
		lib.name(e.obj) == inst.name
		some x in object.get(e.obj, ["spec", "ports"], [])
		is_number(x.port)
	]
	count(ps) > 0
	not d.kiali.port in ps
	p := ps[0]
} else := sprintf("%d:%d", [d.kiali.port, d.kiali.port])
