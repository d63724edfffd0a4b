# The data plane mode of namespaces and pods, as Istio resolves it: the twin of the SDK's
# ambient.NamespaceMode and ambient.EffectiveMode (the modes only; the Go functions also
# explain them). Modes are "ambient", "sidecar", "none" and "conflict". Label maps hold
# strings (see str).
package ambientlint.lib

import rego.v1

import data.ambientlint.data as d

# namespace_mode is ambient.NamespaceMode(n, ls).Mode.
namespace_mode(n, ls) := "none" if {
	n == d.namespaces.kube_system
} else := "conflict" if {
	_namespace_injects(n, ls)
	_mode_label(ls) == d.values.dataplane_mode.ambient
} else := "sidecar" if {
	_namespace_injects(n, ls)
} else := "ambient" if {
	_mode_label(ls) == d.values.dataplane_mode.ambient
} else := "none"

_mode_label(ls) := str(object.get(ls, d.labels.dataplane_mode, null))

_namespace_injects(n, ls) if {
	not _injector_ignored[n]
	namespace_injection(ls) != ""
}

_injector_ignored := {n | some n in d.namespaces.injector_ignored}

# _has reports whether map m has key k (whatever its value): a lookup, where
# k in object.keys(m) would build the set of keys first.
_has(m, k) if _ := m[k]

# namespace_injection is the label that turns on sidecar injection for a namespace's pods:
# istio-injection=enabled, or istio.io/rev without istio-injection; "" when none does.
namespace_injection(ls) := d.labels.injection if {
	str(object.get(ls, d.labels.injection, null)) == d.values.injection.enabled
} else := d.labels.rev if {
	_has(ls, d.labels.rev)
	not _has(ls, d.labels.injection)
} else := ""

# effective_mode is ambient.EffectiveMode(ns_labels, pod).Mode for a pod in namespace ns
# with the labels and annotations pl and pa, on the host network or not.
effective_mode(ns, nsl, pl, pa, host_network) := "none" if {
	ns == d.namespaces.kube_system
} else := "none" if {
	host_network == true
} else := "sidecar" if {
	_has(pa, d.annotations.sidecar_status)
} else := "conflict" if {
	sidecar_injected(ns, nsl, pl, pa)
	ambient_requested(nsl, pl)
	namespace_injection(nsl) != ""
	_mode_label(nsl) == d.values.dataplane_mode.ambient
} else := "sidecar" if {
	sidecar_injected(ns, nsl, pl, pa)
} else := "ambient" if {
	ambient_requested(nsl, pl)
} else := "none"

# ambient_requested reports whether a pod asks for ambient: its own istio.io/dataplane-mode
# label decides when it is ambient or none, else its namespace's.
ambient_requested(_, pl) if {
	_mode_label(pl) == d.values.dataplane_mode.ambient
}

ambient_requested(nsl, pl) if {
	not _mode_label(pl) in {d.values.dataplane_mode.ambient, d.values.dataplane_mode.none}
	_mode_label(nsl) == d.values.dataplane_mode.ambient
}

# sidecar_injected reports whether the injector gives a pod a sidecar (ambient's
# sidecarInjected): the namespace's injection label, else the pod's istio.io/rev or
# sidecar.istio.io/inject=true label; a pod's inject=false (label, or annotation without the
# label) turns injection off.
sidecar_injected(ns, nsl, pl, pa) if {
	not _injector_ignored[ns]
	_injection_asked(nsl, pl)
	not _injection_refused(pl, pa)
}

sidecar_injected(ns, nsl, pl, _) if {
	not _injector_ignored[ns]
	not _has(nsl, d.labels.injection)
	not _has(nsl, d.labels.rev)
	not _has(pl, d.labels.rev)
	str(object.get(pl, d.labels.sidecar_inject, null)) == "true"
}

_injection_asked(nsl, _) if str(object.get(nsl, d.labels.injection, null)) == d.values.injection.enabled

_injection_asked(nsl, _) if {
	not _has(nsl, d.labels.injection)
	_has(nsl, d.labels.rev)
}

_injection_asked(nsl, pl) if {
	not _has(nsl, d.labels.injection)
	not _has(nsl, d.labels.rev)
	_has(pl, d.labels.rev)
}

_injection_refused(pl, _) if str(object.get(pl, d.labels.sidecar_inject, null)) == "false"

_injection_refused(pl, pa) if {
	not _has(pl, d.labels.sidecar_inject)
	str(object.get(pa, d.annotations.sidecar_inject, null)) == "false"
}

# workload_mode is the effective mode of a workload's pods (see workloads), reading its
# namespace's labels from the tree (none when the tree does not hold the Namespace). A pod
# template without any of the keys the mode reads, off the host network, has its
# namespace's mode: effective_mode with no pod keys is namespace_mode.
workload_mode(w) := m if {
	not object.get(w.spec, "hostNetwork", false) == true
	count(object.filter(w.labels, _pod_label_keys)) == 0
	count(object.filter(w.annotations, _pod_annotation_keys)) == 0
	m := namespace_mode(w.namespace, ns_labels_or_empty(w.namespace))
} else := effective_mode(
	w.namespace,
	ns_labels_or_empty(w.namespace),
	w.labels,
	w.annotations,
	object.get(w.spec, "hostNetwork", false),
)

_pod_label_keys := [d.labels.dataplane_mode, d.labels.rev, d.labels.sidecar_inject]

_pod_annotation_keys := [d.annotations.sidecar_status, d.annotations.sidecar_inject]

ns_labels_or_empty(n) := namespace_labels(n) if has_namespace(n)

else := {}
