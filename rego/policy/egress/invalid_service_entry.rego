# AMB302 invalid-service-entry (error): a ServiceEntry that Istio's validating webhook
# (ValidateServiceEntry) rejects, checked as the SDK's egress.Validate checks it: the workload
# selector; no hosts, the host *, a wildcard anywhere but as the whole first label, a host that
# is not a domain name; addresses that are neither IPs nor CIDR blocks, CIDR addresses without
# resolution NONE or STATIC; null, duplicate (name or number), out-of-range, misnamed or
# unknown-protocol ports; what the resolution demands of endpoints and hosts (NONE, STATIC,
# DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS); several hosts on a port that is neither HTTP nor TLS;
# exportTo. Values filled in later are not judged. Per object: both conftest modes.
#
# A ServiceEntry whose resolution or location is not one of the enum's names does not decode
# into Istio's type: the Go rule then has nothing to check, and neither has this one.
package ambientlint.egress

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

deny contains r if {
	some p in _problems
	v := object.get(p.entry.obj, p.path, null)
	not _opaque_value(v)
	not lib.opaque(object.get(p, "judged", ""))
	r := lib.result("AMB302", p.entry, p.path, sprintf("ServiceEntry %s: %s", [lib.name(p.entry.obj), p.msg]))
}

_opaque_value(v) if {
	is_string(v)
	lib.opaque(v)
}

_decodes(e) if {
	object.get(spec(e), "resolution", "NONE") in d.egress.resolutions
	object.get(spec(e), "location", "MESH_EXTERNAL") in d.egress.locations
}

_entries := [e | some e in service_entries; _decodes(e)]

_resolution(e) := object.get(spec(e), "resolution", "NONE")

_list(e, k) := l if {
	l := spec(e)[k]
	is_array(l)
} else := []

_problem(e, path, msg) := {"entry": e, "path": path, "msg": msg}

# Workload selector.
_problems contains _problem(e, ["spec", "workloadSelector", "labels"], sprintf("an empty key is not supported in a workload selector: %q", [sprintf("=%s", [lib.str(v)])])) if {
	some e in _entries
	some k, v in object.get(spec(e), ["workloadSelector", "labels"], {})
	k == ""
}

_problems contains _problem(e, ["spec", "workloadSelector", "labels", k], sprintf("a wildcard is not supported in a workload selector: %q", [sprintf("%s=%s", [k, lib.str(v)])])) if {
	some e in _entries
	some k, v in object.get(spec(e), ["workloadSelector", "labels"], {})
	_has_star(k, lib.str(v))
}

_has_star(k, _) if contains(k, "*")

_has_star(_, v) if contains(v, "*")

_problems contains _problem(e, ["spec", "workloadSelector"], "only one of workloadSelector or endpoints may be set") if {
	some e in _entries
	spec(e).workloadSelector != null
	spec(e).endpoints != null
}

# Hosts.
_problems contains _problem(e, ["spec", "hosts"], "a ServiceEntry must have at least one host") if {
	some e in _entries
	count(hosts(e)) == 0
}

_problems contains _problem(e, ["spec", "hosts", i], `the host "*" is not allowed: it would claim all traffic; list the hosts`) if {
	some e in _entries
	some i, h in hosts(e)
	h == "*"
}

_problems contains _problem(e, ["spec", "hosts", i], msg) if {
	some e in _entries
	some i, h in hosts(e)
	h != "*"
	not _plain_domain(lib.str(h), `^(\*\.)?`)
	err := _wildcard_domain_error(lib.str(h))
	msg := _host_message(lib.str(h), err)
}

_host_message(h, err) := sprintf("host %q: a wildcard is allowed only at the start of the first label, as in *.example.com (%s)", [h, err]) if contains(h, "*")

else := sprintf("host %q is not a valid domain name: %s", [h, err])

_dns1123_label(s) if {
	count(s) <= 63
	regex.match(`^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$`, s)
}

_wildcard_label(s) if {
	count(s) <= 63
	regex.match(`^(\*|(\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$`, s)
}

_precondition_error(n) := sprintf("domain name %q too long (max 255)", [n]) if count(n) > 255

else := "empty domain name not allowed" if count(n) == 0

# _labels_error is egress's validateDNS1123Labels.
_labels_error(domain) := sprintf("domain name %q invalid (top level domain %q cannot be all-numeric)", [domain, tld]) if {
	parts := split(domain, ".")
	tld := parts[count(parts) - 1]
	regex.match(`^[+-]?[0-9]+$`, tld)
} else := sprintf("domain name %q invalid (label %q invalid)", [domain, label]) if {
	parts := split(domain, ".")
	bad := [l |
		some i, l in parts
		not _last_empty(i, l, parts)
		not _dns1123_label(l)
	]
	label := bad[0]
}

_last_empty(i, l, parts) if {
	i == count(parts) - 1
	l == ""
}

# _plain_domain is the common case that both validations pass, in one match: DNS-1123
# labels of at most 63 characters, after the prefix pattern (a wildcard label), at most 255
# in all, the last not all digits. Anything else is judged label by label.
_plain_domain(h, prefix) if {
	count(h) <= 255
	regex.match(concat("", [prefix, `([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$`]), h)
	not regex.match(`(^|\.)[0-9]+$`, h)
}

_wildcard_domain_error(h) := err if {
	err := _precondition_error(h)
} else := sprintf("domain name %q invalid (label %q invalid)", [h, first]) if {
	first := split(h, ".")[0]
	not _wildcard_label(first)
} else := err if {
	contains(h, ".")
	rest := substring(h, indexof(h, ".") + 1, -1)
	err := _labels_error(rest)
}

_fqdn_error(h) := err if {
	err := _precondition_error(h)
} else := err if {
	err := _labels_error(h)
}

# Addresses.
_valid_ip(s) if {
	not contains(s, "/")
	net.cidr_is_valid(sprintf("%s/32", [s]))
}

_problems contains _problem(e, ["spec", "addresses", i], msg) if {
	some e in _entries
	some i, a0 in _list(e, "addresses")
	a := lib.str(a0)
	msg := _address_error(a)
}

_address_error(a) := sprintf("%s is not a valid CIDR block", [a]) if {
	count(indexof_n(a, "/")) == 1
	not net.cidr_is_valid(a)
} else := sprintf("%s is not a valid IP", [a]) if {
	count(indexof_n(a, "/")) != 1
	not _valid_ip(a)
}

_problems contains _problem(e, ["spec", "addresses", i], msg) if {
	some e in _entries
	not _resolution(e) in {"NONE", "STATIC"}
	cidrs := [i | some i, a in _list(e, "addresses"); contains(lib.str(a), "/")]
	count(cidrs) > 0
	i := cidrs[0]
	msg := sprintf("CIDR address %q is allowed only with resolution NONE or STATIC, not %s", [lib.str(_list(e, "addresses")[i]), _resolution(e)])
}

# Ports.
_ports(e) := _list(e, "ports")

_problems contains _problem(e, ["spec", "ports", i], "a port may not be null") if {
	some e in _entries
	some i, p in _ports(e)
	p == null
}

_problems contains _problem(e, ["spec", "ports", i, "name"], sprintf("port name %q is already defined", [n])) if {
	some e in _entries
	some i, p in _ports(e)
	is_object(p)
	n := lib.str(object.get(p, "name", ""))
	some j, q in _ports(e)
	j < i
	is_object(q)
	lib.str(object.get(q, "name", "")) == n
}

_problems contains _problem(e, ["spec", "ports", i, "number"], sprintf("port %v is already defined", [n])) if {
	some e in _entries
	some i, p in _ports(e)
	is_object(p)
	n := object.get(p, "number", 0)
	some j, q in _ports(e)
	j < i
	is_object(q)
	object.get(q, "number", 0) == n
}

_problems contains _problem(e, ["spec", "ports", i, "targetPort"], sprintf("target port %v must be in the range 1..65535", [t])) if {
	some e in _entries
	some i, p in _ports(e)
	is_object(p)
	t := object.get(p, "targetPort", 0)
	t != 0
	not _valid_port(t)
}

_problems contains _problem(e, ["spec", "ports", i, "name"], sprintf("port name %q is not a DNS-1123 label", [n])) if {
	some e in _entries
	some i, p in _ports(e)
	is_object(p)
	n := lib.str(object.get(p, "name", ""))
	not _dns1123_label(n)
}

_problems contains _problem(e, ["spec", "ports", i, "protocol"], sprintf("protocol %q is not one Istio knows (%s)", [pr, concat(", ", d.egress.protocols)])) if {
	some e in _entries
	some i, p in _ports(e)
	is_object(p)
	pr := lib.str(object.get(p, "protocol", ""))
	pr != ""
	not _protocol(pr)
}

_problems contains _problem(e, ["spec", "ports", i, "number"], sprintf("port number %v must be in the range 1..65535", [object.get(p, "number", 0)])) if {
	some e in _entries
	some i, p in _ports(e)
	is_object(p)
	not _valid_port(object.get(p, "number", 0))
}

_valid_port(n) if {
	is_number(n)
	n >= 1
	n <= 65535
}

# _protocol is the protocol Istio knows that p names, whatever its case ("" for none).
_protocol(p) := k if {
	some k in d.egress.protocols
	lower(p) == lower(k)
}

_port_protocol(p) := k if k := _protocol(lib.str(object.get(p, "protocol", "")))

else := ""

# Resolution NONE.
_problems contains _problem(e, ["spec", "endpoints"], "endpoints are not allowed with resolution NONE") if {
	some e in _entries
	_resolution(e) == "NONE"
	count(_list(e, "endpoints")) > 0
}

# Resolution STATIC: each endpoint needs an address (an IP, or a unix socket path).
_problems contains _problem(e, path, msg) if {
	some e in _entries
	_resolution(e) == "STATIC"
	some i, ep in _list(e, "endpoints")
	some p in _static_endpoint(e, i, ep)
	[path, msg] := [p.path, p.msg]
}

_static_endpoint(_, i, null) := {{"path": ["spec", "endpoints", i], "msg": "an endpoint may not be null"}}

_static_endpoint(e, i, ep) := ps if {
	is_object(ep)
	addr := lib.str(object.get(ep, "address", ""))
	ps := (({p |
		some p in _static_address(i, ep, addr)
	} | _endpoint_ports(e, i, ep)) | _endpoint_labels(i, ep)) | _unix_ports(e, i, addr)
}

_static_address(i, ep, "") := {{"path": ["spec", "endpoints", i, "address"], "msg": "an endpoint needs an address"}} if {
	lib.str(object.get(ep, "network", "")) == ""
}

_static_address(i, ep, addr) := ps if {
	startswith(addr, "unix://")
	ps := {p | some p in _unix_errors(i, ep, substring(addr, 7, -1), addr)}
}

_static_address(i, _, addr) := {{"path": ["spec", "endpoints", i, "address"], "msg": sprintf("endpoint address %q is not a valid IP address", [addr])}} if {
	addr != ""
	not startswith(addr, "unix://")
	not _valid_ip(addr)
}

_unix_errors(i, ep, path, addr) := ({p |
	some p in [
	{"path": ["spec", "endpoints", i, "address"], "msg": "unix address must not be empty"} |
		path == ""
	]
} | {p |
	some p in [
	{"path": ["spec", "endpoints", i, "address"], "msg": sprintf("%s is not an absolute path to a file", [path])} |
		path != ""
		not startswith(path, "@")
		_not_absolute_file(path)
	]
}) | {p |
	some p in [
	{"path": ["spec", "endpoints", i, "ports"], "msg": sprintf("unix endpoint %s must not include ports", [addr])} |
		count(object.get(ep, "ports", {})) > 0
	]
}

_not_absolute_file(path) if not startswith(path, "/")

_not_absolute_file(path) if endswith(path, "/")

_unix_ports(e, i, addr) := {{"path": ["spec", "endpoints", i], "msg": "a unix endpoint needs exactly 1 service port"}} if {
	startswith(addr, "unix://")
	count(_port_names(e)) != 1
} else := set()

_port_names(e) := {lib.str(object.get(p, "name", "")) | some p in _ports(e); is_object(p)}

_endpoint_ports(e, i, ep) := ({p |
	some n, v in object.get(ep, "ports", {})
	some p in [
	{"path": ["spec", "endpoints", i, "ports", n], "msg": sprintf("endpoint port %q (%v) is not defined by the service entry's ports", [n, v])} |
		not n in _port_names(e)
	]
} | {p |
	some n, _ in object.get(ep, "ports", {})
	some p in [
	{"path": ["spec", "endpoints", i, "ports", n], "msg": sprintf("port name %q is not a DNS-1123 label", [n])} |
		not _dns1123_label(n)
	]
}) | {p |
	some n, v in object.get(ep, "ports", {})
	some p in [
	{"path": ["spec", "endpoints", i, "ports", n], "msg": sprintf("port number %v must be in the range 1..65535", [v])} |
		not _valid_port(v)
	]
}

_endpoint_labels(i, ep) := {p |
	some k, _ in object.get(ep, "labels", {})
	some p in [
	{"path": ["spec", "endpoints", i, "labels", k], "msg": sprintf("invalid label key %q", [k])} |
		not _qualified_name(k)
	]
} | {p |
	some k, v in object.get(ep, "labels", {})
	some p in [
	{"path": ["spec", "endpoints", i, "labels", k], "msg": sprintf("invalid label value %q", [lib.str(v)])} |
		not _label_value(lib.str(v))
	]
}

_qualified_name(s) if {
	not contains(s, "/")
	_qualified_part(s)
}

_qualified_name(s) if {
	parts := split(s, "/")
	count(parts) == 2
	count(parts[0]) <= 253
	regex.match(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`, parts[0])
	_qualified_part(parts[1])
}

_qualified_part(s) if {
	count(s) <= 63
	regex.match(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`, s)
}

_label_value(s) if {
	count(s) <= 63
	regex.match(`^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`, s)
}

# Resolution DNS and DNS_ROUND_ROBIN.
_problems contains p if {
	some e in _entries
	_resolution(e) in {"DNS", "DNS_ROUND_ROBIN"}
	count(_list(e, "endpoints")) == 0
	bad := [[h, err] | some h0 in hosts(e); h := lib.str(h0); not _plain_domain(h, "^"); err := _fqdn_error(h)]
	count(bad) > 0
	[h, err] := bad[0]
	p := {"entry": e, "path": ["spec", "resolution"], "judged": h, "msg": sprintf("with resolution %s and no endpoints every host must be a fully qualified name, and %q is not: use resolution NONE for wildcard hosts, or list the hosts (%s)", [_resolution(e), h, err])}
}

_problems contains _problem(e, ["spec", "resolution"], sprintf("resolution DNS_ROUND_ROBIN allows at most 1 endpoint, and there are %d", [count(_list(e, "endpoints"))])) if {
	some e in _entries
	_resolution(e) == "DNS_ROUND_ROBIN"
	count(_list(e, "endpoints")) > 1
}

_problems contains _problem(e, path, msg) if {
	some e in _entries
	_resolution(e) in {"DNS", "DNS_ROUND_ROBIN"}
	some i, ep in _list(e, "endpoints")
	some p in _dns_endpoint(e, i, ep)
	[path, msg] := [p.path, p.msg]
}

_dns_endpoint(_, i, null) := {{"path": ["spec", "endpoints", i], "msg": "an endpoint may not be null"}}

_dns_endpoint(e, i, ep) := ps if {
	is_object(ep)
	addr := lib.str(object.get(ep, "address", ""))
	ps := ({p |
		some p in [
		{"path": ["spec", "endpoints", i, "address"], "msg": sprintf("endpoint address %q is not a valid FQDN or an IP address", [addr])} |
			not _valid_ip(addr)
			_fqdn_error(addr)
		]
	} | _endpoint_labels(i, ep)) | _endpoint_ports(e, i, ep)
}

# Resolution DYNAMIC_DNS.
_problems contains _problem(e, ["spec", "hosts"], "resolution DYNAMIC_DNS needs at least one wildcard host") if {
	some e in _entries
	_resolution(e) == "DYNAMIC_DNS"
	count(hosts(e)) == 0
}

_problems contains _problem(e, ["spec", "hosts", i], sprintf("host %q: resolution DYNAMIC_DNS needs wildcard hosts", [lib.str(h)])) if {
	some e in _entries
	_resolution(e) == "DYNAMIC_DNS"
	some i, h in hosts(e)
	not startswith(lib.str(h), "*")
}

_problems contains _problem(e, ["spec", "addresses"], "addresses cannot be set with resolution DYNAMIC_DNS: HTTP route domains come from the hosts") if {
	some e in _entries
	_resolution(e) == "DYNAMIC_DNS"
	count(_list(e, "addresses")) > 0
}

_problems contains _problem(e, ["spec", "endpoints"], "endpoints cannot be set with resolution DYNAMIC_DNS: the destination address comes from the hosts") if {
	some e in _entries
	_resolution(e) == "DYNAMIC_DNS"
	count(_list(e, "endpoints")) > 0
}

_problems contains _problem(e, ["spec", "ports", i], sprintf("port %v: resolution DYNAMIC_DNS supports only the protocols %s", [object.get(p, "number", 0), concat(", ", d.egress.dynamic_dns_protocols)])) if {
	some e in _entries
	_resolution(e) == "DYNAMIC_DNS"
	some i, p in _ports(e)
	is_object(p)
	not _port_protocol(p) in d.egress.dynamic_dns_protocols
}

_problems contains _problem(e, ["spec", "location"], "location MESH_INTERNAL with resolution DYNAMIC_DNS is not supported when the entry uses a waypoint") if {
	some e in _entries
	_resolution(e) == "DYNAMIC_DNS"
	object.get(spec(e), "location", "MESH_EXTERNAL") == "MESH_INTERNAL"
	w := lib.str(object.get(lib.labels(e.obj), d.labels.use_waypoint, ""))
	w != ""
	lower(w) != d.values.use_waypoint_none
}

# Several hosts on a port that is neither HTTP nor TLS, with a resolution other than NONE:
# reported at the first such port.
_problems contains _problem(e, ["spec", "ports", i], sprintf("port %v is neither HTTP nor TLS, so with %d hosts and resolution %s Istio cannot tell the hosts apart", [object.get(_ports(e)[i], "number", 0), count(hosts(e)), _resolution(e)])) if {
	some e in _entries
	_resolution(e) != "NONE"
	count(hosts(e)) > 1
	opaque := [i | some i, p in _ports(e); is_object(p); not _port_protocol(p) in d.egress.host_aware_protocols]
	count(opaque) > 0
	i := opaque[0]
}

# exportTo (Istio's validateExportTo for a ServiceEntry).
_problems contains _problem(e, ["spec", "exportTo", i], msg) if {
	some e in _entries
	ex := [lib.str(x) | some x in _list(e, "exportTo")]
	some i, x in ex
	msg := _export_error(ex, i, x, lib.namespace(e.obj))
}

_export_key(x, ns) := ns if {
	x == "."
	ns != ""
} else := x

_export_error(ex, i, x, ns) := sprintf("duplicate entries in exportTo: . and the current namespace %s", [ns]) if {
	key := _export_key(x, ns)
	key != x
	_seen_before(ex, i, key, ns)
} else := sprintf("duplicate entries in exportTo for entry %s", [x]) if {
	_seen_before(ex, i, _export_key(x, ns), ns)
} else := sprintf("exportTo entry %q is not ., *, ~ or a namespace name", [x]) if {
	key := _export_key(x, ns)
	x != "~"
	not key in {"*", "."}
	not _export_dns_label(key)
}

# _seen_before: an earlier valid entry has the same key (the Go loop adds only valid keys).
_seen_before(ex, i, key, ns) if {
	some j, y in ex
	j < i
	_export_key(y, ns) == key
	_export_valid(y, _export_key(y, ns))
}

_export_valid(x, _) if x == "~"

_export_valid(_, key) if key in {"*", "."}

_export_valid(_, key) if _export_dns_label(key)

_export_dns_label(s) if _dns1123_label(s)

_problems contains _problem(e, ["spec", "exportTo"], "exportTo cannot mix * with other entries") if {
	some e in _entries
	ex := [_export_key(lib.str(x), lib.namespace(e.obj)) | some x in _list(e, "exportTo")]
	"*" in ex
	count(ex) > 1
}

_problems contains _problem(e, ["spec", "exportTo"], "exportTo cannot export to no one (~) and to someone") if {
	some e in _entries
	ex := [lib.str(x) | some x in _list(e, "exportTo")]
	"~" in ex
	count(ex) > 1
}
