package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/engine"
)

// invalidYAML reports the loader's findings, as the catalogue's AMB001 does.
var invalidYAML = &lint.Rule{
	ID: lint.InvalidYAMLID, Name: lint.InvalidYAMLName, Severity: lint.Error,
	Run: func(p *lint.Pass) error {
		for _, f := range p.LoadFindings() {
			p.Report(f)
		}
		return nil
	},
}

// flagBad reports every object whose name starts with "bad", at its name.
var flagBad = &lint.Rule{
	ID: "AMB900", Name: "flag-bad", Severity: lint.Warning,
	Run: func(p *lint.Pass) error {
		for _, o := range p.Inventory.Objects {
			if strings.HasPrefix(o.Ref.Name, "bad") {
				p.Reportf(o, []string{"metadata", "name"}, "%s is bad", o.Ref.Name)
			}
		}
		return nil
	},
}

// writeTree writes files (slash-separated path → content) under a new temporary directory
// and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// run lints dir's paths with rules, failing the test on an error.
func run(t *testing.T, opts engine.Options) *lint.Result {
	t.Helper()
	if opts.Rules == nil {
		opts.Rules = []*lint.Rule{invalidYAML, flagBad}
	}
	res, err := engine.Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// brief is a finding reduced to what tests compare: "file:line:col: ID: message", with the
// file relative to dir.
func brief(dir string, fs []lint.Finding) []string {
	var out []string
	for _, f := range fs {
		f.Pos.File = relTo(dir, f.Pos.File)
		out = append(out, f.Pos.String()+": "+f.Rule+": "+f.Message)
	}
	return out
}

func relTo(dir, p string) string {
	if r, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return p
}

// objectsOf lists a result's objects as "file#doc[.item] Kind ns/name (Go type)".
func objectsOf(dir string, res *lint.Result) []string {
	var out []string
	for _, o := range res.Inventory.Objects {
		s := relTo(dir, o.File.Path) + "#" + strconv.Itoa(o.Doc)
		if o.Item > 0 {
			s += "." + strconv.Itoa(o.Item)
		}
		s += " " + o.Ref.String() + " (" + fmt.Sprintf("%T", o.Typed) + ")"
		out = append(out, s)
	}
	return out
}

func fmtInt(i int) string { return strconv.Itoa(i) }

func fmtList(l []string) string { return "[" + strings.Join(l, " ") + "]" }
