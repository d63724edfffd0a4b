package gen

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
)

// refusedBuiltins are the builtins the bundle's capabilities leave out: those that reach the
// network (http.send, net.lookup_ip_addr), read the host (opa.runtime: environment and
// configuration) or make a result depend on when or where it is computed (time.now_ns, the
// random and UUID generators), so that a policy's findings depend only on the files it reads.
// rego.metadata.* and the time functions of a given timestamp stay: they are deterministic.
var refusedBuiltins = []string{
	"http.send",
	"net.lookup_ip_addr",
	"opa.runtime",
	"time.now_ns",
	"rand.intn",
	"uuid.rfc4122",
}

// capabilities returns OPA's capabilities for the version linked in, without refusedBuiltins
// and with no host allowed for network access (allow_net: []), as indented JSON.
func capabilities() ([]byte, error) {
	c := ast.CapabilitiesForThisVersion()
	c.Builtins = slices.DeleteFunc(c.Builtins, func(b *ast.Builtin) bool {
		return slices.Contains(refusedBuiltins, b.Name)
	})
	// AllowNet is omitempty: an empty list would vanish, and a missing allow_net allows every
	// host. So the field is written by hand.
	raw, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	fields["allow_net"] = json.RawMessage("[]")
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(fields); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
