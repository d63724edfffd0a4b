package rules_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestKialiAnonymous(t *testing.T) {
	linttest.Run(t, testdata("kiali-anonymous"), rules.KialiAnonymous)
}

// The blog's own setup (anonymous Kiali on a ClusterIP Service, opened with kubectl
// port-forward) gets AMB402 only.
func TestKialiBlogSetupIsNotExposed(t *testing.T) {
	p := filepath.Join(testdata("kiali-anonymous"), "blog.yaml")
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{p}, Root: testdata("kiali-anonymous"),
		Rules: []*lint.Rule{rules.KialiExposed, rules.KialiAnonymous}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Rule)
	}
	if len(got) != 1 || got[0] != rules.KialiAnonymous.ID {
		t.Errorf("rules reported = %v, want [AMB402]", got)
	}
}
