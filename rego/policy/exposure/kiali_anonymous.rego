# AMB402 kiali-anonymous (warning): Kiali runs with auth.strategy anonymous, in the spec of a
# Kiali CR, the values of a kiali-server chart install (or of a kiali-operator install under
# cr.spec), or the config.yaml of the kiali ConfigMap. With --combine the message says whether
# the tree also makes that Kiali reachable from outside the cluster (AMB401); per document it
# does not guess.
package ambientlint.exposure

import rego.v1

import data.ambientlint.lib

warn contains r if {
	some a in anonymous
	ns := a.instance.namespace
	msg := sprintf("Kiali in namespace %s runs with auth.strategy anonymous (%s)%s", [ns, a.what, _consequence(a)])
	r := object.union(lib.result("AMB402", a.entry, a.path, msg), object.filter(a, ["value_line"]))
}

_consequence(a) := ", and the tree makes it reachable from outside the cluster (AMB401): anyone can use it, and change the mesh, without credentials; use auth.strategy token or openid" if {
	a.instance.namespace in exposed_namespaces
} else := sprintf(": anyone who reaches it acts with Kiali's own rights, without logging in; the tree keeps it private, so keep it so (ClusterIP, no route) and open it with kubectl -n %s port-forward svc/%s 20001:20001", [a.instance.namespace, _service(a.instance)]) if {
	lib.combined
} else := ": anyone who reaches it acts with Kiali's own rights, without logging in; keep it private (ClusterIP, no route) or use auth.strategy token or openid"

_service(inst) := lib.name(s.obj) if {
	svcs := [e | some e in kiali_services; lib.namespace(e.obj) == inst.namespace]
	s := svcs[0]
} else := inst.name
