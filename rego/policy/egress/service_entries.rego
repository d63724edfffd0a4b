# The ServiceEntries of the input (networking.istio.io, any version), for AMB301–AMB303.
package ambientlint.egress

import rego.v1

import data.ambientlint.lib

# service_entries is an array, in input order: a set of whole entries would hash every
# manifest to build it.
service_entries := lib.of_kind("networking.istio.io/ServiceEntry")

spec(e) := s if {
	s := e.obj.spec
	is_object(s)
} else := {}

hosts(e) := h if {
	h := spec(e).hosts
	is_array(h)
} else := []
