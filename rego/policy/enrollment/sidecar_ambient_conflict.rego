# AMB202 sidecar-ambient-conflict (error): a Namespace labelled istio.io/dataplane-mode=ambient
# that also turns on sidecar injection (istio-injection=enabled, or istio.io/rev without
# istio-injection), reported at the first label to remove; or a pod template (or Pod) that asks
# for ambient, through its own label or its namespace's, and ends up with a sidecar (the SDK's
# ambient.EffectiveMode). Sidecar injection wins: the pods stay out of ambient.
#
# The Namespace part reads one object and runs in both conftest modes; the pod part needs the
# pod's Namespace and runs with --combine only. Differs from the Go rule: a Namespace's name is
# its metadata.name, not the names kustomize overlays give it.
package ambientlint.enrollment

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

deny contains r if {
	some e in lib.of_kind("/Namespace")
	n := lib.name(e.obj)
	ls := lib.labels(e.obj)
	lib.namespace_mode(n, ls) == "conflict"
	culprits := _culprits(ls)
	count(culprits) > 0
	injection := lib.namespace_injection(ls)
	msg := sprintf("Namespace %q has both the label %s=%s and the label %s=%s; sidecar injection wins, so its pods get sidecars and stay out of ambient: remove %s", [
		n, d.labels.dataplane_mode, d.values.dataplane_mode.ambient,
		injection, lib.str(ls[injection]), _label_list(culprits),
	])
	r := lib.result("AMB202", e, ["metadata", "labels", culprits[0]], msg)
}

_culprits(ls) := [k |
	some k in [d.labels.injection, d.labels.rev]
	_culprit(ls, k)
]

_culprit(ls, k) if {
	k == d.labels.injection
	lib.str(ls[k]) == d.values.injection.enabled
}

_culprit(ls, k) if {
	k == d.labels.rev
	lib.has_key(ls, k)
}

_label_list(keys) := concat(" and the label ", [sprintf("the label %s", [k]) | some k in keys])

# conflicted holds the namespaces whose Namespace object conflicts: their finding covers their
# pods.
_conflicted contains n if {
	some e in lib.of_kind("/Namespace")
	n := lib.name(e.obj)
	lib.namespace_mode(n, lib.labels(e.obj)) == "conflict"
}

deny contains r if {
	lib.combined
	some w in lib.workloads
	w.mode == "sidecar"
	not w.namespace in _conflicted
	not lib.has_key(w.annotations, d.annotations.sidecar_status)
	nsl := lib.ns_labels_or_empty(w.namespace)
	lib.ambient_requested(nsl, w.labels)
	meta := array.concat(w.path, ["metadata", "labels"])
	msg := sprintf("%s asks for ambient mode and for a sidecar: %s", [_what(w), _why(w, nsl)])
	r := lib.result("AMB202", w.entry, _at(w, meta), msg)
}

_at(w, meta) := array.concat(meta, [k]) if {
	k := [k | some k in [d.labels.sidecar_inject, d.labels.rev, d.labels.dataplane_mode]; lib.has_key(w.labels, k)][0]
} else := meta

_what(w) := lib.object_name(w.entry.obj) if w.entry.obj.kind == "Pod"

else := sprintf("the pod template of %s", [lib.object_name(w.entry.obj)])

_why(w, nsl) := sprintf("namespace %q has the label %s, so the pod gets a sidecar", [w.namespace, _ns_injection_label(nsl)]) if {
	lib.namespace_injection(nsl) != ""
} else := sprintf("the pod has the label %s=%s, so the pod gets a sidecar", [d.labels.rev, lib.str(w.labels[d.labels.rev])]) if {
	lib.has_key(w.labels, d.labels.rev)
} else := sprintf("The pod asks for a sidecar with the label %s=true; sidecar injection wins over ambient, so ztunnel does not capture the pod", [d.labels.sidecar_inject])

_ns_injection_label(nsl) := sprintf("%s=%s", [k, lib.str(nsl[k])]) if k := lib.namespace_injection(nsl)
