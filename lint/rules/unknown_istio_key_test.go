package rules_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// Renaming a misspelt key to one its map already has, or renaming two keys of a map to one,
// would make a duplicate key, so those findings offer no fix, while the others keep theirs.
func TestUnknownIstioKeyOffersNoDuplicatingFix(t *testing.T) {
	res := linttest.Run(t, testdata("unknown-istio-key"), rules.UnknownIstioKey)
	seen := 0
	for _, f := range res.Findings {
		switch filepath.Base(f.Pos.File) {
		case "both-spellings.yaml":
			seen++
			if len(f.Fixes) != 0 {
				t.Errorf("%s: a fix that duplicates a key: %+v", f.Pos, f.Fixes)
			}
		case "keys.yaml":
			if strings.Contains(f.Message, "did you mean") && len(f.Fixes) == 0 {
				t.Errorf("%s: no fix for %s", f.Pos, f.Message)
			}
		}
	}
	if seen != 3 {
		t.Errorf("%d findings in both-spellings.yaml, want 3", seen)
	}
}
