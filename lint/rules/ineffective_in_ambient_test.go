package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestIneffectiveInAmbient(t *testing.T) {
	linttest.Run(t, testdata("ineffective-in-ambient"), rules.IneffectiveInAmbient)
}
