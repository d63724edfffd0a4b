# AMB203 waypoint-not-found (error): istio.io/use-waypoint names a waypoint, in the object's
# namespace or the one istio.io/use-waypoint-namespace names, and the tree defines no Gateway
# of that name there although it holds that namespace's manifests. istiod then sends the
# traffic around any waypoint. The value none opts out and is never reported.
#
# Cross-object: --combine only. In conftest, which does not know which sources the tree
# holds, a namespace counts as held when some object of the input lives in it and no Argo CD
# Application, Flux Kustomization or HelmRelease of the input deploys into it (their sources
# may bring the waypoint); in ambientlint, as the Go rule, unless a chart or a source the tree
# does not hold renders into it (data.ambientlint.context.unseen_namespaces). The
# Go rule also suggests a waypoint of a close name; this one lists the namespace's waypoints.
package ambientlint.waypoint

import rego.v1

import data.ambientlint.lib

deny contains r if {
	lib.combined
	some b in bindings
	not gateway(b.waypoint_namespace, b.name)
	_holds_namespace(b.waypoint_namespace)
	msg := sprintf("%s uses waypoint %q %s, but the tree defines no Gateway %s/%s there: istiod sends its traffic around any waypoint%s", [
		binding_what(b), b.name, _how(b), b.waypoint_namespace, b.name, _names(b.waypoint_namespace),
	])
	r := lib.result("AMB203", b.entry, b.path, msg)
}

_how(b) := sprintf("in namespace %s (istio.io/use-waypoint-namespace)", [b.waypoint_namespace]) if b.cross

else := sprintf("in its namespace %s", [b.waypoint_namespace])

_names(ns) := sprintf("; namespace %s has the waypoints %s", [ns, concat(", ", names)]) if {
	names := waypoint_names(ns)
	count(names) > 0
} else := ""

_holds_namespace(ns) if {
	ns != ""
	ns in lib.in_namespace
	not ns in _unseen
}

# _unseen are the namespaces that may receive objects the input does not hold. ambientlint
# knows them (data.ambientlint.context.unseen_namespaces: chart installs, sources the tree
# does not hold); conftest does not, and then every namespace a GitOps unit deploys into may
# be one.
_unseen := u if {
	is_array(data.ambientlint.context.unseen_namespaces)
	u := {ns | some ns in data.ambientlint.context.unseen_namespaces}
} else := _deployed_from_elsewhere

# _deployed_from_elsewhere are the namespaces that a GitOps unit of the input deploys into.
_deployed_from_elsewhere contains ns if {
	some e in lib.of_kind("argoproj.io/Application")
	ns := e.obj.spec.destination.namespace
}

_deployed_from_elsewhere contains ns if {
	some e in lib.of_kind("kustomize.toolkit.fluxcd.io/Kustomization")
	ns := e.obj.spec.targetNamespace
}

_deployed_from_elsewhere contains ns if {
	some e in lib.of_kind("helm.toolkit.fluxcd.io/HelmRelease")
	ns := object.get(e.obj.spec, "targetNamespace", lib.namespace(e.obj))
}
