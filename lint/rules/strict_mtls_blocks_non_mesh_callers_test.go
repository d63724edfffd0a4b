package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestStrictMTLSBlocksNonMeshCallers(t *testing.T) {
	linttest.Run(t, testdata("strict-mtls-blocks-non-mesh-callers"), rules.StrictMTLSBlocksNonMeshCallers)
}
