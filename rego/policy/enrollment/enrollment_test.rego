# Unit tests of package ambientlint.enrollment (AMB002, AMB003, AMB202), in both input modes.
package ambientlint.enrollment_test

import rego.v1

import data.ambientlint.enrollment

_ns(name, labels) := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}

_combined(objs) := [{"path": "tree.yaml", "contents": o} | some o in objs]

_rules(set) := {[r.rule, r.path] | some r in set}

test_unknown_key_with_case_suggestion if {
	ws := enrollment.warn with input as _ns("shop", {"istio.io/Dataplane_Mode": "ambient"})
	some r in ws
	r.rule == "AMB002"
	r.name == "unknown-istio-key"
	r.severity == "warning"
	r.path == ["metadata", "labels", "istio.io/Dataplane_Mode"]
	contains(r.msg, `did you mean "istio.io/dataplane-mode"?`)
}

test_known_and_foreign_keys_pass if {
	count(enrollment.warn) == 0 with input as _ns("shop", {"istio.io/rev": "x", "team.example.com/a": "b", "${P}.istio.io/x": "y"})
}

test_invalid_value if {
	_rules(enrollment.deny) == {["AMB003", ["metadata", "labels", "istio.io/dataplane-mode"]]} with input as _ns("shop", {"istio.io/dataplane-mode": "Ambient"})
}

test_opaque_value_not_judged if {
	count(enrollment.deny) == 0 with input as _ns("shop", {"istio.io/dataplane-mode": "${MODE}"})
}

test_namespace_conflict_per_document if {
	_rules(enrollment.deny) == {["AMB202", ["metadata", "labels", "istio-injection"]]} with input as _ns("shop", {"istio.io/dataplane-mode": "ambient", "istio-injection": "enabled", "istio.io/rev": "x"})
}

_pod(ns, labels) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": ns, "labels": labels}, "spec": {}}

test_pod_conflict_needs_its_namespace if {
	pod := _pod("apps", {"istio.io/dataplane-mode": "ambient"})
	count(enrollment.deny) == 0 with input as pod
	_rules(enrollment.deny) == {["AMB202", ["metadata", "labels", "istio.io/dataplane-mode"]]} with input as _combined([_ns("apps", {"istio-injection": "enabled"}), pod])
}

test_pod_opting_out_is_fine if {
	pod := _pod("apps", {"istio.io/dataplane-mode": "none", "sidecar.istio.io/inject": "true"})
	count(enrollment.deny) == 0 with input as _combined([_ns("apps", {"istio.io/dataplane-mode": "ambient"}), pod])
}

test_combined_results_say_where if {
	some r in enrollment.deny with input as _combined([_ns("shop", {"istio.io/dataplane-mode": "x"})])
	r.file == "tree.yaml"
	r.doc == 0
}
