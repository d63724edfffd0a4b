package rules

import "github.com/ambientkit/ambientkit/lint"

// RawIstioKey is AMB501: Go code that spells an Istio label or annotation key as a string
// where package ambient defines a constant. Only the analyzer reports it; manifests have no
// Go code, so its Run finds nothing.
var RawIstioKey = &lint.Rule{
	ID:       "AMB501",
	Name:     "raw-istio-key",
	Severity: lint.Info,
	Summary:  "Go code spells an Istio label or annotation key as a string where the SDK defines a constant",
	Doc: `**What.** Go code (checked by ` + "`ambientvet`" + `, not by ` + "`ambientlint`" + `) writes an Istio
label or annotation key as a string, such as ` + "`\"istio.io/dataplane-mode\"`" + `, where package
` + "`ambient`" + ` defines a constant for it (` + "`ambient.LabelDataplaneMode`" + `). The analyzer looks
where a key is expected: keys of map literals and index expressions on maps with string keys,
arguments of functions whose names speak of labels or annotations (` + "`metav1.HasLabel`" + `,
` + "`SetMetaDataLabel`" + `, ` + "`delete`" + `), ` + "`LabelSelectorRequirement.Key`" + `, constant and
variable declarations, comparisons and switch cases. A reference to a declared constant is
reported at the declaration, not at each use.

**Why it breaks a cluster.** A misspelt string compiles, and Istio ignores keys it does not know: the
namespace stays out of the mesh, or traffic bypasses its waypoint, and nothing reports it. A
misspelt constant does not compile.

**Fix.** Use the constant (the suggested fix does, and adds the import). The fix is offered
when the package already depends on package ` + "`ambient`" + `, directly or through another
package, so that the module can resolve the import.`,
	Run: func(*lint.Pass) error { return nil }, // Go code only
}
