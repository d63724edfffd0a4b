package engine_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// TestRunRunsTheCatalogueTogether lints every rule's testdata at once with the whole
// catalogue, rules running in parallel: no rule may fail, and the findings must not depend
// on scheduling. Run with -race, it checks that rules only read the shared inventory.
func TestRunRunsTheCatalogueTogether(t *testing.T) {
	opts := engine.Options{Paths: []string{"../rules/testdata"}, Root: "../rules/testdata", Rules: rules.All()}
	first, err := engine.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Findings) == 0 {
		t.Fatal("no findings over all the testdata")
	}
	again, err := engine.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first.Findings, again.Findings); diff != "" {
		t.Errorf("findings differ between runs (-first +again):\n%s", diff)
	}
}
