package rules_test

import (
	"path/filepath"
	"testing"

	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestInvalidYAML(t *testing.T) {
	linttest.Run(t, filepath.Join("testdata", "invalid-yaml"), rules.InvalidYAML)
}
