package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestWaypointTrafficMismatch(t *testing.T) {
	linttest.Run(t, testdata("waypoint-traffic-mismatch"), rules.WaypointTrafficMismatch)
}
