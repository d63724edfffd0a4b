package output_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/output"
	"github.com/ambientkit/ambientkit/manifest"
)

// catalogue is a small rule catalogue for output tests.
var catalogue = []*lint.Rule{
	{ID: "AMB001", Name: "invalid-yaml", Severity: lint.Error, Summary: "a file that does not parse",
		Doc: "**What.** A file that is not YAML.\n\n**Fix.** Fix it."},
	{ID: "AMB002", Name: "unknown-istio-key", Severity: lint.Warning, Summary: "an unknown key",
		Doc: "**What.** An unknown key.\n\n**Fix.** Spell it right."},
	{ID: "AMB301", Name: "wildcard-egress", Severity: lint.Error, Summary: "a wildcard | host",
		Doc:   "**What.** A wildcard host\nin a ServiceEntry.\n\n**Why.** Unauditable.\n\n**Fix.** List hosts.",
		Kinds: []string{"networking.istio.io/ServiceEntry"}},
	{ID: "AMB900", Name: "opt-in", Severity: lint.Off, Summary: "off by default", Doc: "Off."},
}

var seData = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: vendor # ünïcode\n  namespace: example-api\nspec:\n  hosts:\n  - \"*.vendor.example\"\n"

// sampleResult has a finding of each severity, with related locations, a fix, non-ASCII text
// before a column, and a path with a space.
func sampleResult() *lint.Result {
	files := []*manifest.File{
		{Path: "apps/api/service entry.yaml", Data: []byte(seData)},
		{Path: "apps/bad.yaml", Data: []byte("a: [\n")},
	}
	findings := []lint.Finding{
		{Rule: "AMB001", Name: "invalid-yaml", Severity: lint.Error, Message: "not valid YAML: did not find expected node content",
			Pos: manifest.Position{File: "apps/bad.yaml", Line: 2, Column: 1}},
		{Rule: "AMB002", Name: "unknown-istio-key", Severity: lint.Info, Message: `unknown Istio label key "istio.io/x"`,
			Pos:    manifest.Position{File: "apps/api/service entry.yaml", Line: 4, Column: 19, EndLine: 4, EndColumn: 25},
			Object: manifest.ObjectRef{APIVersion: "networking.istio.io/v1", Kind: "ServiceEntry", Namespace: "example-api", Name: "vendor"}},
		{Rule: "AMB301", Name: "wildcard-egress", Severity: lint.Warning, Message: `wildcard host "*.vendor.example"`,
			Pos:     manifest.Position{File: "apps/api/service entry.yaml", Line: 8, Column: 5, EndLine: 8, EndColumn: 23},
			Object:  manifest.ObjectRef{APIVersion: "networking.istio.io/v1", Kind: "ServiceEntry", Namespace: "example-api", Name: "vendor"},
			Related: []lint.Related{{Position: manifest.Position{File: "apps/api/service entry.yaml", Line: 4, Column: 9}, Message: "the ServiceEntry"}},
			Fixes: []lint.Fix{{Message: "name the host", Edits: []lint.TextEdit{
				{File: "apps/api/service entry.yaml", Line: 8, Column: 5, EndLine: 8, EndColumn: 23, NewText: `"api.vendor.example"`},
				{File: "apps/api/service entry.yaml", Line: 9, Column: 1, NewText: "# inserted\n"},
			}}}},
	}
	return &lint.Result{Findings: findings, Files: 2, Objects: 1, Inventory: manifest.NewInventory(files, nil, nil), Root: "/repo"}
}

func write(t *testing.T, format string, res *lint.Result, opts output.Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := output.Write(&b, format, res, catalogue, opts); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestText(t *testing.T) {
	want := `apps/bad.yaml:2:1: error: not valid YAML: did not find expected node content [AMB001 invalid-yaml]
apps/api/service entry.yaml:4:19: info: unknown Istio label key "istio.io/x" [AMB002 unknown-istio-key]
apps/api/service entry.yaml:8:5: warning: wildcard host "*.vendor.example" [AMB301 wildcard-egress]
    apps/api/service entry.yaml:4:9: the ServiceEntry
`
	if diff := cmp.Diff(want, write(t, "text", sampleResult(), output.Options{})); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
}

func TestTextColour(t *testing.T) {
	t.Run("colour is written when asked for", func(t *testing.T) {
		got := write(t, "text", sampleResult(), output.Options{Color: true})
		if !strings.Contains(got, "\x1b[1;31merror\x1b[0m") {
			t.Errorf("no coloured severity in %q", got)
		}
	})
	t.Run("no escape sequence is written otherwise", func(t *testing.T) {
		if got := write(t, "text", sampleResult(), output.Options{}); strings.Contains(got, "\x1b") {
			t.Errorf("escape sequence in %q", got)
		}
	})
}

func TestSummary(t *testing.T) {
	tests := []struct {
		name string
		res  *lint.Result
		want string
	}{
		{"an empty run has plural zeros", &lint.Result{}, "0 errors, 0 warnings, 0 infos in 0 files (0 objects)"},
		{"one of each is singular", &lint.Result{Files: 1, Objects: 1, Findings: []lint.Finding{
			{Severity: lint.Error}, {Severity: lint.Warning}, {Severity: lint.Info}}},
			"1 error, 1 warning, 1 info in 1 file (1 object)"},
		{"the sample is counted", sampleResult(), "1 error, 1 warning, 1 info in 2 files (1 object)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, output.Summary(tt.res)); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	t.Run("an empty run has an empty findings array", func(t *testing.T) {
		got := write(t, "json", &lint.Result{Files: 3}, output.Options{})
		want := `{
  "version": 1,
  "findings": [],
  "summary": {
    "files": 3,
    "objects": 0,
    "unreached": 0,
    "errors": 0,
    "warnings": 0,
    "infos": 0
  }
}
`
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("json (-want +got):\n%s", diff)
		}
	})
	t.Run("a finding has every documented field", func(t *testing.T) {
		var doc struct {
			Findings []map[string]any `json:"findings"`
		}
		if err := json.Unmarshal([]byte(write(t, "json", sampleResult(), output.Options{})), &doc); err != nil {
			t.Fatal(err)
		}
		f := doc.Findings[2]
		var keys []string
		for k := range f {
			keys = append(keys, k)
		}
		want := []string{"column", "endColumn", "endLine", "file", "fixes", "line", "message", "name", "object", "related", "rule", "severity"}
		if diff := cmp.Diff(want, keys, cmpSorted); diff != "" {
			t.Errorf("keys (-want +got):\n%s", diff)
		}
		wantObj := map[string]any{"apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry", "namespace": "example-api", "name": "vendor"}
		if diff := cmp.Diff(wantObj, f["object"]); diff != "" {
			t.Errorf("object (-want +got):\n%s", diff)
		}
		if _, ok := doc.Findings[0]["object"]; ok {
			t.Errorf("a finding about no object has an object: %v", doc.Findings[0])
		}
		if diff := cmp.Diff([]any{}, doc.Findings[0]["related"]); diff != "" {
			t.Errorf("related of a finding without any (-want +got):\n%s", diff)
		}
	})
}

var cmpSorted = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

func TestUnknownFormat(t *testing.T) {
	err := output.Write(&bytes.Buffer{}, "xml", &lint.Result{}, catalogue, output.Options{})
	if err == nil || !strings.Contains(err.Error(), `unknown output format "xml"`) {
		t.Errorf("error = %v", err)
	}
}
