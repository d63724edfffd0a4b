# The ServiceEntries of the input (networking.istio.io, any version), for AMB301–AMB303.
package ambientlint.egress

import rego.v1

import data.ambientlint.lib

# service_entries is an array, in input order: a set of whole entries would hash every
# manifest to build it. Each entry also carries its spec and hosts, read once.
service_entries := [object.union(e, {"spec": s, "hosts": _hosts(s)}) |
	some e in lib.of_kind("networking.istio.io/ServiceEntry")
	s := _spec(e.obj)
]

_spec(obj) := s if {
	s := obj.spec
	is_object(s)
} else := {}

_hosts(s) := h if {
	h := s.hosts
	is_array(h)
} else := []

# spec and hosts are a ServiceEntry's (one of service_entries).
spec(e) := e.spec

hosts(e) := e.hosts
