package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestUnusedWaypoint(t *testing.T) { runOrderTrees(t, rules.UnusedWaypoint) }
