package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestDiscoverySelectorsExclude(t *testing.T) { runOrderTrees(t, rules.DiscoverySelectorsExclude) }
