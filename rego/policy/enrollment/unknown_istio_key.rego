# AMB002 unknown-istio-key (warning): a label or annotation key in the istio.io domain or one
# of its subdomains that Istio does not define, on an object or its pod template. A key that
# differs from a defined one only in case and underscores gets "did you mean", with the Go
# rule's notes when the map already has that key or when several keys are near it.
#
# Differs from the Go rule: the Go rule also suggests keys within a few edits
# (istio.io/use-waypoints); Rego has no edit distance, so those findings say "Istio ignores
# it" without a suggestion. Same findings, same places. Per object: both conftest modes.
package ambientlint.enrollment

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

warn contains r if {
	some e in lib.entries
	entries := lib.meta_entries(e.obj)
	some m in entries
	_unknown(m.key)
	kind := _kind(m)
	r := lib.result("AMB002", e, array.concat(m.base, [m.key]), _message(m, kind, entries))
}

_unknown(key) if {
	_istio_domain(key)
	not key in d.known_keys
	not lib.opaque(key)
}

# _istio_domain reports whether a key's prefix is istio.io or a subdomain of it
# (ambient.IsIstioDomain).
_istio_domain(key) if {
	contains(key, "/")
	dom := split(key, "/")[0]
	_istio_dns(dom)
}

_istio_dns(dom) if dom == "istio.io"

_istio_dns(dom) if endswith(dom, ".istio.io")

_kind(m) := "label" if m.label

else := "annotation"

_message(m, kind, entries) := msg if {
	s := _suggestion(m.key)
	_has_key(entries, m, s)
	msg := sprintf("unknown Istio %s key %q: did you mean %q? The %ss already have %q: remove one of the two", [kind, m.key, s, kind, s])
} else := msg if {
	s := _suggestion(m.key)
	count([x | some x in entries; x.base == m.base; _unknown(x.key); _suggestion(x.key) == s]) > 1
	msg := sprintf("unknown Istio %s key %q: did you mean %q? Other %s keys here are near %q too: keep one", [kind, m.key, s, kind, s])
} else := msg if {
	s := _suggestion(m.key)
	msg := sprintf("unknown Istio %s key %q: did you mean %q?", [kind, m.key, s])
} else := sprintf("unknown Istio %s key %q: Istio ignores it", [kind, m.key])

_has_key(entries, m, s) if {
	some x in entries
	x.base == m.base
	x.key == s
}

# _suggestion is the defined key (or istio-injection) that key spells with other case or
# with underscores for dashes: the first step of ambient.SuggestKey.
_suggestion(key) := norm if {
	norm := lower(replace(trim_space(key), "_", "-"))
	norm != key
	_candidate(norm)
}

_candidate(k) if k in d.known_keys

_candidate(k) if k == d.labels.injection
