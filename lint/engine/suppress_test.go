package engine_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/lint/engine"
)

// recordSuppressions is a late rule that keeps what Pass.Suppressions returns.
func recordSuppressions(out *[]lint.Suppression) *lint.Rule {
	return &lint.Rule{ID: "AMB004", Name: "unused-ignore", Severity: lint.Warning, Late: true,
		Run: func(p *lint.Pass) error {
			*out = p.Suppressions()
			return nil
		}}
}

func TestSuppression(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		cfg      *config.Config
		want     []string // findings left
		wantSups []string // "line: rules / reason: unknown=… unused=… suppressed=N"
	}{
		{
			name:     "a comment on the finding's line suppresses it",
			data:     "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bad-a # ambientlint:ignore AMB900 -- fixture\n",
			wantSups: []string{"4: [AMB900] / fixture: unknown=[] unused=[] suppressed=1"},
		},
		{
			name:     "a comment on the line above suppresses it, by rule name too",
			data:     "apiVersion: v1\nkind: Namespace\nmetadata:\n  # ambientlint:ignore flag-bad -- fixture\n  name: bad-a\n",
			wantSups: []string{"4: [flag-bad] / fixture: unknown=[] unused=[] suppressed=1"},
		},
		{
			name:     "a comment two lines above does not suppress",
			data:     "apiVersion: v1\nkind: Namespace\n# ambientlint:ignore AMB900 -- too far\nmetadata:\n  name: bad-a\n",
			want:     []string{"5:9: AMB900: bad-a is bad"},
			wantSups: []string{"3: [AMB900] / too far: unknown=[] unused=[AMB900] suppressed=0"},
		},
		{
			name:     "a comment without a reason suppresses nothing",
			data:     "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bad-a # ambientlint:ignore AMB900\n",
			want:     []string{"4:9: AMB900: bad-a is bad"},
			wantSups: []string{"4: [AMB900] / : unknown=[] unused=[] suppressed=0"},
		},
		{
			name:     "several rules, one unknown and one unused",
			data:     "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bad-a # ambientlint:ignore AMB900, AMB001,AMB999 -- fixture\n",
			wantSups: []string{"4: [AMB900 AMB001 AMB999] / fixture: unknown=[AMB999] unused=[AMB001] suppressed=1"},
		},
		{
			name:     "a rule switched off is not unused",
			data:     "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bad-a # ambientlint:ignore AMB900 -- fixture\n",
			cfg:      &config.Config{Severity: map[string]lint.Severity{"AMB900": lint.Off}},
			wantSups: []string{"4: [AMB900] / fixture: unknown=[] unused=[] suppressed=0"},
		},
		{
			name: "the annotation suppresses the rule's findings about its object only",
			data: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bad-a\n  annotations:\n    ambientlint.io/ignore: \"AMB900 -- fixture\"\n---\n" +
				"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bad-b\n",
			want:     []string{"11:9: AMB900: bad-b is bad"},
			wantSups: []string{"6: [AMB900] / fixture: unknown=[] unused=[] suppressed=1"},
		},
		{
			name: "a directive in a string or a longer word is not a directive",
			data: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bad-a\n  annotations:\n    note: \"x#ambientlint:ignore AMB900 -- no\" # ambientlint:ignored AMB900 -- no\n",
			want: []string{"4:9: AMB900: bad-a is bad"},
		},
		{
			name:     "a comment may be followed by another comment",
			data:     "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bad-a # ambientlint:ignore AMB900 -- fixture # other tool\n",
			wantSups: []string{"4: [AMB900] / fixture: unknown=[] unused=[] suppressed=1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"a.yaml": tt.data})
			var sups []lint.Suppression
			res := run(t, engine.Options{Paths: []string{dir}, Root: dir, Config: tt.cfg,
				Rules: []*lint.Rule{invalidYAML, flagBad, recordSuppressions(&sups)}})
			var got []string
			for _, f := range brief(dir, res.Findings) {
				got = append(got, f[len("a.yaml:"):])
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			var gotSups []string
			for _, s := range sups {
				gotSups = append(gotSups, fmtSup(s))
			}
			if diff := cmp.Diff(tt.wantSups, gotSups); diff != "" {
				t.Errorf("suppressions (-want +got):\n%s", diff)
			}
		})
	}
}

func fmtSup(s lint.Suppression) string {
	return fmtInt(s.Pos.Line) + ": " + fmtList(s.Rules) + " / " + s.Reason + ": unknown=" + fmtList(s.Unknown) +
		" unused=" + fmtList(s.Unused) + " suppressed=" + fmtInt(s.Suppressed)
}

func TestLateRulesCannotBeSuppressed(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a # ambientlint:ignore AMB004 -- try\n"})
	late := &lint.Rule{ID: "AMB004", Name: "unused-ignore", Severity: lint.Warning, Late: true,
		Run: func(p *lint.Pass) error {
			for _, s := range p.Suppressions() {
				p.Report(lint.Finding{Pos: s.Pos, Message: "late"})
			}
			return nil
		}}
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Root: dir, Rules: []*lint.Rule{late}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a.yaml:4:11: AMB004: late"}, brief(dir, res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestCommentDirectivesTellCommentsFromText(t *testing.T) {
	data := `apiVersion: v1
kind: ConfigMap
metadata:
  name: bad-a # ambientlint:ignore AMB900 -- a comment after a value
  annotations:
    a: "x # ambientlint:ignore AMB900 -- in double quotes"
    b: 'it''s # ambientlint:ignore AMB900 -- in single quotes'
    c: it's # ambientlint:ignore AMB900 -- after an apostrophe
data:
  script: |
    echo hi # ambientlint:ignore AMB900 -- block scalar text
    # ambientlint:ignore AMB900 -- block scalar text too

    # ambientlint:ignore AMB900 -- after a blank line, still text
  list:
  - run: >-
      # ambientlint:ignore AMB900 -- folded text
    with: x # ambientlint:ignore AMB900 -- a sibling key ends the block
  # ambientlint:ignore AMB900 -- a comment line
`
	dir := writeTree(t, map[string]string{"a.yaml": data})
	var sups []lint.Suppression
	run(t, engine.Options{Paths: []string{dir}, Root: dir, Rules: []*lint.Rule{flagBad, recordSuppressions(&sups)}})
	var got []string
	for _, s := range sups {
		got = append(got, fmtInt(s.Pos.Line)+":"+fmtInt(s.Pos.Column)+" "+s.Reason)
	}
	want := []string{"4:15 a comment after a value", "8:13 after an apostrophe", "18:13 a sibling key ends the block", "19:3 a comment line"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("directives (-want +got):\n%s", diff)
	}
}
