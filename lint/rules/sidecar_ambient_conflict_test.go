package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestSidecarAmbientConflict(t *testing.T) {
	linttest.Run(t, testdata("sidecar-ambient-conflict"), rules.SidecarAmbientConflict)
}
