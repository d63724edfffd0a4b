package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestDataplaneVersionSkew(t *testing.T) { runOrderTrees(t, rules.DataplaneVersionSkew) }
