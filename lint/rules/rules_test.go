package rules_test

import (
	"path/filepath"
	"testing"

	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func testdata(name string) string { return filepath.Join("testdata", name) }

func TestUnknownIstioKey(t *testing.T) {
	linttest.Run(t, testdata("unknown-istio-key"), rules.UnknownIstioKey)
}

func TestInvalidIstioValue(t *testing.T) {
	linttest.Run(t, testdata("invalid-istio-value"), rules.InvalidIstioValue)
}

func TestWildcardEgress(t *testing.T) {
	cfg := &config.Config{Egress: config.Egress{AllowWildcards: []string{"*.allowed.example"}}}
	linttest.RunWithConfig(t, testdata("wildcard-egress"), cfg, rules.WildcardEgress)
}

func TestInvalidServiceEntry(t *testing.T) {
	linttest.Run(t, testdata("invalid-service-entry"), rules.InvalidServiceEntry)
}

func TestUnclassifiedEgress(t *testing.T) {
	linttest.Run(t, testdata("unclassified-egress"), rules.UnclassifiedEgress)
}

func TestServiceEntryNeedsAddresses(t *testing.T) {
	linttest.Run(t, testdata("service-entry-needs-addresses"), rules.ServiceEntryNeedsAddresses)
}
