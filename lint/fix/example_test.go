package fix_test

import (
	"fmt"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/fix"
)

// ExampleApplyFixes applies a finding's suggested fix and prints the change as `--diff` would.
func ExampleApply() {
	files := map[string][]byte{
		"ns.yaml": []byte("metadata:\n  labels:\n    istio.io/dataplane-mode: ambient\n    istio-injection: enabled # old\n"),
	}
	findings := []lint.Finding{{
		Rule: "AMB202",
		Fixes: []lint.Fix{{
			Message: "remove the label istio-injection",
			Edits:   []lint.TextEdit{{File: "ns.yaml", Line: 4, Column: 1, EndLine: 5, EndColumn: 1}},
		}},
	}}
	fixed, err := fix.Apply(files, findings)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(fix.Diff("ns.yaml", files["ns.yaml"], fixed["ns.yaml"]))
	// Output:
	// --- a/ns.yaml
	// +++ b/ns.yaml
	// @@ -1,4 +1,3 @@
	//  metadata:
	//    labels:
	//      istio.io/dataplane-mode: ambient
	// -    istio-injection: enabled # old
}
