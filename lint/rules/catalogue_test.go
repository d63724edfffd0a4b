package rules_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestCatalogue(t *testing.T) {
	all := rules.All()
	idRE := regexp.MustCompile(`^AMB[0-9]{3}$`)
	nameRE := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	if !slices.IsSortedFunc(all, func(a, b *lint.Rule) int { return strings.Compare(a.ID, b.ID) }) {
		t.Errorf("All() is not in ID order")
	}
	ids, names := map[string]bool{}, map[string]bool{}
	for _, r := range all {
		t.Run(r.ID+" "+r.Name+" is complete", func(t *testing.T) {
			if !idRE.MatchString(r.ID) || ids[r.ID] {
				t.Errorf("ID %q is malformed or repeated", r.ID)
			}
			if !nameRE.MatchString(r.Name) || names[r.Name] {
				t.Errorf("name %q is not unique kebab-case", r.Name)
			}
			ids[r.ID], names[r.Name] = true, true
			if r.Severity == lint.Off || r.Summary == "" || r.Run == nil {
				t.Errorf("severity %v, summary %q, run set %v: every rule needs all three", r.Severity, r.Summary, r.Run != nil)
			}
			for _, part := range []string{"**What.**", "**Why it breaks a cluster.**", "**Fix.**"} {
				if !strings.Contains(r.Doc, part) {
					t.Errorf("doc lacks %s", part)
				}
			}
		})
	}
	if first := all[0]; first != rules.InvalidYAML {
		t.Errorf("All()[0] = %s, want AMB001", first.ID)
	}
	if r, _ := config.LookupRule(all, "unused-ignore"); r == nil || !r.Late {
		t.Errorf("unused-ignore must be a late rule, to see which suppressions were used")
	}
}
