package output_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/output"
	"github.com/ambientkit/ambientkit/manifest"
)

// schemaFile is the official SARIF 2.1.0 schema (OASIS, errata 01), from
// github.com/oasis-tcs/sarif-spec, sarif-2.1/schema/sarif-schema-2.1.0.json.
const schemaFile = "testdata/sarif-schema-2.1.0.json"

func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	s, err := c.Compile(schemaFile)
	if err != nil {
		t.Fatalf("compiling %s: %v", schemaFile, err)
	}
	return s
}

func TestSARIFIsValid(t *testing.T) {
	schema := sarifSchema(t)
	tests := []struct {
		name string
		res  *lint.Result
	}{
		{"a run with findings, related locations and fixes", sampleResult()},
		{"a run without findings", &lint.Result{}},
		{"a finding from stdin about no object", &lint.Result{Findings: []lint.Finding{{
			Rule: "AMB001", Name: "invalid-yaml", Severity: lint.Error, Message: "bad", Pos: manifest.Position{File: "-", Line: 1, Column: 1}}}}},
		{"a finding of a rule outside the catalogue, at no line", &lint.Result{Findings: []lint.Finding{{
			Rule: "AMB999", Name: "internal", Severity: lint.Error, Message: "too large", Pos: manifest.Position{File: "big.yaml"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := write(t, "sarif", tt.res, output.Options{Root: "/repo", WorkDir: "/repo", ToolVersion: "v0.1.0"})
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("output is not valid SARIF 2.1.0: %v\n%s", err, out)
			}
		})
	}
}

func TestSARIFSchemaCatchesMistakes(t *testing.T) {
	// Guards against a validator that accepts anything.
	schema := sarifSchema(t)
	for _, bad := range []string{
		`{"version":"2.1.0"}`,
		`{"version":"2.0.0","runs":[]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"level":"fatal"}]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"region":{"startLine":0}}}]}]}]}`,
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if schema.Validate(inst) == nil {
			t.Errorf("schema accepted %s", bad)
		}
	}
}

// sarifDoc is the part of a SARIF log the content test reads.
type sarifDoc struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID                   string            `json:"id"`
					Name                 string            `json:"name"`
					ShortDescription     map[string]string `json:"shortDescription"`
					FullDescription      map[string]string `json:"fullDescription"`
					HelpURI              string            `json:"helpUri"`
					DefaultConfiguration map[string]any    `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region map[string]int `json:"region"`
				} `json:"physicalLocation"`
				LogicalLocations []map[string]string `json:"logicalLocations"`
			} `json:"locations"`
			RelatedLocations []json.RawMessage `json:"relatedLocations"`
			Fixes            []struct {
				ArtifactChanges []struct {
					Replacements []struct {
						DeletedRegion map[string]int `json:"deletedRegion"`
					} `json:"replacements"`
				} `json:"artifactChanges"`
			} `json:"fixes"`
		} `json:"results"`
	} `json:"runs"`
}

func TestSARIFContent(t *testing.T) {
	out := write(t, "sarif", sampleResult(), output.Options{Root: "/repo", WorkDir: "/repo", ToolVersion: "v0.1.0"})
	var doc sarifDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	run := doc.Runs[0]

	t.Run("the driver lists the whole catalogue", func(t *testing.T) {
		var ids []string
		for _, r := range run.Tool.Driver.Rules {
			ids = append(ids, r.ID)
		}
		if diff := cmp.Diff([]string{"AMB001", "AMB002", "AMB301", "AMB900"}, ids); diff != "" {
			t.Errorf("rule IDs (-want +got):\n%s", diff)
		}
		r := run.Tool.Driver.Rules[2]
		if r.Name != "wildcard-egress" || r.ShortDescription["text"] != "a wildcard | host" ||
			r.FullDescription["text"] != "What. A wildcard host in a ServiceEntry." ||
			r.FullDescription["markdown"] != "**What.** A wildcard host in a ServiceEntry." ||
			r.HelpURI != lint.DocsBaseURL+"#amb301" || r.DefaultConfiguration["level"] != "error" {
			t.Errorf("rule AMB301 = %+v", r)
		}
		if off := run.Tool.Driver.Rules[3]; off.DefaultConfiguration["enabled"] != false {
			t.Errorf("an off rule is enabled: %+v", off)
		}
	})
	t.Run("results point into the catalogue with their effective level", func(t *testing.T) {
		var got []string
		for _, r := range run.Results {
			got = append(got, r.RuleID+" "+r.Level+" "+run.Tool.Driver.Rules[*r.RuleIndex].ID)
		}
		want := []string{"AMB001 error AMB001", "AMB002 note AMB002", "AMB301 warning AMB301"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
	})
	t.Run("artifact URIs are relative, forward-slash and escaped", func(t *testing.T) {
		got := run.Results[1].Locations[0].PhysicalLocation.ArtifactLocation.URI
		if diff := cmp.Diff("apps/api/service%20entry.yaml", got); diff != "" {
			t.Errorf("uri (-want +got):\n%s", diff)
		}
	})
	t.Run("columns count code points, as findings do", func(t *testing.T) {
		// Line 4 is "  name: vendor # ünïcode": code point column 19 is the "n" after "ü".
		got := run.Results[1].Locations[0].PhysicalLocation.Region
		want := map[string]int{"startLine": 4, "startColumn": 19, "endLine": 4, "endColumn": 25}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("region (-want +got):\n%s", diff)
		}
	})
	t.Run("the object is a logical location", func(t *testing.T) {
		got := run.Results[2].Locations[0].LogicalLocations
		want := []map[string]string{{"name": "vendor", "fullyQualifiedName": "networking.istio.io/v1/ServiceEntry/example-api/vendor", "kind": "resource"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("logical locations (-want +got):\n%s", diff)
		}
	})
	t.Run("related locations and fixes are kept", func(t *testing.T) {
		r := run.Results[2]
		if len(r.RelatedLocations) != 1 || len(r.Fixes) != 1 || len(r.Fixes[0].ArtifactChanges[0].Replacements) != 2 {
			t.Fatalf("result = %+v", r)
		}
		insert := r.Fixes[0].ArtifactChanges[0].Replacements[1].DeletedRegion
		want := map[string]int{"startLine": 9, "startColumn": 1, "endLine": 9, "endColumn": 1}
		if diff := cmp.Diff(want, insert); diff != "" {
			t.Errorf("insertion region (-want +got):\n%s", diff)
		}
	})
}
