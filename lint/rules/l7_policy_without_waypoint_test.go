package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestL7PolicyWithoutWaypoint(t *testing.T) {
	linttest.Run(t, testdata("l7-policy-without-waypoint"), rules.L7PolicyWithoutWaypoint)
}

// The root namespace is the one the tree's istiod chart sets.
func TestL7PolicyWithoutWaypointRootNamespace(t *testing.T) {
	linttest.Run(t, testdata("l7-policy-without-waypoint-root"), rules.L7PolicyWithoutWaypoint)
}
