package engine_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// A ServiceEntry written after a first "kind: ConfigMap" is what kubectl and Argo CD apply
// (the last value of a repeated key wins), so it is judged as one: the repeated keys are
// AMB001 and its wildcard host is AMB301.
func TestRepeatedKindDoesNotHideAServiceEntry(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"apps/api/vendor.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: vendor
  namespace: example-api
apiVersion: networking.istio.io/v1
kind: ServiceEntry
spec:
  hosts:
  - "*.vendor.example"
  ports:
  - number: 443
    name: tls
    protocol: TLS
  resolution: NONE
  location: MESH_EXTERNAL
`,
	})
	res := run(t, engine.Options{Paths: []string{dir}, Root: dir, Rules: rules.All()})
	var got []string
	for _, f := range res.Findings {
		if f.Rule == invalidYAML.ID || f.Rule == "AMB301" {
			got = append(got, fmt.Sprintf("%s:%d:%d: %s", relTo(dir, f.Pos.File), f.Pos.Line, f.Pos.Column, f.Rule))
		}
	}
	want := []string{
		"apps/api/vendor.yaml:6:1: AMB001",
		"apps/api/vendor.yaml:7:1: AMB001",
		"apps/api/vendor.yaml:10:5: AMB301",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
