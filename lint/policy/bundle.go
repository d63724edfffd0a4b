package policy

import (
	"context"
	"sync"

	"github.com/ambientkit/ambientkit/lint"
	bundle "github.com/ambientkit/ambientkit/rego"
)

// Twins returns rules with each rule that the bundled policies twin replaced by its Rego
// twin: the same ID, name, severity, documentation and kinds, its findings from the bundle,
// evaluated in-process on all objects at once (as conftest's --combine). The other rules are
// returned as they are.
//
// The bundle compiles while the caller goes on (loading the tree, building the model); the
// first twin that runs waits for it. A compile error (the bundle's tests rule one out) is
// that rule's error.
func Twins(ctx context.Context, rules []*lint.Rule) ([]*lint.Rule, error) {
	compile := sync.OnceValues(func() (*Set, error) {
		set, err := Compile(ctx, []Source{{Name: "rego", FS: bundle.Bundle()}}, Options{Namespaces: []string{"ambientlint.*"}, Combine: true})
		if err == nil {
			set.byRule, set.applied = true, true
		}
		return set, err
	})
	go compile()
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
		twin.Trees = true
		twin.Run = func(p *lint.Pass) error {
			set, err := compile()
			if err != nil {
				return err
			}
			fs, err := set.findings(p, twin.ID)
			for _, f := range fs {
				p.Report(f)
			}
			return err
		}
		out[i] = &twin
	}
	return out, nil
}
