package output_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/output"
	"github.com/ambientkit/ambientkit/lint/rules"
	"github.com/ambientkit/ambientkit/manifest"
)

// FuzzWriters writes one finding whose message, file and object name come from the input in
// every format: JSON and SARIF must be valid JSON, and no text or GitHub line may be a
// workflow command or hold a raw control character.
func FuzzWriters(f *testing.F) {
	f.Add("plain message", "apps/a.yaml", "api")
	f.Add("x\n::error file=a::pwned", "a\rb.yaml", "\x1b[31mred")
	f.Add("##[add-mask]secret", "::warning::x", "\u2028\u202e")
	f.Add("%0A%25", "dir/ü.yaml", "\xff\xfe")
	catalogue := rules.All()
	f.Fuzz(func(t *testing.T, msg, file, name string) {
		res := &lint.Result{Findings: []lint.Finding{{
			Rule: "AMB301", Name: "wildcard-egress", Severity: lint.Error, Message: msg,
			Pos:     manifest.Position{File: file, Line: 3, Column: 5},
			Object:  manifest.ObjectRef{APIVersion: "v1", Kind: "ServiceEntry", Name: name},
			Related: []lint.Related{{Position: manifest.Position{File: file, Line: 1, Column: 1}, Message: msg}},
		}}, Files: 1, Objects: 1, Root: "/repo"}
		for _, format := range []string{"text", "json", "sarif", "github"} {
			var buf bytes.Buffer
			if err := output.Write(&buf, format, res, catalogue, output.Options{Root: "/repo"}); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			switch format {
			case "json", "sarif":
				if !json.Valid(buf.Bytes()) {
					t.Fatalf("%s output is not valid JSON:\n%s", format, buf.String())
				}
			case "text":
				checkFuzzLines(t, format, buf.String(), 2)
			case "github":
				checkFuzzLines(t, format, buf.String(), 1)
			}
		}
	})
}

// checkFuzzLines fails when out has other than want lines, a line that the Actions runner would
// take for a command it was not written as, or (in text) a raw control character.
func checkFuzzLines(t *testing.T, format, out string, want int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != want {
		t.Fatalf("%s: %d lines, want %d:\n%q", format, len(lines), want, out)
	}
	for i, l := range lines {
		trimmed := strings.TrimLeft(l, " \t")
		if format == "text" && (strings.HasPrefix(trimmed, "::") || strings.Contains(l, "##[")) {
			t.Fatalf("%s line %d is a workflow command: %q", format, i+1, l)
		}
		if format == "github" && i == 0 && !strings.HasPrefix(l, "::error ") {
			t.Fatalf("github line is not the error command: %q", l)
		}
		if format == "github" {
			continue // the Actions toolkit escapes only %, CR and LF in a command's text
		}
		for _, r := range l {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
				t.Fatalf("%s line %d holds a raw control character %U: %q", format, i+1, r, l)
			}
		}
	}
}
