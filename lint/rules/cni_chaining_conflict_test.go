package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestCNIChainingConflict(t *testing.T) { runOrderTrees(t, rules.CNIChainingConflict) }
