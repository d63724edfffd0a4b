package rego_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/policy"
	"github.com/ambientkit/ambientkit/lint/rules"
	"github.com/ambientkit/ambientkit/rego"
)

// Each twin gives every finding the severity its Go rule gives it: AMB002's near misses of
// the enrollment keys are errors (deny), its other findings warnings (warn). The positions
// themselves are lint/policy's parity test.
func TestTwinSeveritiesMatchTheGoRules(t *testing.T) {
	ctx := context.Background()
	twins, err := policy.Twins(ctx, rules.All())
	if err != nil {
		t.Fatal(err)
	}
	byID := func(rs []*lint.Rule, id string) *lint.Rule {
		return rs[slices.IndexFunc(rs, func(r *lint.Rule) bool { return r.ID == id })]
	}
	for _, id := range rego.Twins() {
		goRule, twin := byID(rules.All(), id), byID(twins, id)
		dirs, err := filepath.Glob(filepath.Join("..", "lint", "rules", "testdata", goRule.Name+"*"))
		if err != nil || len(dirs) == 0 {
			t.Fatalf("%s: no testdata (%v)", id, err)
		}
		for _, dir := range dirs {
			t.Run(id+"/"+filepath.Base(dir), func(t *testing.T) {
				cfg := config.Default()
				cfg.LintUnreached = true
				if id == "AMB301" {
					cfg.Egress.AllowWildcards = []string{"*.allowed.example"}
				}
				want, got := severities(t, dir, cfg, goRule), severities(t, dir, cfg, twin)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("severities, rego against go (-go +rego):\n%s", diff)
				}
			})
		}
	}
}

// severities lints dir with one rule and returns its findings as "file:line severity".
func severities(t *testing.T, dir string, cfg *config.Config, r *lint.Rule) []string {
	t.Helper()
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Root: dir, Config: cfg, Rules: []*lint.Rule{r}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s:%d %s", f.Pos.File, f.Pos.Line, f.Severity))
	}
	slices.Sort(out)
	return slices.Compact(out)
}
