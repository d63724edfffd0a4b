# The ServiceEntries of the input (networking.istio.io, any version), for AMB301–AMB303.
package ambientlint.egress

import rego.v1

import data.ambientlint.lib

service_entries contains e if {
	some e in lib.by_gk["networking.istio.io/ServiceEntry"]
}

spec(e) := s if {
	s := e.obj.spec
	is_object(s)
} else := {}

hosts(e) := h if {
	h := spec(e).hosts
	is_array(h)
} else := []
