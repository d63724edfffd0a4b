package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestKialiExposed(t *testing.T) {
	linttest.Run(t, testdata("kiali-exposed"), rules.KialiExposed)
}
