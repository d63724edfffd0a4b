package engine_test

import (
	"slices"
	"testing"

	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestLiveKinds(t *testing.T) {
	kinds := engine.LiveKinds(nil, rules.All())
	// CustomResourceDefinitions are read: AMB210 judges the conversion webhooks they name.
	for _, gk := range []string{"argoproj.io/Application", "helm.toolkit.fluxcd.io/HelmRelease", "kustomize.toolkit.fluxcd.io/Kustomization",
		"/Secret", "sailoperator.io/Istio"} {
		if slices.Contains(kinds, gk) {
			t.Errorf("a run over a live cluster reads %s, which only GitOps order rules (or none) read: %v", gk, kinds)
		}
	}
	if !slices.Contains(kinds, "networking.istio.io/ServiceEntry") || !slices.Contains(kinds, "/Namespace") {
		t.Errorf("LiveKinds = %v, want ServiceEntries and Namespaces among them", kinds)
	}
	t.Run("a disabled rule's kinds are not read", func(t *testing.T) {
		cfg := config.Default()
		for _, r := range rules.All() {
			if r.ID != "AMB301" {
				if err := cfg.SetSeverity(rules.All(), r.ID, 0); err != nil {
					t.Fatal(err)
				}
			}
		}
		if got := engine.LiveKinds(cfg, rules.All()); !slices.Equal(got, []string{"networking.istio.io/ServiceEntry"}) {
			t.Errorf("LiveKinds with AMB301 alone = %v", got)
		}
	})
}
