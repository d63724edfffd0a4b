package main

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/output"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantPaths []string
		wantOps   []ruleOp
		wantFmt   string
	}{
		{"flags before paths", []string{"--format", "json", "a", "b"}, []string{"a", "b"}, nil, "json"},
		{"flags after paths", []string{"a", "--format=sarif", "b"}, []string{"a", "b"}, nil, "sarif"},
		{"stdin is a path", []string{"-", "--format", "github"}, []string{"-"}, nil, "github"},
		{"-- ends the flags", []string{"a", "--", "--format", "-"}, []string{"a", "--format", "-"}, nil, "text"},
		{"rule flags keep their order and split lists", []string{"--disable", "AMB301,AMB302", "x", "--severity", "AMB301=info", "--enable", "AMB302"},
			[]string{"x"}, []ruleOp{{flag: "disable", rule: "AMB301"}, {flag: "disable", rule: "AMB302"},
				{flag: "severity", rule: "AMB301", level: "info"}, {flag: "enable", rule: "AMB302"}}, "text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, o := lintFlagSet()
			paths, err := parseInterspersed(fs, tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantPaths, paths); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantOps, o.ruleOps, cmp.AllowUnexported(ruleOp{})); diff != "" {
				t.Errorf("rule flags (-want +got):\n%s", diff)
			}
			if o.format != tt.wantFmt {
				t.Errorf("format %q, want %q", o.format, tt.wantFmt)
			}
		})
	}
}

func TestExitStatus(t *testing.T) {
	res := &lint.Result{Findings: []lint.Finding{{Severity: lint.Warning}}}
	for failOn, want := range map[string]int{"error": exitOK, "warning": exitFindings, "info": exitFindings, "none": exitOK} {
		t.Run("a warning with --fail-on "+failOn+" exits "+string(rune('0'+want)), func(t *testing.T) {
			if got := exitStatus(res, failOn); got != want {
				t.Errorf("exitStatus = %d, want %d", got, want)
			}
		})
	}
}

func TestREADMEDocumentsEveryFlag(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := lintFlagSet()
	fs.VisitAll(func(f *flag.Flag) {
		dashes := "--"
		if len(f.Name) == 1 {
			dashes = "-" // a short flag, as -q
		}
		if !bytes.Contains(readme, []byte("`"+dashes+f.Name)) {
			t.Errorf("README.md does not document %s%s", dashes, f.Name)
		}
	})
	for _, format := range output.Formats {
		if !bytes.Contains(readme, []byte("`"+format+"`")) {
			t.Errorf("README.md does not document the %s format", format)
		}
	}
}

func TestRulesDocIsFresh(t *testing.T) {
	want, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatalf("%v; generate it with: %s", err, output.RulesCommand)
	}
	var got bytes.Buffer
	if err := output.WriteRules(&got, "markdown", rules.All()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got.String()); diff != "" {
		t.Errorf("docs/rules.md is stale; regenerate it with\n\t%s\n(or go generate ./cmd/ambientlint)\n(-file +catalogue):\n%s",
			output.RulesCommand, diff)
	}
}

func TestEveryRuleHasDocs(t *testing.T) {
	for _, r := range rules.All() {
		t.Run(r.ID+" has a name, summary and doc", func(t *testing.T) {
			if r.Name == "" || r.Summary == "" || strings.TrimSpace(r.Doc) == "" {
				t.Errorf("rule %s: name %q, summary %q, doc %d bytes", r.ID, r.Name, r.Summary, len(r.Doc))
			}
		})
	}
}
