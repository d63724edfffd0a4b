# AMB002 unknown-istio-key: a label or annotation key in the istio.io domain or one of its
# subdomains that Istio does not define, on an object or its pod template, with "did you
# mean" when it is a near miss of a defined key (ambient.SuggestKey: the same key in other
# case or with underscores, else the closest within a few edits, by optimal string alignment
# distance). A near miss of a key that enrolls, opts out, binds or types a waypoint
# (ambient.EnrollmentKeys) is an error (deny); every other unknown key is a warning (warn).
# Per object: both conftest modes.
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
# computed only when the one before does not reach it.
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
}

_r0(t) := _closure(t.free, {[0, 0]})

_r1(t) := _closure(t.free, _edits(_r0(t), t, 1))

_r2(t) := _closure(t.free, _edits(_r1(t), t, 2))

_r3(t) := _closure(t.free, _edits(_r2(t), t, 3))

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
