package engine_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/engine"
)

// A rule runs only when the tree holds a kind it reads, and only the kinds enabled rules
// read are decoded into Go types, unless AMB001 is on.
func TestRunHonoursRuleKinds(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.yaml": nsDoc("a"),
		"s.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: a\n",
	})
	var ran []string
	var typed map[string]bool
	rule := func(id string, kinds ...string) *lint.Rule {
		return &lint.Rule{ID: id, Name: id, Severity: lint.Warning, Kinds: kinds, Run: func(p *lint.Pass) error {
			ran = append(ran, id)
			for _, o := range p.Inventory.Objects {
				typed[o.Ref.Kind] = o.Typed != nil
			}
			return nil
		}}
	}
	services := rule("AMB910", "/Service")
	gateways := rule("AMB911", "gateway.networking.k8s.io/Gateway")
	everything := rule("AMB912")
	tests := []struct {
		name      string
		rules     []*lint.Rule
		wantRan   []string
		wantTyped map[string]bool
	}{
		{"a rule whose kinds are absent does not run", []*lint.Rule{gateways}, nil, nil},
		{"a rule whose kind is present runs, and only that kind is decoded", []*lint.Rule{services},
			[]string{"AMB910"}, map[string]bool{"Namespace": false, "Service": true}},
		{"a rule without kinds runs on every tree", []*lint.Rule{everything},
			[]string{"AMB912"}, map[string]bool{"Namespace": false, "Service": false}},
		{"with AMB001 on, every known kind is decoded", []*lint.Rule{invalidYAML, everything},
			[]string{"AMB912"}, map[string]bool{"Namespace": true, "Service": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran, typed = nil, nil
			if tt.wantTyped != nil {
				typed = map[string]bool{}
			}
			run(t, engine.Options{Paths: []string{dir}, Root: dir, Rules: tt.rules})
			if diff := cmp.Diff(tt.wantRan, ran); diff != "" {
				t.Errorf("rules that ran (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantTyped, typed); diff != "" {
				t.Errorf("decoded kinds (-want +got):\n%s", diff)
			}
		})
	}
}

// A directive naming a rule that was skipped for want of its kinds is unused, as it was when
// the rule ran and found nothing.
func TestSkippedRulesCountAsRunForUnusedIgnores(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.yaml": "# ambientlint:ignore AMB911 -- no gateways here yet\n" + nsDoc("a"),
	})
	gateways := &lint.Rule{ID: "AMB911", Name: "gateways", Severity: lint.Warning,
		Kinds: []string{"gateway.networking.k8s.io/Gateway"}, Run: func(*lint.Pass) error { return nil }}
	var sups []lint.Suppression
	run(t, engine.Options{Paths: []string{dir}, Root: dir, Rules: []*lint.Rule{gateways, recordSuppressions(&sups)}})
	if len(sups) != 1 || len(sups[0].Unused) != 1 || sups[0].Unused[0] != "AMB911" {
		t.Errorf("suppressions = %+v, want the directive unused for AMB911", sups)
	}
}
