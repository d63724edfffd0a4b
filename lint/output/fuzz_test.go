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
				checkLines(t, buf.String(), 2)
			case "github":
				// The Actions toolkit escapes only %, CR and LF in a command's text: one line,
				// and it is the error command.
				out := buf.String()
				if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "::error ") {
					t.Fatalf("github output is not one error command:\n%q", out)
				}
			}
		}
	})
}
