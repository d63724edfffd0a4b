package policy_test

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
	bundle "github.com/ambientkit/ambientkit/rego"
)

// The twinned rules' testdata, linted by the Go rule and by its Rego twin (the bundle,
// evaluated in-process as --engine rego does), gives the same findings: the same rule, file
// and line. The messages may be worded apart.
func TestParity(t *testing.T) {
	twins, err := policy.Twins(context.Background(), rules.All())
	if err != nil {
		t.Fatal(err)
	}
	byID := func(rs []*lint.Rule, id string) *lint.Rule {
		i := slices.IndexFunc(rs, func(r *lint.Rule) bool { return r.ID == id })
		return rs[i]
	}
	for _, id := range bundle.Twins() {
		goRule, twin := byID(rules.All(), id), byID(twins, id)
		dirs, err := filepath.Glob(filepath.Join("..", "rules", "testdata", goRule.Name+"*"))
		if err != nil || len(dirs) == 0 {
			t.Fatalf("%s: no testdata (%v)", id, err)
		}
		for _, dir := range dirs {
			t.Run(id+"/"+filepath.Base(dir), func(t *testing.T) {
				cfg := config.Default()
				cfg.LintUnreached = true // as the rules' own tests lint their testdata
				if id == "AMB301" {
					cfg.Egress.AllowWildcards = []string{"*.allowed.example"}
				}
				got := findingsOf(t, dir, cfg, twin)
				want := findingsOf(t, dir, cfg, goRule)
				if len(want) == 0 {
					t.Fatalf("the Go rule finds nothing in %s: no parity to check", dir)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("rego engine against go engine (-go +rego):\n%s", diff)
				}
			})
		}
	}
}

// findingsOf lints dir with one rule and returns its findings as "rule file:line".
func findingsOf(t *testing.T, dir string, cfg *config.Config, r *lint.Rule) []string {
	t.Helper()
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Root: dir, Config: cfg, Rules: []*lint.Rule{r}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s %s:%d", f.Rule, f.Pos.File, f.Pos.Line))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// A chart's values from a ConfigMap of the tree (Flux valuesFrom) reach the twins in-process
// (data.ambientlint.context.chart_values), as they reach the Go rules: Kiali without
// authentication is found by both.
func TestTwinsReadMergedChartValues(t *testing.T) {
	twins, err := policy.Twins(context.Background(), rules.All())
	if err != nil {
		t.Fatal(err)
	}
	var goRule, twin *lint.Rule
	for i, r := range rules.All() {
		if r.ID == "AMB402" {
			goRule, twin = r, twins[i]
		}
	}
	want := findingsOf(t, "testdata/values-from", config.Default(), goRule)
	got := findingsOf(t, "testdata/values-from", config.Default(), twin)
	if len(want) != 1 {
		t.Fatalf("the Go rule finds %v, want one AMB402", want)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rego engine against go engine (-go +rego):\n%s", diff)
	}
}
