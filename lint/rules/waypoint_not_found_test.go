package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestWaypointNotFound(t *testing.T) {
	linttest.Run(t, testdata("waypoint-not-found"), rules.WaypointNotFound)
}
