package linttest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint"
)

// recorder is a testing.TB that keeps the failures it is told about.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// flagBad reports every object whose name starts with "bad", at its name; twice for names
// starting with "badbad".
var flagBad = &lint.Rule{
	ID: "AMB900", Name: "flag-bad", Severity: lint.Warning,
	Run: func(p *lint.Pass) error {
		for _, o := range p.Inventory.Objects {
			if strings.HasPrefix(o.Ref.Name, "bad") {
				p.Reportf(o, []string{"metadata", "name"}, "%s is bad", o.Ref.Name)
			}
			if strings.HasPrefix(o.Ref.Name, "badbad") {
				p.Reportf(o, []string{"metadata", "name"}, "%s is very bad", o.Ref.Name)
			}
		}
		return nil
	},
}

var invalidYAML = &lint.Rule{
	ID: lint.InvalidYAMLID, Name: lint.InvalidYAMLName, Severity: lint.Error,
	Run: func(p *lint.Pass) error {
		for _, f := range p.LoadFindings() {
			p.Report(f)
		}
		return nil
	},
}

func ns(name, comment string) string {
	return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + comment + "\n"
}

func TestRun(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		rules []*lint.Rule
		want  []string // failures, with the directory replaced by DIR
	}{
		{
			name: "wanted findings pass",
			files: map[string]string{
				"a.yaml": ns("bad-a", ` # want "AMB900: bad-a is bad"`),
				"b.yaml": ns("badbad", " # want `AMB900: .* is bad` \"very bad\""),
				"c.yaml": ns("good", ""),
			},
		},
		{
			name:  "an unwanted finding fails with its position",
			files: map[string]string{"a.yaml": ns("bad-a", "")},
			want:  []string{"DIR/a.yaml:4:9: unexpected finding: AMB900: bad-a is bad"},
		},
		{
			name:  "a want no finding matches fails with its line",
			files: map[string]string{"a.yaml": ns("good", ` # want "AMB900: good"`)},
			want:  []string{`DIR/a.yaml:4: no finding matched "AMB900: good"`},
		},
		{
			name:  "a want matches one finding only",
			files: map[string]string{"a.yaml": ns("bad-a", ` # want "AMB900" "AMB900"`)},
			want:  []string{`DIR/a.yaml:4: no finding matched "AMB900"`},
		},
		{
			name:  "a want on another line does not match",
			files: map[string]string{"a.yaml": "# want \"AMB900\"\n" + ns("bad-a", "")},
			want: []string{
				"DIR/a.yaml:5:9: unexpected finding: AMB900: bad-a is bad",
				`DIR/a.yaml:1: no finding matched "AMB900"`,
			},
		},
		{
			name:  "a malformed want comment fails",
			files: map[string]string{"a.yaml": ns("good", " # want AMB900")},
			want:  []string{`DIR/a.yaml:4: bad want comment: want a quoted regular expression at "AMB900"`},
		},
		{
			name:  "testdata that does not load fails unless AMB001 runs",
			files: map[string]string{"a.yaml": "a: [\n"},
			want:  []string{"DIR/a.yaml:2:1: testdata does not load: invalid YAML: did not find expected node content"},
		},
		{
			name:  "with AMB001 running, load problems are findings to want",
			files: map[string]string{"a.yaml": "a: b\nc: d\n  e: f # want \"AMB001: invalid YAML\"\n"},
			rules: []*lint.Rule{invalidYAML},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			rules := tt.rules
			if rules == nil {
				rules = []*lint.Rule{flagBad}
			}
			r := &recorder{TB: t}
			Run(r, dir, rules...)
			var got []string
			for _, e := range r.errs {
				got = append(got, strings.ReplaceAll(e, dir, "DIR"))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("failures (-want +got):\n%s", diff)
			}
		})
	}
}
