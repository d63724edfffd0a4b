package engine_test

import (
	"context"
	"testing"

	"github.com/ambientkit/ambientkit/internal/gentree"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// The load releases the trees of decoded objects (manifest.File.ReleaseTrees); the model and
// the rules read those objects through their Go types and kept metadata, so that a run
// parses a file again only to place a finding in it. A file parsed again without a finding
// is a rule or a model step reading trees it could read from Typed.
func TestRunParsesAgainOnlyFilesWithFindings(t *testing.T) {
	dir := t.TempDir()
	if err := gentree.GenerateTree(dir, 1000); err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Root: dir, Rules: rules.All()})
	if err != nil {
		t.Fatal(err)
	}
	withFindings := map[string]bool{}
	for _, f := range res.Findings {
		withFindings[f.Pos.File] = true
		for _, r := range f.Related {
			withFindings[r.File] = true
		}
	}
	reparsed := 0
	for _, f := range res.Inventory.Files {
		if f.Reparsed() {
			reparsed++
			if !withFindings[f.Path] {
				t.Errorf("%s was parsed again, and has no finding", f.Path)
			}
		}
	}
	if len(res.Findings) == 0 || reparsed == 0 {
		t.Fatalf("%d findings, %d files parsed again: the generated tree no longer exercises this", len(res.Findings), reparsed)
	}
}
