package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestMalformedWaypoint(t *testing.T) {
	linttest.Run(t, testdata("malformed-waypoint"), rules.MalformedWaypoint)
}
