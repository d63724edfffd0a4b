package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestIneffectiveInAmbient(t *testing.T) {
	linttest.Run(t, testdata("ineffective-in-ambient"), rules.IneffectiveInAmbient)
}

// A route attached to a Service of an ambient namespace does nothing without a waypoint; one
// tree runs only ambient workloads, the other still runs sidecars, which apply routes
// themselves.
func TestIneffectiveInAmbientRoutes(t *testing.T) {
	for _, dir := range []string{"ambient", "with-sidecars"} {
		t.Run(dir, func(t *testing.T) {
			linttest.Run(t, testdata("ineffective-in-ambient-routes/"+dir), rules.IneffectiveInAmbient)
		})
	}
}

// REGISTRY_ONLY and the redirection annotation, in a tree that enrolls workloads in ambient
// mode, in one that runs only sidecars, and in one whose pilot values override the mode.
func TestIneffectiveInAmbientMeshSettings(t *testing.T) {
	for _, dir := range []string{"ambient", "sidecars-only", "pilot-override"} {
		t.Run(dir, func(t *testing.T) {
			linttest.Run(t, testdata("ineffective-in-ambient-mesh/"+dir), rules.IneffectiveInAmbient)
		})
	}
}
