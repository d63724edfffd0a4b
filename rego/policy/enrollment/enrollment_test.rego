# Unit tests of package ambientlint.enrollment (AMB002, AMB003, AMB202), in both input modes.
package ambientlint.enrollment_test

import rego.v1

import data.ambientlint.enrollment

_ns(name, labels) := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}

_combined(objs) := [{"path": "tree.yaml", "contents": o} | some o in objs]

_rules(set) := {[r.rule, r.path] | some r in set}

test_unknown_key_with_case_suggestion if {
	ds := enrollment.deny with input as _ns("shop", {"istio.io/Dataplane_Mode": "ambient"})
	some r in ds
	r.rule == "AMB002"
	r.name == "unknown-istio-key"
	r.severity == "error"
	r.path == ["metadata", "labels", "istio.io/Dataplane_Mode"]
	contains(r.msg, `did you mean "istio.io/dataplane-mode"?`)
}

# A near miss of an enrollment key within a few edits is an error (deny); a near miss of
# another key, and a key near none, are warnings (warn). Against a few of the known keys:
# conftest verify traces each test under a time limit, and the whole list is the parity
# test's (lint/policy) and the severity test's (package rego).
_some_keys := ["istio.io/dataplane-mode", "istio.io/ingress-use-waypoint", "istio.io/rev", "istio.io/use-waypoint", "istio.io/use-waypoint-namespace"]

test_near_miss_of_use_waypoint_is_an_error if {
	_rules(enrollment.deny) == {["AMB002", ["metadata", "labels", "istio.io/use-waypoints"]]} with input as _ns("shop", {"istio.io/use-waypoints": "wp"})
		with data.ambientlint.data.known_keys as _some_keys
}

test_swapped_letters_in_ingress_use_waypoint_are_an_error if {
	_rules(enrollment.deny) == {["AMB002", ["metadata", "labels", "istio.io/ingress-use-waypiont"]]} with input as _ns("shop", {"istio.io/ingress-use-waypiont": "true"})
		with data.ambientlint.data.known_keys as _some_keys
}

test_near_miss_of_rev_is_a_warning if {
	labels := {"istio.io/revv": "default"}
	count(enrollment.deny) == 0 with input as _ns("shop", labels) with data.ambientlint.data.known_keys as _some_keys
	ws := enrollment.warn with input as _ns("shop", labels) with data.ambientlint.data.known_keys as _some_keys
	{[r.path[2], r.severity] | some r in ws} == {["istio.io/revv", "warning"]}
	some r in ws
	contains(r.msg, `did you mean "istio.io/rev"?`)
}

test_key_near_none_is_a_warning if {
	labels := {"istio.io/totally-made-up": "x"}
	count(enrollment.deny) == 0 with input as _ns("shop", labels) with data.ambientlint.data.known_keys as _some_keys
	ws := enrollment.warn with input as _ns("shop", labels) with data.ambientlint.data.known_keys as _some_keys
	{[r.path[2], r.severity] | some r in ws} == {["istio.io/totally-made-up", "warning"]}
}

test_osa_distance if {
	enrollment._osa("tls", "tsl", 1) == 1
	enrollment._osa("istio.io/revv", "istio.io/rev", 3) == 1
	enrollment._osa("abc", "abc", 1) == 0
	not enrollment._osa("abcd", "badc", 1)
	enrollment._osa("abcd", "badc", 2) == 2
	enrollment._osa("xabcdy", "xbadcy", 2) == 2
	enrollment._osa("ab", "abab", 3) == 2
	enrollment._osa("", "ab", 2) == 2
	enrollment._common_prefix(["a", "b"], ["a", "c"]) == 1
	enrollment._common_suffix(["a", "b"], ["c", "b"]) == 1
	enrollment._common_suffix(["b"], ["a", "b"]) == 1
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
