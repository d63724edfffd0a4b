package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestCNIPlatformPaths(t *testing.T) { runOrderTrees(t, rules.CNIPlatformPaths) }
