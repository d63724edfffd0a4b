package rules_test

import (
	"path/filepath"
	"testing"

	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// TestLayouts lints the repository layouts of the GitOps model's tests (gitops/testdata/
// layouts) with every rule, as ambientlint lints a repository: the want comments there are
// the findings a platform engineer agrees with, and every other finding fails the test.
func TestLayouts(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "gitops", "testdata", "layouts", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		if filepath.Ext(dir) == ".golden" {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			linttest.RunRepo(t, dir, rules.All()...)
		})
	}
}
