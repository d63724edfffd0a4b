package rules

import (
	"errors"
	"fmt"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// InvalidIstioValue is AMB003: a known Istio label with a value Istio does not accept.
var InvalidIstioValue = &lint.Rule{
	ID:       "AMB003",
	Name:     "invalid-istio-value",
	Severity: lint.Error,
	Summary:  "a known Istio label with a value Istio does not accept",
	Doc: `**What.** A label Istio reads with a fixed set of values carries another value:
` + "`istio.io/dataplane-mode`" + ` not ` + "`ambient`/`none`" + `; ` + "`istio.io/waypoint-for`" + ` not
` + "`service`/`workload`/`all`/`none`" + `; ` + "`istio-injection`" + ` not ` + "`enabled`/`disabled`" + `;
` + "`istio.io/ingress-use-waypoint`" + ` not ` + "`true`/`false`" + `. Values are compared exactly, as
Istio compares them: ` + "`Ambient`" + ` is not ` + "`ambient`" + `. Values that hold an unresolved
` + "`${VAR}`" + ` are not judged.

**Why it breaks a cluster.** Istio treats an unknown value as if the label were absent. A
namespace labelled ` + "`istio.io/dataplane-mode: Ambient`" + ` is not enrolled, and a waypoint
labelled ` + "`istio.io/waypoint-for: services`" + ` serves the default traffic type, not what
was meant.

**Fix.** Use one of the accepted values. When the value differs only in case, the suggested
fix rewrites it.`,
	Kinds: nil,
	Run:   runInvalidIstioValue,
}

func runInvalidIstioValue(p *lint.Pass) error {
	for _, o := range p.Inventory.Objects {
		for _, e := range objectMeta(p, o) {
			if !e.Label || manifest.IsOpaque(e.Value) {
				continue
			}
			err := ambient.ValidateValue(e.Key, e.Value)
			if err == nil {
				continue
			}
			f := lint.Finding{Message: err.Error(), Pos: o.Pos(e.Path()...), Object: o.Ref}
			var ve *ambient.InvalidValueError
			if errors.As(err, &ve) && ve.Suggestion != "" {
				if edit, ok := replaceScalar(o, e.node(o), ve.Suggestion); ok {
					f.Fixes = []lint.Fix{{Message: fmt.Sprintf("use %q", ve.Suggestion), Edits: []lint.TextEdit{edit}}}
				}
			}
			p.Report(f)
		}
	}
	return nil
}
