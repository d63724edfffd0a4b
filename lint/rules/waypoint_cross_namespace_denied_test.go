package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestWaypointCrossNamespaceDenied(t *testing.T) {
	linttest.Run(t, testdata("waypoint-cross-namespace-denied"), rules.WaypointCrossNamespaceDenied)
}
