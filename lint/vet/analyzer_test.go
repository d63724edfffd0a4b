package vet

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/go/analysis/analysistest"
)

// TestAnalyzer runs the analyzer over the packages of testdata/src, whose files carry their
// expectations as want comments and whose .golden files hold the result of the fixes. The
// packages they import are stubs under testdata/src with the real import paths.
func TestAnalyzer(t *testing.T) {
	tests := []struct {
		name  string
		flags map[string]string
		pkgs  []string
		fixes bool
	}{
		{name: "raw Istio keys are reported where keys are expected, with a fix that uses the constant", pkgs: []string{"rawkey"}, fixes: true},
		{name: "a package that does not depend on ambient gets AMB501 without a fix", pkgs: []string{"nodep"}, fixes: true},
		{name: "unknown keys and rejected values are reported with did-you-mean fixes", pkgs: []string{"unknownkey"}, fixes: true},
		{name: "waypoint literals without an HBONE listener on 15008, or named none, are reported", pkgs: []string{"waypoints"}, fixes: true},
		{name: "ServiceEntry literals with wildcard or invalid hosts, addresses and ports are reported", pkgs: []string{"serviceentries"}},
		{name: "allowed wildcard hosts are not reported", flags: map[string]string{"allow-wildcards": "*.allowed.example"}, pkgs: []string{"allowwildcards"}},
		{name: "test files are not checked by default", pkgs: []string{"skiptests"}},
		{name: "test files are checked with -testfiles", flags: map[string]string{"testfiles": "true"}, pkgs: []string{"withtests"}},
		{name: "generated files are not checked", pkgs: []string{"generated"}},
		{name: "package ambient itself is not checked", pkgs: []string{ambientPath}},
		{name: "disabled rules are not reported, by ID or by name in any case", flags: map[string]string{"disable": "amb501,Unknown-Istio-Key"}, pkgs: []string{"disabled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAnalyzer()
			for k, v := range tt.flags {
				if err := a.Flags.Set(k, v); err != nil {
					t.Fatal(err)
				}
			}
			if tt.fixes {
				analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), a, tt.pkgs...)
			} else {
				analysistest.Run(t, analysistest.TestData(), a, tt.pkgs...)
			}
		})
	}
}

// TestRules checks the metadata the analyzer reports under against the catalogue's IDs and
// names, which users write in configuration and suppressions.
func TestRules(t *testing.T) {
	var got []string
	for _, r := range Rules() {
		got = append(got, r.ID+" "+r.Name+" "+r.Severity.String())
	}
	want := []string{
		"AMB002 unknown-istio-key warning",
		"AMB003 invalid-istio-value error",
		"AMB206 malformed-waypoint error",
		"AMB301 wildcard-egress error",
		"AMB302 invalid-service-entry error",
		"AMB501 raw-istio-key info",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Rules() (-want +got):\n%s", diff)
	}
}
