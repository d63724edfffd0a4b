# AMB303 unclassified-egress (warning): an env var of a workload in the mesh (its pods resolve
# to ambient or to a sidecar), or a ConfigMap value in a namespace the tree enrolls (ambient
# or sidecars), holds a URL whose host is outside the cluster and that no ServiceEntry of the
# tree covers, exactly or through a wildcard. A host is outside the cluster when its
# top-level domain is a public one (ICANN's on the public suffix list, data.hosts.public_tlds,
# generated from golang.org/x/net/publicsuffix) or a documentation one (.example). Never
# external: IP literals, localhost, single-label names, names under .svc, .cluster.local or
# .localhost; name.namespace of the tree's Services, or where the tree has that namespace (a
# Namespace, objects in it, an Application's destination, a Flux targetNamespace, a
# kustomize helmCharts namespace); the hosts the tree serves itself (its routes', Gateway
# listeners', Ingresses', gateway-bound VirtualServices', Istio Gateways' and OpenShift
# Routes' hostnames); links shown to a browser (the env var's, the ConfigMap key's or the
# line's key names one, as the Go rule's browserLinkKey reads it); comment lines of a
# ConfigMap value. Values filled in later are not judged.
#
# Cross-object: --combine only. A URL inside a multi-line ConfigMap value is reported at the
# value with value_line, the line of the URL counted from the value's first line (1), which
# is where ambientlint places it in a block scalar.
package ambientlint.egress

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

# Hosts the ServiceEntries cover: exact names, and the suffixes of wildcards ("*.x" as ".x").
# Complete sets, built once: a lookup in a partial set evaluates its body again.
_exact := {h |
	some e in service_entries
	some h0 in hosts(e)
	h := _normalize(lib.str(h0))
	h != ""
	not startswith(h, "*")
}

_suffixes := {substring(h, 1, -1) |
	some e in service_entries
	some h0 in hosts(e)
	h := _normalize(lib.str(h0))
	startswith(h, "*")
}

_normalize(h) := lower(trim_suffix(h, "."))

_covered(h) if _exact[h]

_covered(h) if {
	some s in _suffixes
	endswith(h, s)
}

_services := {sprintf("%s.%s", [lib.name(e.obj), lib.namespace(e.obj)]) | some e in lib.of_kind("/Service")}

# _external reports a host outside the cluster that nothing in the tree accounts for.
_external(h) if {
	h != ""
	not lib.opaque(h)
	_outside(h)
	not _services[h]
	not _covered(h)
	not _service_of_tree_namespace(h)
	not _served(h)
}

_outside(h) if {
	contains(h, ".")
	h != "localhost"
	not _ip(h)
	not _internal_suffix(h)
	_public_tld(_tld(h))
}

_internal_suffix(h) if {
	some s in d.hosts.internal_suffixes
	endswith(h, s)
}

_tld(h) := substring(h, _last_index(h, ".") + 1, -1)

_public_tld(t) if t in d.hosts.documentation_tlds

_public_tld(t) if d.hosts.public_tlds[t]

_ip(h) if net.cidr_is_valid(sprintf("%s/32", [h]))

_ip(h) if {
	contains(h, ":")
	net.cidr_is_valid(sprintf("%s/128", [h]))
}

# name.namespace where the tree has that namespace: a Service's, from a chart or elsewhere.
_service_of_tree_namespace(h) if {
	i := indexof(h, ".")
	i > 0
	_tree_namespaces[substring(h, i + 1, -1)]
}

_tree_namespaces := ((lib.in_namespace | {lib.name(e.obj) | some e in lib.of_kind("/Namespace")}) | _unit_namespaces) - {""}

_unit_namespaces contains lib.str(object.get(e.obj, ["spec", "destination", "namespace"], "")) if {
	some e in lib.of_kind("argoproj.io/Application")
}

_unit_namespaces contains lib.str(object.get(e.obj, ["spec", "targetNamespace"], "")) if {
	some k in ["helm.toolkit.fluxcd.io/HelmRelease", "kustomize.toolkit.fluxcd.io/Kustomization"]
	some e in lib.of_kind(k)
}

_unit_namespaces contains lib.str(object.get(h, "namespace", "")) if {
	some e in lib.of_kind("kustomize.config.k8s.io/Kustomization")
	some h in object.get(e.obj, "helmCharts", [])
}

# The hosts the tree serves itself: exact names, and the suffixes of wildcards.
_served(h) if _served_exact[h]

_served(h) if {
	some s in _served_suffixes
	endswith(h, s)
}

_served_exact := {h | some h in _served_hosts; not startswith(h, "*.")}

_served_suffixes := {substring(h, 1, -1) | some h in _served_hosts; startswith(h, "*.")}

_served_hosts contains h if {
	some raw in _served_raw
	h := _served_host(raw)
	h != ""
	h != "*"
	not lib.opaque(h)
}

# _served_host is a served hostname as the Go rule's servedHosts adds it: trimmed, lower
# case, without a trailing dot, and without an Istio Gateway's "namespace/" prefix.
_served_host(raw) := h if {
	s := trim_suffix(lower(trim_space(raw)), ".")
	h := _after_first(s, "/")
}

_after_first(s, sep) := substring(s, indexof(s, sep) + count(sep), -1) if contains(s, sep)

else := s

_served_raw contains h if {
	some k in ["gateway.networking.k8s.io/HTTPRoute", "gateway.networking.k8s.io/GRPCRoute", "gateway.networking.k8s.io/TLSRoute"]
	some e in lib.of_kind(k)
	some h in _scalars(object.get(e.obj, ["spec", "hostnames"], null))
}

_served_raw contains h if {
	some e in lib.of_kind("gateway.networking.k8s.io/Gateway")
	some l in _items(object.get(e.obj, ["spec", "listeners"], null))
	some h in _scalars(object.get(l, "hostname", null))
}

_served_raw contains h if {
	some e in lib.of_kind("networking.k8s.io/Ingress")
	some f in [["rules", "host"], ["tls", "hosts"]]
	some x in _items(object.get(e.obj, ["spec", f[0]], null))
	some h in _scalars(object.get(x, f[1], null))
}

_served_raw contains h if {
	some e in lib.of_kind("networking.istio.io/VirtualService")
	some g in _scalars(object.get(e.obj, ["spec", "gateways"], null))
	g != "mesh"
	some h in _scalars(object.get(e.obj, ["spec", "hosts"], null))
}

_served_raw contains h if {
	some e in lib.of_kind("networking.istio.io/Gateway")
	some sv in _items(object.get(e.obj, ["spec", "servers"], null))
	some h in _scalars(object.get(sv, "hosts", null))
}

_served_raw contains h if {
	some e in lib.of_kind("route.openshift.io/Route")
	some h in _scalars(object.get(e.obj, ["spec", "host"], null))
}

# _scalars are a scalar, or the scalars of a list, as strings.
_scalars(x) := [lib.str(x)] if {
	not is_object(x)
	not is_array(x)
	not is_null(x)
} else := [lib.str(v) | some v in x; not is_object(v); not is_array(v); not is_null(v)] if {
	is_array(x)
} else := []

_items(x) := x if is_array(x)

else := []

# _browser_link_key reports a key that names a URL shown to a browser rather than called by
# the pod (the Go rule's browserLinkKey): split into words at "_", "-", ".", " " and at a
# lower-case letter followed by an upper-case one, a word is a browser-link word (or its
# plural, or one of them ending in url), or a browser-URL word followed by a URL word or
# ending in one.
_browser_link_key(key) if {
	words := _words(key)
	some i, w in words
	_browser_word(w, words, i)
}

_words(key) := [w |
	some w in regex.split(`[-_. ]+`, lower(regex.replace(key, `([a-z])([A-Z])`, "${1}_${2}")))
	w != ""
]

_browser_word(w, _, _) if {
	some b in d.hosts.browser_link_words
	_link_word(w, b)
}

_browser_word(w, words, i) if {
	some b in d.hosts.browser_url_words
	w == b
	words[i + 1] in d.hosts.url_words
}

_browser_word(w, _, _) if {
	some b in d.hosts.browser_url_words
	startswith(w, b)
	substring(w, count(b), -1) in d.hosts.url_words
}

_link_word(w, b) if w == b

_link_word(w, b) if w == concat("", [b, "s"])

_link_word(w, b) if {
	startswith(w, b)
	endswith(w, "url")
}

_comment_line(line) if {
	t := trim_space(line)
	some p in d.hosts.comment_prefixes
	startswith(t, p)
}

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
	some field in ["containers", "initContainers"]
	some ci, c in object.get(w.spec, field, [])
	some ei, env in object.get(c, "env", [])
	v := env.value
	is_string(v)
	contains(v, "://")
	not lib.opaque(v)
	w.mode in {"ambient", "sidecar"}
	some u in regex.find_n(d.hosts.url_pattern, v, -1)
	h := _host(u)
	_external(h)
	not _browser_link_key(lib.str(object.get(env, "name", "")))
	path := array.concat(w.path, ["spec", field, ci, "env", ei, "value"])
	msg := sprintf("%s %s env %s calls %s, which no ServiceEntry covers: the mesh and Kiali see it as unknown traffic", [w.entry.obj.kind, lib.name(w.entry.obj), lib.str(env.name), h])
	r := lib.result("AMB303", w.entry, path, msg)
}

warn contains r if {
	lib.combined
	some e in lib.of_kind("/ConfigMap")
	ns := lib.namespace(e.obj)
	lib.has_namespace(ns)
	lib.namespace_mode(ns, lib.namespace_labels(ns)) in {"ambient", "sidecar"}
	some k, v in object.get(e.obj, "data", {})
	is_string(v)
	contains(v, "://")
	lines := split(v, "\n")
	some i, line in lines
	contains(line, "://")
	not lib.opaque(line)
	not _comment_line(line)
	some u in regex.find_n(d.hosts.url_pattern, line, -1)
	h := _host(u)
	_external(h)
	not _browser_link_key(_line_key(k, line, count(lines) > 1))
	msg := sprintf("ConfigMap %s key %s calls %s, which no ServiceEntry covers: the mesh and Kiali see it as unknown traffic", [lib.name(e.obj), k, h])
	r := object.union(lib.result("AMB303", e, ["data", k], msg), _value_line(lines, i))
}

# _line_key is the key a line of a multi-line value sets ("key: value", "KEY=value"), else
# the ConfigMap's key.
_line_key(k, line, true) := m[1] if {
	m := regex.find_all_string_submatch_n(d.hosts.line_key_pattern, line, 1)[0]
} else := k

_line_key(k, _, false) := k

_value_line(lines, i) := {"value_line": i + 1} if count(lines) > 1

else := {}
