# AMB002 unknown-istio-key: a label or annotation key in the istio.io domain or one of its
# subdomains that Istio does not define, on an object or its pod template, with "did you
# mean" when it is a near miss of a defined key (ambient.SuggestKey: the same key in other
# case or with underscores, else the closest within a few edits, by optimal string alignment
# distance). A near miss of a key that enrolls, opts out, binds or types a waypoint
# (ambient.EnrollmentKeys) is an error (deny); every other unknown key is a warning (warn).
# Per object: both conftest modes.
#
# It also reads the inline values of Istio's base, istiod, cni and ztunnel charts: a top-level
# key that the chart does not read at the version installed is a warning, with the nearest
# key it reads (the Go rule's unknownChartValues). The installs are an Argo CD Application's
# sources with a chart from an Istio chart repository (helm.valuesObject, or helm.values when
# written as a map), and a Flux HelmRelease whose spec.chart names a source of such a
# repository (spec.values). The HelmRelease's source is another object: per document it is
# not found and the rule stays silent on the HelmRelease, as the rules that join objects do.
# Unlike the Go model, the twin does not know the charts of the tree whose Chart.yaml says
# they are Istio's, nor HelmReleases with spec.chartRef.
package ambientlint.enrollment

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

deny contains r if {
	some m in _unknown_meta
	s := _suggestion(m.key)
	_enrollment_keys[s]
	msg := sprintf("%s; %s", [_message(m, s), _miss_effect(s)])
	r := lib.result_as("AMB002", "error", m.entry, array.concat(m.base, [m.key]), msg)
}

warn contains r if {
	some m in _unknown_meta
	not _enrollment_miss(m.key)
	r := lib.result("AMB002", m.entry, array.concat(m.base, [m.key]), _warning_message(m))
}

_enrollment_miss(key) if _enrollment_keys[_suggestion(key)]

_warning_message(m) := msg if {
	msg := _message(m, _suggestion(m.key))
} else := sprintf("unknown Istio %s key %q: Istio ignores it", [_kind(m), m.key])

# _unknown_meta are the labels and annotations (lib.istio_meta) with an unknown key in
# Istio's domains.
_unknown_meta := [m |
	some m in lib.istio_meta
	not _known[m.key]
	_istio_domain(m.key)
	not lib.opaque(m.key)
]

_known := {k | some k in d.known_keys}

_enrollment_keys := {k | some k in d.enrollment_keys}

# _istio_domain reports whether a key's prefix is istio.io or a subdomain of it
# (ambient.IsIstioDomain).
_istio_domain(key) if {
	dom := split(key, "/")[0]
	dom != key
	_istio_dns(dom)
}

_istio_dns("istio.io")

_istio_dns(dom) if endswith(dom, ".istio.io")

_kind(m) := "label" if m.label

else := "annotation"

_message(m, s) := sprintf("unknown Istio %s key %q: did you mean %q? The %ss already have %q: remove one of the two", [_kind(m), m.key, s, _kind(m), s]) if {
	object.get(m.entry.obj, array.concat(m.base, [s]), null) != null
} else := sprintf("unknown Istio %s key %q: did you mean %q? Other %s keys here are near %q too: keep one", [_kind(m), m.key, s, _kind(m), s]) if {
	count([x | some x in _unknown_meta; x.entry.doc == m.entry.doc; x.entry.item == m.entry.item; x.base == m.base; _suggestion(x.key) == s]) > 1
} else := sprintf("unknown Istio %s key %q: did you mean %q?", [_kind(m), m.key, s])

_miss_effect(s) := "Istio ignores it, so the object is neither enrolled in ambient mode nor opted out" if {
	s == d.labels.dataplane_mode
} else := "Istio ignores it, so traffic does not go through the waypoint and its L7 policy is not enforced" if {
	s in {d.labels.use_waypoint, d.labels.use_waypoint_namespace}
} else := "Istio ignores it, so ingress traffic skips the waypoint" if {
	s == d.labels.ingress_use_waypoint
} else := "Istio ignores it, so the waypoint handles the default traffic (service)" if {
	s == d.labels.waypoint_for
} else := "Istio ignores it"

# A top-level key of an Istio chart's inline values that the chart does not read at the
# version installed (unknownChartValues).
warn contains r if {
	some i in _istio_chart_installs
	known := _chart_keys(i.chart, i.version)
	some key, _ in i.values
	not key in known
	not lib.opaque(key)
	r := lib.result("AMB002", i.entry, array.concat(i.path, [key]), _chart_message(key, i, known))
}

_chart_message(key, i, known) := sprintf("unknown value %q for Istio's %s chart (%s): did you mean %q? Helm passes it through and the chart ignores it", [key, i.chart, _version_text(i.version), s]) if {
	s := _nearest(key, known)
} else := sprintf("unknown value %q for Istio's %s chart (%s): Helm passes it through and the chart ignores it", [key, i.chart, _version_text(i.version)])

_version_text("") := "any version"

_version_text(v) := v if v != ""

# _istio_chart_installs are the installs of Istio's charts with inline values written as a
# map: {"entry", "chart", "version", "values", "path" (of the values)}, as gitops.ChartComponent
# knows them (a chart istioChartKind names, from a repository isIstioChartRepo accepts).
_istio_chart_installs contains i if {
	some e in lib.of_kind("argoproj.io/Application")
	some path in _argo_source_paths(e.obj)
	src := object.get(e.obj, path, null)
	chart := lib.str(object.get(src, "chart", ""))
	chart in d.istio_charts.charts
	lib.istio_chart_repo(lib.str(object.get(src, "repoURL", "")))
	helm := object.get(src, "helm", {})
	field := _argo_values_field(helm)
	is_object(helm[field])
	i := {
		"entry": e, "chart": chart, "version": lib.str(object.get(src, "targetRevision", "")),
		"values": helm[field], "path": array.concat(path, ["helm", field]),
	}
}

_istio_chart_installs contains i if {
	some e in lib.of_kind("helm.toolkit.fluxcd.io/HelmRelease")
	spec := e.obj.spec.chart.spec
	ref := spec.sourceRef
	kind := lib.str(object.get(ref, "kind", ""))
	source := lib.get(concat("/", ["source.toolkit.fluxcd.io", kind]), _or(lib.str(object.get(ref, "namespace", "")), lib.namespace(e.obj)), lib.str(ref.name))
	lib.istio_chart_repo(lib.str(object.get(source.obj, ["spec", "url"], "")))
	chart := _flux_chart(kind, lib.str(object.get(spec, "chart", "")))
	chart in d.istio_charts.charts
	is_object(e.obj.spec.values)
	i := {
		"entry": e, "chart": chart, "version": lib.str(object.get(spec, "version", "")),
		"values": e.obj.spec.values, "path": ["spec", "values"],
	}
}

# _argo_source_paths are the paths of an Application's source and of each of its sources.
_argo_source_paths(obj) := array.concat(
	[["spec", "source"] | is_object(obj.spec.source)],
	[["spec", "sources", j] | some j, src in obj.spec.sources; is_object(src)],
)

# _argo_values_field is the field of an Argo CD source's helm whose values the Go model
# points at: the first of valuesObject, values and parameters that is there. Values in a YAML
# string (helm.values) and parameters are not judged.
_argo_values_field(helm) := "valuesObject" if lib.has_key(helm, "valuesObject")

else := "values" if lib.has_key(helm, "values")

else := "parameters" if lib.has_key(helm, "parameters")

# _flux_chart is the chart a HelmRelease names: the last element of its path in a Git
# repository.
_flux_chart("GitRepository", chart) := parts[count(parts) - 1] if {
	parts := [p | some p in split(chart, "/"); p != ""]
	count(parts) > 0
}

_flux_chart(kind, chart) := chart if kind != "GitRepository"

_or(s, _) := s if s != ""

_or("", def) := def

# _chart_keys are the top-level values chart reads at version (istiocharts.Keys): the table's
# for the version's minor, else every key any minor's chart reads.
_chart_keys(chart, version) := _chart_table(version)[chart]

_chart_table(version) := t if {
	t := d.istio_charts.keys[_minor(version)]
} else := _any_version

_any_version := {chart: sort({k | some t in d.istio_charts.keys; some k in t[chart]}) |
	some t in d.istio_charts.keys
	some chart, _ in t
}

# _minor is "1.29" for "1.29.3", "v1.29.3", "1.29.3-rc.1" and "1.29"; undefined for anything
# else (a range, a wildcard, an empty version).
_minor(version) := concat(".", [m[1], m[2]]) if {
	v := trim_prefix(trim_space(version), "v")
	some m in regex.find_all_string_submatch_n(`^([0-9]+)\.([0-9]+)(?:\.[0-9]+(?:-[\s\S]*)?)?$`, v, 1)
}

# _nearest is nearestName of the Go rules: the candidate closest to name by edit distance
# within max(2, len(name)/3), the first in the candidates' order among equals; undefined when
# none is that close.
_nearest(name, candidates) := candidates[sort(near)[0][1]] if {
	limit := max([2, floor(count(name) / 3)])
	near := [[dist, j] |
		some j, c in candidates
		abs(count(c) - count(name)) <= limit
		dist := _osa(name, c, limit)
	]
	count(near) > 0
}

# _suggestion is ambient.SuggestKey: the defined key (or istio-injection) that key spells
# with other case or with underscores for dashes; else the candidate closest to it within a
# limit set by the length of its name (the part after "/"), ties to the first candidate.
_suggestion(key) := norm if {
	norm := _norm(key)
	_candidate_set[norm]
} else := s if {
	norm := _norm(key)
	limit := _limit(count(_name(norm)))
	near := [[dist, i] |
		some i, c in _candidates
		abs(count(c) - count(norm)) <= limit
		dist := _osa(norm, c, limit)
	]
	count(near) > 0
	s := _candidates[sort(near)[0][1]]
}

_norm(key) := lower(replace(trim_space(key), "_", "-"))

_candidates := array.concat(d.known_keys, [d.labels.injection])

_candidate_set := {k | some k in _candidates}

_name(norm) := substring(norm, indexof(norm, "/") + 1, -1) if contains(norm, "/")

else := norm

_limit(n) := 1 if n <= 4

else := 2 if n <= 10

else := 3

# _osa is the optimal string alignment distance between a and b (textdist.Distance) when it
# is at most k; undefined when it is more. Their common prefix and suffix are set aside
# first (they do not change the distance), which leaves a few characters of each. Rego has
# no loops, so the rest is found as paths in the table of prefixes: reached[c] holds the
# cells (i, j) that prefixes a[:i] and b[:j] reach with c edits. Equal characters step along
# the diagonal for free (_closure follows them); an edit (insert, delete, substitute,
# swap two neighbours) costs one. Cells more than k off the diagonal lie on no such path.
_osa(a, b, k) := dist if {
	a0 := split(a, "")
	b0 := split(b, "")
	p := _common_prefix(a0, b0)
	a1 := array.slice(a0, p, count(a0))
	b1 := array.slice(b0, p, count(b0))
	q := _common_suffix(a1, b1)
	ac := array.slice(a1, 0, count(a1) - q)
	bc := array.slice(b1, 0, count(b1) - q)
	n := count(ac)
	m := count(bc)
	abs(n - m) <= k
	bs := concat("", bc)
	free := {[i, j]: [[i + 1, j + 1]] |
		some i, x in ac
		some j in indexof_n(bs, x)
		abs(i - j) <= k
	}
	dist := _dist({"free": free, "a": ac, "b": bc, "n": n, "m": m, "k": k})
}

# _dist is the first number of edits c <= k with which (n, m) is reached; each level is
# computed only when the one before does not reach it (OPA remembers a function's result for
# the same arguments, so level c builds on the c - 1 computed before it). Levels go to 16:
# the limit is at most 3 for label and annotation keys, and max(2, len/3) for a chart value,
# which passes 16 only for a key of 51 characters or more, when a candidate within the
# limit has 34 characters or more, and no chart's key has (see
# test_chart_keys_are_within_the_levels).
_dist(t) := 0 if {
	[t.n, t.m] in _r0(t)
} else := 1 if {
	t.k >= 1
	[t.n, t.m] in _r1(t)
} else := 2 if {
	t.k >= 2
	[t.n, t.m] in _r2(t)
} else := 3 if {
	t.k >= 3
	[t.n, t.m] in _r3(t)
} else := 4 if {
	t.k >= 4
	[t.n, t.m] in _r4(t)
} else := 5 if {
	t.k >= 5
	[t.n, t.m] in _r5(t)
} else := 6 if {
	t.k >= 6
	[t.n, t.m] in _r6(t)
} else := 7 if {
	t.k >= 7
	[t.n, t.m] in _r7(t)
} else := 8 if {
	t.k >= 8
	[t.n, t.m] in _r8(t)
} else := 9 if {
	t.k >= 9
	[t.n, t.m] in _r9(t)
} else := 10 if {
	t.k >= 10
	[t.n, t.m] in _r10(t)
} else := 11 if {
	t.k >= 11
	[t.n, t.m] in _r11(t)
} else := 12 if {
	t.k >= 12
	[t.n, t.m] in _r12(t)
} else := 13 if {
	t.k >= 13
	[t.n, t.m] in _r13(t)
} else := 14 if {
	t.k >= 14
	[t.n, t.m] in _r14(t)
} else := 15 if {
	t.k >= 15
	[t.n, t.m] in _r15(t)
} else := 16 if {
	t.k >= 16
	[t.n, t.m] in _r16(t)
}

_r0(t) := _closure(t.free, {[0, 0]})

_r1(t) := _closure(t.free, _edits(_r0(t), t, 1))

_r2(t) := _closure(t.free, _edits(_r1(t), t, 2))

_r3(t) := _closure(t.free, _edits(_r2(t), t, 3))

_r4(t) := _closure(t.free, _edits(_r3(t), t, 4))

_r5(t) := _closure(t.free, _edits(_r4(t), t, 5))

_r6(t) := _closure(t.free, _edits(_r5(t), t, 6))

_r7(t) := _closure(t.free, _edits(_r6(t), t, 7))

_r8(t) := _closure(t.free, _edits(_r7(t), t, 8))

_r9(t) := _closure(t.free, _edits(_r8(t), t, 9))

_r10(t) := _closure(t.free, _edits(_r9(t), t, 10))

_r11(t) := _closure(t.free, _edits(_r10(t), t, 11))

_r12(t) := _closure(t.free, _edits(_r11(t), t, 12))

_r13(t) := _closure(t.free, _edits(_r12(t), t, 13))

_r14(t) := _closure(t.free, _edits(_r13(t), t, 14))

_r15(t) := _closure(t.free, _edits(_r14(t), t, 15))

_r16(t) := _closure(t.free, _edits(_r15(t), t, 16))

# _closure is the cells that free steps reach from the cells from, these included
# (graph.reachable leaves out the cells that have no step of their own).
_closure(free, from) := (from | r) | {t | some c in r; some t in free[c]} if {
	r := graph.reachable(free, from)
}

# _common_prefix and _common_suffix are how many characters x and y share at their start
# and at their end.
_common_prefix(x, y) := min(array.concat([i | some i in numbers.range(0, l - 1); x[i] != y[i]], [l])) if {
	l := min([count(x), count(y)])
}

_common_suffix(x, y) := min(array.concat([j | some i in numbers.range(1, l); x[count(x) - i] != y[count(y) - i]; j := i - 1], [l])) if {
	l := min([count(x), count(y)])
}

# _edits are the cells one edit from cells, at level c: those from which (n, m) is still
# within the k - c edits left (their distance from its diagonal).
_edits(cells, t, c) := {x |
	some [i, j] in cells
	some x in [[i + 1, j], [i, j + 1], [i + 1, j + 1]]
	x[0] <= t.n
	x[1] <= t.m
	abs((t.n - x[0]) - (t.m - x[1])) <= t.k - c
} | {[i + 2, j + 2] |
	some [i, j] in cells
	i + 1 < t.n
	j + 1 < t.m
	t.a[i] == t.b[j + 1]
	t.a[i + 1] == t.b[j]
	abs((t.n - i) - (t.m - j)) <= t.k - c
}
