# AMB301 wildcard-egress (error): a ServiceEntry host that is a wildcard (*.vendor.example).
# Hosts listed in data.ambientlint.config.egress.allowWildcards (the configuration's
# egress.allowWildcards; give it to conftest with --data) are exempt. Per object: both conftest
# modes.
package ambientlint.egress

import rego.v1

import data.ambientlint.lib

_allowed := a if {
	a := data.ambientlint.config.egress.allowWildcards
	is_array(a)
} else := []

deny contains r if {
	some e in service_entries
	some i, h in hosts(e)
	is_string(h)
	startswith(h, "*")
	not h in _allowed
	msg := sprintf("ServiceEntry %s has wildcard host %q: list explicit hosts, or allow it in egress.allowWildcards", [lib.name(e.obj), h])
	r := lib.result("AMB301", e, ["spec", "hosts", i], msg)
}
