# AMB110 cni-chaining-conflict: the tree installs Istio in ambient mode and a CNI whose
# settings break istio-cni's chaining or ambient's traffic path. An error (deny) for the
# Cilium chart (cilium from a repository whose address names cilium) with cni.exclusive true
# or unset (Cilium's default is true); warnings (warn) for Cilium socket load-balancing
# (socketLB.enabled, or kubeProxyReplacement true or strict) without
# socketLB.hostNamespaceOnly: true, for bpf.masquerade: true without bpf.hostLegacyRouting:
# true, and for Calico's eBPF data plane (the tigera-operator chart's
# installation.calicoNetwork.linuxDataplane, an Installation's, or a FelixConfiguration's
# bpfEnabled) with the default FelixConfiguration (an object, or the chart's
# defaultFelixConfiguration) leaving bpfConnectTimeLoadBalancing at anything but Disabled.
#
# Cross-object: --combine only. The Go rule judges a CNI only in a tree that installs ambient
# (it enrolls a namespace or workload, installs ztunnel, or installs istiod or istio-cni with
# the ambient profile), which one document does not show: a Cilium Application alone stays
# silent rather than guess. The chart values are those of lib.helm_installs: in ambientlint
# the model's merged values and whether they are all known; in conftest the inline ones
# (Argo CD helm.parameters, valuesObject, values; a HelmRelease's spec.values), any value
# file or valuesFrom making them not known, so that an unset key proves nothing. Objects as
# written: a namespace enrolled by a label a build adds is not seen.
package ambientlint.platform

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

# Cilium.

_cilium := [i |
	some i in lib.helm_installs
	i.chart == d.cni.cilium_chart
	contains(lower(i.repo), d.cni.cilium_repo)
]

deny contains r if {
	lib.combined
	_installs_ambient
	some i in _cilium
	_bool(i, "cni.exclusive") == true
	at := lib.helm_value_path(i, "cni.exclusive")
	msg := sprintf("%s sets cni.exclusive: true, so the Cilium agent renames istio-cni's CNI configuration away and new pods start without ambient redirection: set cni.exclusive: false", [_what(i)])
	r := _at(lib.result("AMB110", i.entry, at.path, msg), at)
}

deny contains r if {
	lib.combined
	_installs_ambient
	some i in _cilium
	not _set(i, "cni.exclusive")
	i.known
	msg := sprintf("%s leaves cni.exclusive at its default, true, so the Cilium agent renames istio-cni's CNI configuration away and new pods start without ambient redirection: set cni.exclusive: false", [_what(i)])
	r := lib.result("AMB110", i.entry, i.fallback, msg)
}

warn contains r if {
	lib.combined
	_installs_ambient
	some i in _cilium
	not _host_namespace_only_possible(i)
	s := _socket_lb(i)
	at := lib.helm_value_path(i, s.key)
	msg := sprintf("%s sets %s without socketLB.hostNamespaceOnly: true, so pods' connections to Services go straight to a backend pod and bypass waypoints: set socketLB.hostNamespaceOnly: true", [_what(i), s.why])
	r := _at(lib.result_as("AMB110", "warning", i.entry, at.path, msg), at)
}

warn contains r if {
	lib.combined
	_installs_ambient
	some i in _cilium
	_bool(i, "bpf.masquerade") == true
	not _true(i, "bpf.hostLegacyRouting")
	not _set_but_not_bool(i, "bpf.hostLegacyRouting")
	_set_or_known(i, "bpf.hostLegacyRouting")
	at := lib.helm_value_path(i, "bpf.masquerade")
	msg := sprintf("%s sets bpf.masquerade: true without bpf.hostLegacyRouting: true, so Cilium's eBPF host routing drops the replies to kubelet probes that ambient sends from 169.254.7.127 and probes of enrolled pods fail: set bpf.hostLegacyRouting: true", [_what(i)])
	r := _at(lib.result_as("AMB110", "warning", i.entry, at.path, msg), at)
}

# socketLB.hostNamespaceOnly is on, opaque, or possibly set where the tree does not show.
_host_namespace_only_possible(i) if _true(i, "socketLB.hostNamespaceOnly")

_host_namespace_only_possible(i) if _set_but_not_bool(i, "socketLB.hostNamespaceOnly")

_host_namespace_only_possible(i) if {
	not _set(i, "socketLB.hostNamespaceOnly")
	not i.known
}

_socket_lb(i) := {"key": "socketLB.enabled", "why": "socketLB.enabled: true"} if {
	_bool(i, "socketLB.enabled") == true
} else := {"key": "kubeProxyReplacement", "why": sprintf("kubeProxyReplacement: %s (which turns on socket load-balancing)", [kpr])} if {
	not _set(i, "socketLB.enabled")
	kpr := _string(i, "kubeProxyReplacement")
	lower(kpr) in d.cni.socket_lb_kpr_values
}

_set_or_known(i, path) if _set(i, path)

_set_or_known(i, _) if i.known

# Calico.

# _ebpf are where the tree turns on Calico's eBPF data plane.
_ebpf contains i.entry.doc if {
	some i in lib.helm_installs
	i.chart == d.cni.calico_chart
	upper(_string(i, "installation.calicoNetwork.linuxDataplane")) == "BPF"
}

_ebpf contains e.doc if {
	some e in lib.of_kind(d.cni.calico_installation)
	upper(lib.str(object.get(e.obj, ["spec", "calicoNetwork", "linuxDataplane"], ""))) == "BPF"
}

_ebpf contains e.doc if {
	some e in lib.kinds(d.cni.felix_configurations)
	lower(lib.str(object.get(e.obj, ["spec", "bpfEnabled"], ""))) == "true"
}

_felix_key := "bpfConnectTimeLoadBalancing"

warn contains r if {
	lib.combined
	_installs_ambient
	count(_ebpf) > 0
	some e in lib.kinds(d.cni.felix_configurations)
	lib.name(e.obj) == d.cni.felix_default_name
	state := _felix_state(object.get(e.obj, "spec", {}))
	not lower(state.mode) == "disabled"
	msg := sprintf("%s %s %s with Calico's eBPF data plane, so pods' connections to Services go straight to a backend pod and bypass waypoints: set %s: Disabled", [e.obj.kind, lib.name(e.obj), _state_text(state), _felix_key])
	r := lib.result_as("AMB110", "warning", e, ["spec", _felix_key], msg)
}

warn contains r if {
	lib.combined
	_installs_ambient
	count(_ebpf) > 0
	some i in lib.helm_installs
	i.chart == d.cni.calico_chart
	_bool(i, "defaultFelixConfiguration.enabled") == true
	state := _chart_felix_state(i)
	not lower(state.mode) == "disabled"
	at := lib.helm_value_path(i, "defaultFelixConfiguration.bpfConnectTimeLoadBalancing")
	msg := sprintf("the defaultFelixConfiguration of %s %s with Calico's eBPF data plane, so pods' connections to Services go straight to a backend pod and bypass waypoints: set %s: Disabled", [_what(i), _state_text(state), _felix_key])
	r := _at(lib.result_as("AMB110", "warning", i.entry, at.path, msg), at)
}

_felix_state(spec) := {"set": true, "mode": v} if {
	v := lib.str(spec[_felix_key])
	not lib.opaque(v)
} else := {"set": true, "mode": m} if {
	not lib.has_key(spec, _felix_key)
	b := _any_bool(spec.bpfConnectTimeLoadBalancingEnabled)
	m := {true: "Enabled", false: "Disabled"}[b]
} else := {"set": false, "mode": ""} if {
	not lib.has_key(spec, _felix_key)
	not lib.has_key(spec, "bpfConnectTimeLoadBalancingEnabled")
}

_chart_felix_state(i) := {"set": true, "mode": m} if {
	m := _string(i, "defaultFelixConfiguration.bpfConnectTimeLoadBalancing")
} else := {"set": false, "mode": ""} if {
	not _set(i, "defaultFelixConfiguration.bpfConnectTimeLoadBalancing")
	i.known
}

_state_text(state) := sprintf("sets %s: %s", [_felix_key, state.mode]) if state.set

else := sprintf("leaves %s at its default, TCP,", [_felix_key])

# Whether the tree installs Istio in ambient mode (the Go rule's treeInstallsAmbient).

_installs_ambient if {
	some e in lib.of_kind("/Namespace")
	lib.str(object.get(lib.labels(e.obj), d.labels.dataplane_mode, null)) == d.values.dataplane_mode.ambient
}

_installs_ambient if {
	some w in lib.workloads
	lib.str(object.get(w.labels, d.labels.dataplane_mode, null)) == d.values.dataplane_mode.ambient
}

_installs_ambient if {
	some e in lib.of_kind("argoproj.io/Application")
	lib.str(object.get(e.obj, ["spec", "syncPolicy", "managedNamespaceMetadata", "labels", d.labels.dataplane_mode], null)) == d.values.dataplane_mode.ambient
}

_installs_ambient if {
	some e in lib.of_kind("apps/DaemonSet")
	_is_ztunnel(e.obj)
}

_installs_ambient if some _ in lib.of_kind("sailoperator.io/ZTunnel")

_installs_ambient if {
	some i in lib.helm_installs
	lib.istio_chart_repo(i.repo)
	i.chart in {"ztunnel", "ambient"}
}

_installs_ambient if {
	some i in lib.helm_installs
	lib.istio_chart_repo(i.repo)
	i.chart in {"istiod", "cni"}
	_ambient_profile(i)
}

_is_ztunnel(o) if lib.name(o) == "ztunnel"

_is_ztunnel(o) if lib.labels(o).app == "ztunnel"

_is_ztunnel(o) if o.spec.template.metadata.labels.app == "ztunnel"

# _ambient_profile: the chart's values turn ambient on (AMB107's chartAmbient): a profile
# naming ambient, or the switch of the chart.
_ambient_profile(i) if contains(lib.str(lib.helm_value(i, "profile")), "ambient")

_ambient_profile(i) if {
	not _opaque_profile(i)
	some key in _ambient_switches[i.chart]
	lower(lib.str(lib.helm_value(i, key))) == "true"
}

_opaque_profile(i) if lib.opaque(lib.str(lib.helm_value(i, "profile")))

_ambient_switches := {
	"istiod": ["pilot.env.PILOT_ENABLE_AMBIENT", "env.PILOT_ENABLE_AMBIENT"],
	"cni": ["ambient.enabled", "cni.ambient.enabled"],
}

# Chart values as the Go rule reads them (chartBool, chartString).

_set(i, path) if lib.helm_value(i, path)

_set(i, path) if lib.helm_value(i, path) == false

_bool(i, path) := _any_bool(lib.helm_value(i, path))

_true(i, path) if _bool(i, path) == true

_set_but_not_bool(i, path) if {
	_set(i, path)
	not _bool(i, path)
}

_any_bool(v) := v if is_boolean(v)

_any_bool(v) := b if {
	is_string(v)
	b := {"true": true, "false": false}[lower(trim_space(v))]
}

_string(i, path) := s if {
	v := lib.helm_value(i, path)
	not is_null(v)
	not is_object(v)
	not is_array(v)
	s := lib.str(v)
	not lib.opaque(s)
}

_what(i) := sprintf("chart %s of %s", [i.chart, lib.object_name(i.entry.obj)])

# _at adds value_line to a result whose value is in the text of helm.values.
_at(r, at) := object.union(r, {"value_line": at.line}) if at.line > 0

else := r
