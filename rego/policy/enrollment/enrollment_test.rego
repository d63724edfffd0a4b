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

# AMB002 on the inline values of Istio's charts, against a small key table: istiod reads
# pilot and profile at 1.29, and revision too at 1.30; a version whose minor the table does
# not hold is judged by every key of any minor.
_charts := {
	"charts": data.ambientlint.data.istio_charts.charts,
	"repo_substrings": data.ambientlint.data.istio_charts.repo_substrings,
	"keys": {
		"1.29": {"istiod": ["pilot", "profile"], "ztunnel": ["resourceName"]},
		"1.30": {"istiod": ["pilot", "profile", "revision"], "ztunnel": ["resourceName"]},
	},
}

_app(sources) := {
	"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
	"metadata": {"name": "istiod", "namespace": "argocd"},
	"spec": {"sources": sources},
}

_istio_repo := "https://istio-release.storage.googleapis.com/charts"

_release(chart, version, values) := {
	"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
	"metadata": {"name": chart, "namespace": "istio-system"},
	"spec": {
		"chart": {"spec": {"chart": chart, "version": version, "sourceRef": {"kind": "HelmRepository", "name": "istio"}}},
		"values": values,
	},
}

_helm_repo(url) := {
	"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "HelmRepository",
	"metadata": {"name": "istio", "namespace": "istio-system"},
	"spec": {"url": url},
}

test_misspelt_chart_value_of_an_application if {
	app := {
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "istiod"},
		"spec": {"source": {
			"repoURL": _istio_repo, "chart": "istiod", "targetRevision": "1.29.2",
			"helm": {"valuesObject": {"proflie": "ambient", "pilot": {}}},
		}},
	}
	ws := enrollment.warn with input as app with data.ambientlint.data.istio_charts as _charts
	{[r.path, r.severity, r.msg] | some r in ws} == {[
		["spec", "source", "helm", "valuesObject", "proflie"], "warning",
		`unknown value "proflie" for Istio's istiod chart (1.29.2): did you mean "profile"? Helm passes it through and the chart ignores it`,
	]}
	count(enrollment.deny) == 0 with input as app with data.ambientlint.data.istio_charts as _charts
}

test_chart_values_are_judged_at_the_version_installed if {
	app := _app([
		{"repoURL": "https://example.com/git", "ref": "values"},
		{"repoURL": "oci://gcr.io/istio-release/charts", "chart": "istiod", "targetRevision": "v1.29.0", "helm": {"valuesObject": {"revision": "a"}}},
		{"repoURL": _istio_repo, "chart": "istiod", "targetRevision": "1.30.1-rc.0", "helm": {"valuesObject": {"revision": "b"}}},
		{"repoURL": _istio_repo, "chart": "istiod", "targetRevision": "1.31.0", "helm": {"valuesObject": {"revision": "c"}}},
	])
	ws := enrollment.warn with input as app with data.ambientlint.data.istio_charts as _charts
	{r.path | some r in ws} == {["spec", "sources", 1, "helm", "valuesObject", "revision"]}
}

test_chart_value_without_a_version_and_near_no_key if {
	app := _app([{"repoURL": _istio_repo, "chart": "istiod", "helm": {"valuesObject": {"telemetryXYZ": {}}}}])
	ws := enrollment.warn with input as app with data.ambientlint.data.istio_charts as _charts
	{r.msg | some r in ws} == {`unknown value "telemetryXYZ" for Istio's istiod chart (any version): Helm passes it through and the chart ignores it`}
}

test_chart_values_not_judged if {
	app := _app([
		{"repoURL": _istio_repo, "chart": "istiod", "helm": {"values": "proflie: ambient\n"}},
		{"repoURL": _istio_repo, "chart": "istiod", "helm": {"valuesObject": {"${KEY}": "x"}}},
		{"repoURL": _istio_repo, "chart": "gateway", "helm": {"valuesObject": {"proflie": "x"}}},
		{"repoURL": "https://stefanprodan.github.io/podinfo", "chart": "istiod", "helm": {"valuesObject": {"proflie": "x"}}},
	])
	count(enrollment.warn) == 0 with input as app with data.ambientlint.data.istio_charts as _charts
}

# A HelmRelease's repository is another object: found with --combine, and per document the
# rule stays silent on it.
test_helm_release_values_need_their_repository if {
	hr := _release("ztunnel", "1.30.1", {"resourceName": "z", "resouceName": "z"})
	count(enrollment.warn) == 0 with input as hr with data.ambientlint.data.istio_charts as _charts
	ws := enrollment.warn with input as _combined([hr, _helm_repo(_istio_repo)]) with data.ambientlint.data.istio_charts as _charts
	{[r.path, r.doc] | some r in ws} == {[["spec", "values", "resouceName"], 0]}
	some r in ws
	contains(r.msg, `did you mean "resourceName"?`)
	other := _combined([hr, _helm_repo("https://charts.example.com")])
	count(enrollment.warn) == 0 with input as other with data.ambientlint.data.istio_charts as _charts
}

test_minor_of_a_version if {
	enrollment._minor("1.29.3") == "1.29"
	enrollment._minor(" v1.30.0 ") == "1.30"
	enrollment._minor("1.31.0-rc.1") == "1.31"
	enrollment._minor("1.28") == "1.28"
	not enrollment._minor(">=1.28")
	not enrollment._minor("1.29.*")
	not enrollment._minor("1.29.3+build")
	not enrollment._minor("")
}

# nearestName: within max(2, len/3) edits, the first candidate among the closest.
test_nearest_name if {
	enrollment._nearest("ab", ["xy", "ac", "ab2"]) == "ac"
	not enrollment._nearest("zzzz", ["abcdefgh", "yyyy"])
	enrollment._nearest("resouceName", ["resourceName", "resources"]) == "resourceName"
	enrollment._nearest("trustedZtunelNamespce", ["trustedZtunnelName", "trustedZtunnelNamespace"]) == "trustedZtunnelNamespace"
	enrollment._osa("kitten", "sitting", 5) == 3
	enrollment._osa("abcde", "vwxyz", 5) == 5
	not enrollment._osa("abcdef", "uvwxyz", 5)
}

# _dist goes to 16 edits: enough while no chart reads a key of 34 characters or more.
test_chart_keys_are_within_the_levels if {
	every t in data.ambientlint.data.istio_charts.keys {
		every keys in t {
			every k in keys {
				count(k) < 34
			}
		}
	}
}
