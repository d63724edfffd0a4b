package engine_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/manifest"
)

func TestRunReadsPlaceholdersThatBreakYAMLAsOpaque(t *testing.T) {
	dir := writeTree(t, map[string]string{
		// A template kept outside a chart: YAML reads the action as a map.
		"template/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ .app_namespace }}\n  labels:\n    team: {{ .team }}\n",
		// A Flux variable inside a flow sequence is a syntax error until Flux substitutes it.
		"flux/se.yaml": "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: vault\n  namespace: monitoring\nspec:\n  hosts: [vault.${CLUSTER_DOMAIN}]\n  ports: [{number: 8200, name: https, protocol: HTTPS}]\n  resolution: DNS\n",
		// The same, with a real syntax error further down: that one is reported.
		"flux/broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  url: [x.${DOMAIN}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  a: [unclosed\n",
	})
	res := run(t, engine.Options{Paths: []string{dir}, Root: dir})
	if diff := cmp.Diff([]string{
		"flux/broken.yaml:13:3: AMB001: invalid YAML: did not find expected ',' or ']'",
	}, brief(dir, res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	var ns, se *manifest.Object
	for _, o := range res.Inventory.Objects {
		switch o.Ref.Kind {
		case "Namespace":
			ns = o
		case "ServiceEntry":
			se = o
		}
	}
	if ns == nil || ns.Ref.Name != "{{ .app_namespace }}" || !manifest.IsOpaque(ns.Ref.Name) || ns.Labels["team"] != "{{ .team }}" {
		t.Errorf("the templated Namespace was not read with opaque values: %+v", ns)
	}
	if se == nil || se.Typed == nil {
		t.Fatalf("the ServiceEntry with a Flux variable in a flow list was not decoded: %+v", se)
	}
	if n := se.Lookup("spec", "hosts", "0"); n == nil || !manifest.IsOpaque(n.Value) || n.Line != 7 || n.Column != 11 {
		t.Errorf("host node = %+v, want an opaque value at 7:11", n)
	}
	if !strings.Contains(string(se.File.Data), "${CLUSTER_DOMAIN}") {
		t.Errorf("the object's file does not keep its original bytes:\n%s", se.File.Data)
	}
}
