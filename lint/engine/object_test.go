package engine_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/manifest"
)

func TestObjectPosSpansTheValue(t *testing.T) {
	dir := writeTree(t, map[string]string{"se.yaml": `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: vendor
  namespace: example-api
  labels: {team: "payments", 'app': x}
spec:
  hosts:
    - "*.vendor.example"
    - api.vendor.example
  ports:
    - number: 443
      name: tls
      protocol: TLS
  resolution: DNS
`})
	res := run(t, engine.Options{Paths: []string{dir}, Root: dir})
	if len(res.Inventory.Objects) != 1 {
		t.Fatalf("loaded %d objects, want 1", len(res.Inventory.Objects))
	}
	o := res.Inventory.Objects[0]
	file := o.File.Path
	for _, tc := range []struct {
		name string
		got  manifest.Position
		want manifest.Position
	}{
		{"a double-quoted scalar spans its quotes", o.Pos("spec", "hosts", "0"), manifest.Position{File: file, Line: 9, Column: 7, EndLine: 9, EndColumn: 25}},
		{"a plain scalar spans its text", o.Pos("spec", "hosts", "1"), manifest.Position{File: file, Line: 10, Column: 7, EndLine: 10, EndColumn: 25}},
		{"a key spans its text", o.KeyPos("spec", "resolution"), manifest.Position{File: file, Line: 15, Column: 3, EndLine: 15, EndColumn: 13}},
		{"a flow value spans its quotes", o.Pos("metadata", "labels", "team"), manifest.Position{File: file, Line: 6, Column: 18, EndLine: 6, EndColumn: 28}},
		{"a single-quoted key spans its quotes", o.KeyPos("metadata", "labels", "app"), manifest.Position{File: file, Line: 6, Column: 30, EndLine: 6, EndColumn: 35}},
		{"a map has no end", o.Pos("spec", "ports", "0"), manifest.Position{File: file, Line: 12, Column: 7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("position (-want +got):\n%s", diff)
			}
		})
	}
}
