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

// liveResult is a run over a live cluster: a finding at a field of a live object with a
// related live object, and one about a kind the identity could not list.
func liveResult() *lint.Result {
	se := manifest.ObjectRef{APIVersion: "networking.istio.io/v1", Kind: "ServiceEntry", Namespace: "shop", Name: "vendor"}
	ns := manifest.ObjectRef{APIVersion: "v1", Kind: "Namespace", Name: "shop"}
	kind := manifest.ObjectRef{APIVersion: "v1", Kind: "Service", Namespace: "shop"}
	return &lint.Result{Cluster: "prod", Objects: 2, Findings: []lint.Finding{
		{Rule: "AMB001", Name: "invalid-yaml", Severity: lint.Error, Message: `forbidden: cannot list services in namespace shop`,
			Pos: manifest.Position{Object: kind}, Object: kind},
		{Rule: "AMB301", Name: "wildcard-egress", Severity: lint.Error, Message: `wildcard host "*.vendor.example"`,
			Pos: manifest.Position{Object: se, Field: "spec.hosts[0]"}, Object: se,
			Related: []lint.Related{{Position: manifest.Position{Object: ns, Field: `metadata.labels["istio.io/dataplane-mode"]`}, Message: "enrolled here"}}},
	}}
}

func TestLiveFindingsCarryObjectReferences(t *testing.T) {
	res := liveResult()
	t.Run("text puts the object where the file would be", func(t *testing.T) {
		want := `Service shop/*: error: forbidden: cannot list services in namespace shop [AMB001 invalid-yaml]
ServiceEntry shop/vendor: error: wildcard host "*.vendor.example" [AMB301 wildcard-egress]
    Namespace shop: enrolled here
`
		if diff := cmp.Diff(want, write(t, "text", res, output.Options{})); diff != "" {
			t.Errorf("text (-want +got):\n%s", diff)
		}
		if got, want := output.Summary(res), "2 errors, 0 warnings, 0 infos in cluster prod (2 objects)"; got != want {
			t.Errorf("Summary = %q, want %q", got, want)
		}
	})
	t.Run("json carries the object and the field", func(t *testing.T) {
		var got struct {
			Findings []struct {
				File    string
				Line    int
				Object  manifest.ObjectRef
				Field   string
				Related []struct {
					Object manifest.ObjectRef
					Field  string
				}
			}
		}
		if err := json.Unmarshal([]byte(write(t, "json", res, output.Options{})), &got); err != nil {
			t.Fatal(err)
		}
		f := got.Findings[1]
		if f.File != "" || f.Line != 0 || f.Object != res.Findings[1].Object || f.Field != "spec.hosts[0]" ||
			len(f.Related) != 1 || f.Related[0].Object.Kind != "Namespace" || f.Related[0].Field != `metadata.labels["istio.io/dataplane-mode"]` {
			t.Errorf("json finding = %+v", f)
		}
		if k := got.Findings[0].Object; k.Kind != "Service" || k.Namespace != "shop" || k.Name != "" {
			t.Errorf("json object of a kind that could not be listed = %+v", k)
		}
	})
	t.Run("sarif has logical locations and no physical one", func(t *testing.T) {
		out := write(t, "sarif", res, output.Options{Root: "/repo"})
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := sarifSchema(t).Validate(inst); err != nil {
			t.Errorf("SARIF does not validate: %v", err)
		}
		var log struct {
			Runs []struct {
				Results []struct {
					Locations        []map[string]json.RawMessage
					RelatedLocations []map[string]json.RawMessage
				}
			}
		}
		if err := json.Unmarshal([]byte(out), &log); err != nil {
			t.Fatal(err)
		}
		r := log.Runs[0].Results[1]
		if _, ok := r.Locations[0]["physicalLocation"]; ok {
			t.Errorf("a live finding has a physicalLocation: %s", out)
		}
		want := `[{"fullyQualifiedName":"networking.istio.io/v1/ServiceEntry/shop/vendor","kind":"resource","name":"vendor"},{"fullyQualifiedName":"networking.istio.io/v1/ServiceEntry/shop/vendor/spec.hosts[0]","kind":"property","name":"spec.hosts[0]"}]`
		if got := compact(t, r.Locations[0]["logicalLocations"]); got != want {
			t.Errorf("logicalLocations = %s\nwant %s", got, want)
		}
		if got := compact(t, r.RelatedLocations[0]["logicalLocations"]); !strings.Contains(got, `"fullyQualifiedName":"v1/Namespace/shop"`) {
			t.Errorf("related logicalLocations = %s", got)
		}
	})
	t.Run("github annotations have no file and name the object", func(t *testing.T) {
		want := `::error title=AMB001 invalid-yaml::Service shop/*: forbidden: cannot list services in namespace shop
::error title=AMB301 wildcard-egress::ServiceEntry shop/vendor: wildcard host "*.vendor.example"%0ANamespace shop: enrolled here
`
		if diff := cmp.Diff(want, write(t, "github", res, output.Options{Root: "/repo"})); diff != "" {
			t.Errorf("github (-want +got):\n%s", diff)
		}
	})
}

func compact(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
