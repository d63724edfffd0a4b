package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestZtunnelTrustMismatch(t *testing.T) { runOrderTrees(t, rules.ZtunnelTrustMismatch) }
