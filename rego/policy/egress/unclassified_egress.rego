# AMB303 unclassified-egress (warning): an env var of a workload in the mesh (its pods resolve
# to ambient or to a sidecar), or a ConfigMap value in a namespace the tree enrolls (ambient
# or sidecars), holds a URL whose host is outside the cluster and that no ServiceEntry of the
# tree covers, exactly or through a wildcard. Hosts inside the cluster are never external: IP
# literals, localhost, single-label names, names under .svc, .cluster.local or .localhost,
# and name.namespace of the tree's Services. Values filled in later are not judged.
#
# Cross-object: --combine only. A URL inside a multi-line ConfigMap value is reported at the
# value with value_line, the line of the URL counted from the value's first line (1), which
# is where ambientlint places it in a block scalar. Namespaces are metadata.namespace.
package ambientlint.egress

import rego.v1

import data.ambientlint.lib

_url_pattern := "(?i)\\b[a-z][a-z0-9+.-]*://[^\\s\"'<>`]+"

# Hosts the ServiceEntries cover: exact names, and the suffixes of wildcards ("*.x" as ".x").
_exact contains h if {
	some e in service_entries
	some h0 in hosts(e)
	h := _normalize(lib.str(h0))
	h != ""
	not startswith(h, "*")
}

_suffixes contains substring(h, 1, -1) if {
	some e in service_entries
	some h0 in hosts(e)
	h := _normalize(lib.str(h0))
	startswith(h, "*")
}

_normalize(h) := lower(trim_suffix(h, "."))

_covered(h) if h in _exact

_covered(h) if {
	some s in _suffixes
	endswith(h, s)
}

_services contains sprintf("%s.%s", [lib.name(e.obj), lib.namespace(e.obj)]) if {
	some e in lib.by_gk["/Service"]
}

_external(h) if {
	h != ""
	not lib.opaque(h)
	_outside(h)
	not lower(h) in _services
	not _covered(h)
}

_outside(h) if {
	not _ip(h)
	h != "localhost"
	contains(h, ".")
	not endswith(h, ".svc")
	not endswith(h, ".cluster.local")
	not endswith(h, ".localhost")
}

_ip(h) if net.cidr_is_valid(sprintf("%s/32", [h]))

# _host is the host of a URL as url.Parse and Hostname give it, lower case and without a
# trailing dot; "" when the URL does not parse.
_host(raw) := h if {
	u := trim_right(raw, ".,;)]}")
	rest := substring(u, indexof(u, "://") + 3, -1)
	authority := regex.split(`[/?#]`, rest)[0]
	hostport := _after_last(authority, "@")
	h := trim_suffix(lower(_hostname(hostport)), ".")
}

_after_last(s, sep) := substring(s, i + 1, -1) if {
	i := _last_index(s, sep)
	i >= 0
} else := s

_last_index(s, sep) := max(indexof_n(s, sep)) if count(indexof_n(s, sep)) > 0

else := -1

_hostname(hp) := substring(hp, 1, indexof(hp, "]") - 1) if {
	startswith(hp, "[")
	indexof(hp, "]") > 0
} else := hp if {
	not contains(hp, ":")
} else := substring(hp, 0, i) if {
	i := _last_index(hp, ":")
	regex.match(`^[0-9]*$`, substring(hp, i + 1, -1))
} else := ""

warn contains r if {
	lib.combined
	some w in lib.workloads
	lib.workload_mode(w) in {"ambient", "sidecar"}
	some field in ["containers", "initContainers"]
	some ci, c in object.get(w.spec, field, [])
	some ei, env in object.get(c, "env", [])
	v := env.value
	is_string(v)
	not lib.opaque(v)
	some u in regex.find_n(_url_pattern, v, -1)
	h := _host(u)
	_external(h)
	path := array.concat(w.path, ["spec", field, ci, "env", ei, "value"])
	msg := sprintf("%s %s env %s calls %s, which no ServiceEntry covers: the mesh and Kiali see it as unknown traffic", [w.entry.obj.kind, lib.name(w.entry.obj), lib.str(env.name), h])
	r := lib.result("AMB303", w.entry, path, msg)
}

warn contains r if {
	lib.combined
	some e in lib.by_gk["/ConfigMap"]
	ns := lib.namespace(e.obj)
	lib.has_namespace(ns)
	lib.namespace_mode(ns, lib.namespace_labels(ns)) in {"ambient", "sidecar"}
	some k, v in object.get(e.obj, "data", {})
	is_string(v)
	lines := split(v, "\n")
	some i, line in lines
	not lib.opaque(line)
	some u in regex.find_n(_url_pattern, line, -1)
	h := _host(u)
	_external(h)
	msg := sprintf("ConfigMap %s key %s calls %s, which no ServiceEntry covers: the mesh and Kiali see it as unknown traffic", [lib.name(e.obj), k, h])
	r := object.union(lib.result("AMB303", e, ["data", k], msg), _value_line(lines, i))
}

_value_line(lines, i) := {"value_line": i + 1} if count(lines) > 1

else := {}
