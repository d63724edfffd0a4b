package output_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint/output"
)

func TestRulesText(t *testing.T) {
	var b bytes.Buffer
	if err := output.WriteRules(&b, "text", catalogue); err != nil {
		t.Fatal(err)
	}
	want := `ID      NAME               SEVERITY  SUMMARY
AMB001  invalid-yaml       error     a file that does not parse
AMB002  unknown-istio-key  warning   an unknown key
AMB301  wildcard-egress    error     a wildcard | host
AMB900  opt-in             off       off by default
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
}

func TestRulesJSON(t *testing.T) {
	var b bytes.Buffer
	if err := output.WriteRules(&b, "json", catalogue); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version int
		Rules   []map[string]any
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id": "AMB301", "name": "wildcard-egress", "severity": "error", "summary": "a wildcard | host",
		"doc": catalogue[2].Doc, "kinds": []any{"networking.istio.io/ServiceEntry"},
		"helpUri": catalogue[2].HelpURI(),
	}
	if diff := cmp.Diff(want, doc.Rules[2]); diff != "" {
		t.Errorf("rule (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{}, doc.Rules[0]["kinds"]); diff != "" {
		t.Errorf("kinds of a rule reading any kind (-want +got):\n%s", diff)
	}
}

func TestRulesMarkdownAnchors(t *testing.T) {
	var b bytes.Buffer
	if err := output.WriteRules(&b, "markdown", catalogue); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	// GitHub makes a heading's anchor from its text, lower-cased: "## AMB301" is #amb301.
	headings := regexp.MustCompile(`(?m)^## (\S+)$`).FindAllStringSubmatch(md, -1)
	var got []string
	for _, h := range headings {
		got = append(got, "#"+strings.ToLower(h[1]))
	}
	var want []string
	for _, r := range catalogue {
		_, anchor, _ := strings.Cut(r.HelpURI(), "#")
		want = append(want, "#"+anchor)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("anchors (-want +got):\n%s", diff)
	}
	if !strings.Contains(md, "| [AMB301](#amb301) | `wildcard-egress` | error | a wildcard \\| host |") {
		t.Errorf("index row of AMB301 missing or unescaped:\n%s", md)
	}
}

func TestExplain(t *testing.T) {
	var b bytes.Buffer
	if err := output.Explain(&b, catalogue[2], false); err != nil {
		t.Fatal(err)
	}
	want := `AMB301 wildcard-egress (default severity: error)

a wildcard | host

What. A wildcard host
in a ServiceEntry.

Why. Unauditable.

Fix. List hosts.

Reads: networking.istio.io/ServiceEntry
More:  ` + catalogue[2].HelpURI() + "\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("explain (-want +got):\n%s", diff)
	}
}

// A terminal gets the Markdown rendered: no ** or backquotes, links with their address,
// list items as bullets; in colour, strong text is bold and code cyan.
func TestExplainRendersMarkdown(t *testing.T) {
	md := "**Fix.** Set `port: 15008`, see [the docs](https://istio.io/latest/docs/).\n- a `Sidecar` resource\n  - nested *not emphasis*\n"
	want := "Fix. Set port: 15008, see the docs (https://istio.io/latest/docs/).\n• a Sidecar resource\n  • nested *not emphasis*\n"
	if got := output.PlainText(md); got != want {
		t.Errorf("PlainText:\n%q\nwant:\n%q", got, want)
	}
	var b bytes.Buffer
	if err := output.Explain(&b, catalogue[2], true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\x1b[1mWhat.\x1b[0m A wildcard host") || strings.Contains(b.String(), "**") {
		t.Errorf("coloured explain does not render the Markdown:\n%q", b.String())
	}
}

func TestUnknownRulesFormat(t *testing.T) {
	if err := output.WriteRules(&bytes.Buffer{}, "yaml", catalogue); err == nil {
		t.Error("WriteRules accepted an unknown format")
	}
}
