package output_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/output"
	"github.com/ambientkit/ambientkit/manifest"
)

// evil holds what a crafted metadata.name can put in a message: a workflow command on a line
// of its own, a legacy one mid-line, an SGR and an OSC 8 hyperlink sequence, a line separator
// and a bidi override.
const evil = "x\n::error file=x::pwned \x1b[31mred\x1b]8;;http://x\x1b\\link\u2028sep \u202eevil ##[error]v1\r\t\x7f\u0085\xff"

func TestEscape(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text, non-ASCII and backslashes are left alone", `ünïcode C:\x "q"`, `ünïcode C:\x "q"`},
		{"a newline cannot start a workflow command", "a\n::error file=x::pwned", `a\n::error file=x::pwned`},
		{"C0 controls have their Go names or hex", "\a\b\f\n\r\t\v\x00\x1b", `\a\b\f\n\r\t\v\x00\x1b`},
		{"an SGR sequence is shown, not obeyed", "\x1b[31mred", `\x1b[31mred`},
		{"an OSC 8 hyperlink is shown, not obeyed", "\x1b]8;;http://x\x1b\\", `\x1b]8;;http://x\x1b\`},
		{"DEL and C1 are escaped", "\x7f\u0085\u009b", `\x7f\u0085\u009b`},
		{"line and paragraph separators are escaped", "a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"bidi controls are escaped", "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
			`\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c`},
		{"bytes that are not UTF-8 are escaped", "a\xffb\xc2", `a\xffb\xc2`},
		{"a legacy ##[command] is broken up", "x ###[error]pwned", `x ###\x5berror]pwned`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, output.Escape(tt.in)); diff != "" {
				t.Errorf("Escape(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// checkLines fails t if out, split into lines, holds a control character, a line or
// paragraph separator, a bidi control or bytes that are not UTF-8; a line that the GitHub
// Actions runner would take as a workflow command ("::" after white space, or "##[" anywhere);
// or other than wantLines lines. allowed are escape sequences the writer itself emits.
func checkLines(t *testing.T, out string, wantLines int, allowed ...string) {
	t.Helper()
	if !strings.HasSuffix(out, "\n") {
		t.Errorf("output does not end in a newline: %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != wantLines {
		t.Errorf("%d lines, want %d:\n%s", len(lines), wantLines, out)
	}
	for _, line := range lines {
		stripped := line
		for _, a := range allowed {
			stripped = strings.ReplaceAll(stripped, a, "")
		}
		for i, r := range stripped {
			if r == utf8.RuneError || r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0x2028 || r == 0x2029 ||
				r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
				t.Errorf("raw %U at byte %d of line %q", r, i, line)
			}
		}
		if strings.HasPrefix(strings.TrimLeftFunc(line, unicode.IsSpace), "::") {
			t.Errorf("line %q is a workflow command", line)
		}
		if strings.Contains(line, "##[") {
			t.Errorf("line %q holds a legacy workflow command", line)
		}
	}
}

// evilResult is a finding whose message, path, related location and object carry evil.
func evilResult() *lint.Result {
	return &lint.Result{Findings: []lint.Finding{
		{Rule: "AMB301", Name: "wildcard-egress", Severity: lint.Error, Message: `ServiceEntry "` + evil + `" is bad`,
			Pos:    manifest.Position{File: "apps/" + evil + ".yaml", Line: 3, Column: 7},
			Object: manifest.ObjectRef{Kind: "ServiceEntry", Namespace: evil, Name: evil},
			Related: []lint.Related{
				{Position: manifest.Position{File: "::error file=y::pwned", Line: 1, Column: 1}, Message: evil},
				{Position: manifest.Position{File: "\u00a0 ::notice::nbsp"}, Message: "\n::warning::x"},
			}},
		{Rule: "AMB002", Name: "unknown-istio-key", Severity: lint.Warning, Message: evil,
			Pos: manifest.Position{File: "::error::" + evil, Line: 1, Column: 1}},
	}}
}

func TestTextCannotBeInjected(t *testing.T) {
	sgr := []string{"\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[1;31m", "\x1b[1;33m", "\x1b[1;34m"}
	tests := []struct {
		name    string
		opts    output.Options
		allowed []string
	}{
		{"plain text has one line per finding and location and nothing raw", output.Options{}, nil},
		{"coloured text has only its own escape sequences", output.Options{Color: true}, sgr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := write(t, "text", evilResult(), tt.opts)
			checkLines(t, got, 4, tt.allowed...)
			if !strings.Contains(got, `x\n::error file=x::pwned \x1b[31mred`) {
				t.Errorf("the message is not shown escaped:\n%s", got)
			}
		})
	}
	t.Run("a path that starts with :: is written as ./::", func(t *testing.T) {
		got := write(t, "text", evilResult(), output.Options{})
		for _, want := range []string{"\n    ./::error file=y::pwned:1:1: ", "\n    ./\u00a0 ::notice::nbsp: ", "\n./::error::x\\n::error"} {
			if !strings.Contains(got, want) {
				t.Errorf("no %q in:\n%s", want, got)
			}
		}
	})
}

func TestJSONCannotBeInjected(t *testing.T) {
	for _, format := range []string{"json", "sarif"} {
		t.Run("the "+format+" output shows no raw control and means the same", func(t *testing.T) {
			got := write(t, format, evilResult(), output.Options{})
			checkLines(t, got, strings.Count(got, "\n"))
			var doc any
			if err := json.Unmarshal([]byte(got), &doc); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, got)
			}
			// encoding/json writes bytes that are not UTF-8 as U+FFFD; everything else
			// comes back as it was.
			want := strings.ToValidUTF8(evil, "\ufffd")
			if n := countString(doc, want); n == 0 {
				t.Errorf("the message does not decode to the original:\n%s", got)
			}
		})
	}
}

// countString counts the strings in a decoded JSON document that contain s.
func countString(doc any, s string) int {
	switch v := doc.(type) {
	case string:
		if strings.Contains(v, s) {
			return 1
		}
	case []any:
		n := 0
		for _, e := range v {
			n += countString(e, s)
		}
		return n
	case map[string]any:
		n := 0
		for _, e := range v {
			n += countString(e, s)
		}
		return n
	}
	return 0
}
