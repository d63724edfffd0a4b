package policy

import (
	"context"

	"github.com/ambientkit/ambientkit/lint"
	bundle "github.com/ambientkit/ambientkit/rego"
)

// Twins returns rules with each rule that the bundled policies twin replaced by its Rego
// twin: the same ID, name, severity, documentation and kinds, its findings from the bundle,
// evaluated in-process on all objects at once (as conftest's --combine). The other rules are
// returned as they are.
func Twins(ctx context.Context, rules []*lint.Rule) ([]*lint.Rule, error) {
	set, err := Compile(ctx, []Source{{Name: "rego", FS: bundle.Bundle()}}, Options{Namespaces: []string{"ambientlint.*"}, Combine: true})
	if err != nil {
		return nil, err
	}
	set.byRule, set.applied = true, true
	twinned := map[string]bool{}
	for _, id := range bundle.Twins() {
		twinned[id] = true
	}
	out := make([]*lint.Rule, len(rules))
	for i, r := range rules {
		out[i] = r
		if !twinned[r.ID] {
			continue
		}
		twin := *r
		twin.Run = func(p *lint.Pass) error {
			fs, err := set.Findings(p, twin.ID)
			for _, f := range fs {
				p.Report(f)
			}
			return err
		}
		out[i] = &twin
	}
	return out, nil
}
