package rego

import (
	"bytes"
	"embed"
	"io/fs"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
)

//go:embed policy
var bundle embed.FS

//go:embed capabilities.json
var capabilitiesJSON []byte

// Bundle returns the policy bundle: the .rego files (policies, their shared library, the
// generated data module and the Rego unit tests, *_test.rego), rooted at the bundle's top, as
// ambientlint policy export writes it and conftest -p reads it.
func Bundle() fs.FS {
	sub, _ := fs.Sub(bundle, "policy") // fails only for an invalid path, and "policy" is valid
	return sub
}

// CapabilitiesJSON returns the bundle's OPA capabilities file, capabilities.json: OPA's own
// for the version linked in, without the builtins [RefusedBuiltins] names and with no host
// allowed for network access. The slice is a copy.
func CapabilitiesJSON() []byte { return slices.Clone(capabilitiesJSON) }

// Capabilities returns the bundle's capabilities (see [CapabilitiesJSON]) for an OPA
// compiler: a policy that calls a refused builtin fails to compile.
func Capabilities() (*ast.Capabilities, error) {
	return ast.LoadCapabilitiesJSON(bytes.NewReader(capabilitiesJSON))
}

// Twins returns the IDs of the catalogue's rules that the bundle implements, sorted. The
// slice is new on every call.
func Twins() []string {
	return []string{
		"AMB002", "AMB003",
		"AMB110",
		"AMB202", "AMB203", "AMB204", "AMB206", "AMB207",
		"AMB209",
		"AMB210",
		"AMB211",
		"AMB301", "AMB302", "AMB303",
		"AMB401", "AMB402",
	}
}

// CrossObject returns the IDs of the twins that join objects (a pod and its Namespace, a
// binding and its waypoint, a route and Kiali's Service, a URL and the ServiceEntries, a CNI's
// chart values and what says the tree installs ambient): they
// report only when the input is the whole tree (conftest --combine, or the in-process engine),
// and stay silent per document rather than guess. AMB002 (a HelmRelease's chart values and
// its chart repository), AMB202, AMB401 and AMB402 have parts of both kinds; they are listed
// here. The slice is new on every call.
func CrossObject() []string {
	return []string{"AMB002", "AMB110", "AMB202", "AMB203", "AMB204", "AMB207", "AMB209", "AMB210", "AMB211", "AMB303", "AMB401", "AMB402"}
}

// RefusedBuiltins returns the OPA builtins that capabilities.json leaves out of OPA's own
// capabilities, sorted.
func RefusedBuiltins() ([]string, error) {
	caps, err := Capabilities()
	if err != nil {
		return nil, err
	}
	kept := map[string]bool{}
	for _, b := range caps.Builtins {
		kept[b.Name] = true
	}
	var out []string
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if !kept[b.Name] {
			out = append(out, b.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
