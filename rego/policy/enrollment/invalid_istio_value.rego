# AMB003 invalid-istio-value (error): a known Istio label whose value Istio does not accept
# (ambient.ValidateValue): istio.io/dataplane-mode not ambient/none, istio.io/waypoint-for not
# service/workload/all/none, istio-injection not enabled/disabled, istio.io/ingress-use-waypoint
# not true/false, on an object or its pod template. Values are compared exactly, as Istio
# compares them; a value that differs only in case or surrounding spaces gets "did you mean".
# Values a later tool fills in (${VAR}) are not judged. Per object: both conftest modes.
package ambientlint.enrollment

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

deny contains r if {
	some m in lib.istio_meta
	m.label
	allowed := d.allowed_values[m.key]
	not m.value in allowed
	not lib.opaque(m.value)
	msg := sprintf("%s: Istio does not accept the value %q; it accepts %s%s", [m.key, m.value, concat(", ", allowed), _did_you_mean(m.value, allowed)])
	r := lib.result("AMB003", m.entry, array.concat(m.base, [m.key]), msg)
}

_did_you_mean(v, allowed) := sprintf(" (did you mean %q?)", [s]) if {
	s := [a | some a in allowed; lower(trim_space(v)) == lower(a)][0]
} else := ""
