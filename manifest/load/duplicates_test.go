package load_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "istio.io/client-go/pkg/apis/networking/v1"

	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/manifest/load"
)

// summary is what the duplicate-key tests compare of a parse: each object as
// "Kind ns/name labels", and each problem as "line:col: message".
type summary struct {
	Objects  []string
	Problems []string
}

func summarize(objs []*manifest.Object, probs []load.Problem) summary {
	var s summary
	for _, o := range objs {
		var labels []string
		for k, v := range o.Labels {
			labels = append(labels, k+"="+v)
		}
		slices.Sort(labels)
		s.Objects = append(s.Objects, strings.TrimSpace(fmt.Sprintf("%s %s", o.Ref, strings.Join(labels, ","))))
	}
	for _, p := range probs {
		s.Problems = append(s.Problems, fmt.Sprintf("%d:%d: %s", p.Pos.Line, p.Pos.Column, p.Message))
	}
	return s
}

const applied = "kubectl and Argo CD apply only this last value, and kustomize (Flux) rejects the file"

func TestParseReportsDuplicateKeysAndKeepsTheLast(t *testing.T) {
	tests := []struct {
		name, path, data string
		want             summary
	}{
		{
			name: "a repeated kind hides a ServiceEntry behind a ConfigMap",
			path: "se.yaml",
			data: `apiVersion: v1
kind: ConfigMap
metadata:
  name: vendor
  namespace: api
apiVersion: networking.istio.io/v1
kind: ServiceEntry
spec:
  hosts: ["*.vendor.example"]
  resolution: DNS
`,
			want: summary{
				Objects: []string{"ServiceEntry api/vendor"},
				Problems: []string{
					`6:1: ServiceEntry api/vendor: duplicate key "apiVersion" (first at 1:1): ` + applied,
					`7:1: ServiceEntry api/vendor: duplicate key "kind" (first at 2:1): ` + applied,
				},
			},
		},
		{
			name: "a repeated top-level map: the last one counts",
			path: "cm.yaml",
			data: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\nmetadata:\n  name: second\n",
			want: summary{
				Objects:  []string{"ConfigMap second"},
				Problems: []string{`5:1: ConfigMap second: duplicate key "metadata" (first at 3:1): ` + applied},
			},
		},
		{
			name: "a repeated name and namespace in metadata",
			path: "cm.yaml",
			data: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: x\n  name: b\n  namespace: y\n",
			want: summary{
				Objects: []string{"ConfigMap y/b"},
				Problems: []string{
					`6:3: ConfigMap y/b: duplicate key "name" (first at 4:3): ` + applied,
					`7:3: ConfigMap y/b: duplicate key "namespace" (first at 5:3): ` + applied,
				},
			},
		},
		{
			name: "a label three times: the middle one names the last",
			path: "ns.yaml",
			data: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: api\n  labels:\n    istio.io/dataplane-mode: ambient\n    team: a\n    istio.io/dataplane-mode: none\n    istio.io/dataplane-mode: ambient\n",
			want: summary{
				Objects: []string{"Namespace api istio.io/dataplane-mode=ambient,team=a"},
				Problems: []string{
					`8:5: Namespace api: duplicate key "istio.io/dataplane-mode" (first at 6:5): kubectl and Argo CD apply only the last value (at 9:5), and kustomize (Flux) rejects the file`,
					`9:5: Namespace api: duplicate key "istio.io/dataplane-mode" (first at 6:5): ` + applied,
				},
			},
		},
		{
			name: "a repeated key deep in the spec",
			path: "se.yaml",
			data: `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vendor, namespace: api}
spec:
  hosts: [api.vendor.example]
  ports:
  - number: 443
    name: https
    protocol: TLS
    protocol: HTTPS
`,
			want: summary{
				Objects:  []string{"ServiceEntry api/vendor"},
				Problems: []string{`10:5: ServiceEntry api/vendor: duplicate key "protocol" (first at 9:5): ` + applied},
			},
		},
		{
			name: "a mapping of more than eight keys is checked as well",
			path: "cm.yaml",
			data: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  a: x\n  b: x\n  c: x\n  d: x\n  e: x\n  f: x\n  g: x\n  h: x\n  i: x\n  b: y\n",
			want: summary{
				Objects:  []string{"ConfigMap big"},
				Problems: []string{`14:3: ConfigMap big: duplicate key "b" (first at 6:3): ` + applied},
			},
		},
		{
			name: "quoted and plain spellings of a key are the same key",
			path: "cm.yaml",
			data: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {\"80\": a, 80: b}\n",
			want: summary{
				Objects:  []string{"ConfigMap c"},
				Problems: []string{`4:17: ConfigMap c: duplicate key "80" (first at 4:8): ` + applied},
			},
		},
		{
			name: "a JSON file with a repeated kind",
			path: "se.json",
			data: `{"apiVersion": "v1", "kind": "ConfigMap", "kind": "ServiceEntry", "apiVersion": "networking.istio.io/v1",
 "metadata": {"name": "vendor"}, "spec": {"hosts": ["*.vendor.example"]}}
`,
			want: summary{
				Objects: []string{"ServiceEntry vendor"},
				Problems: []string{
					`1:43: ServiceEntry vendor: duplicate key "kind" (first at 1:22): ` + applied,
					`1:67: ServiceEntry vendor: duplicate key "apiVersion" (first at 1:2): ` + applied,
				},
			},
		},
		{
			name: "a repeated key in a List item is about that item",
			path: "list.yaml",
			data: `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: one}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: two, name: three}
`,
			want: summary{
				Objects:  []string{"ConfigMap one", "ConfigMap three"},
				Problems: []string{`9:25: ConfigMap three: duplicate key "name" (first at 9:14): ` + applied},
			},
		},
		{
			name: "a repeated key in a List's own fields is about no object",
			path: "list.yaml",
			data: "apiVersion: v1\nkind: List\nmetadata: {}\nmetadata: {}\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: one}}\n",
			want: summary{
				Objects:  []string{"ConfigMap one"},
				Problems: []string{`4:1: duplicate key "metadata" (first at 3:1): ` + applied},
			},
		},
		{
			name: "a repeated kind whose last value is no string",
			path: "cm.yaml",
			data: "apiVersion: v1\nkind: ConfigMap\nkind: 42\nmetadata: {name: a}\n",
			want: summary{
				Problems: []string{
					`3:7: kind must be a non-empty string, not a number`,
					`3:1: duplicate key "kind" (first at 2:1): ` + applied,
				},
			},
		},
		{
			name: "the same key in sibling maps is no duplicate",
			path: "dep.yaml",
			data: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      name: web
      labels: {app: web}
`,
			want: summary{Objects: []string{"Deployment web app=web"}},
		},
		{
			name: "the same key in different list items is no duplicate",
			path: "se.yaml",
			data: `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vendor}
spec:
  hosts: [api.vendor.example]
  ports:
  - {number: 443, name: https, protocol: TLS}
  - {number: 80, name: http, protocol: HTTP}
`,
			want: summary{Objects: []string{"ServiceEntry vendor"}},
		},
		{
			name: "a key that overrides a merge key's is no duplicate",
			path: "cm.yaml",
			data: `apiVersion: v1
kind: ConfigMap
metadata:
  name: merged
  labels: &base {app: web, tier: front}
data:
  <<: *base
  tier: back
`,
			want: summary{Objects: []string{"ConfigMap merged app=web,tier=front"}},
		},
		{
			name: "a JSON file without repeated keys",
			path: "cm.json",
			data: `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "labels": {"name": "x"}}, "data": {"name": "y"}}`,
			want: summary{Objects: []string{"ConfigMap a name=x"}},
		},
		{
			name: "a document that is no object is not read",
			path: "values.yaml",
			data: "replicas: 1\nreplicas: 2\n",
			want: summary{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, probs := load.Parse(&manifest.File{Path: tt.path, Data: []byte(tt.data)})
			if diff := cmp.Diff(tt.want, summarize(objs, probs)); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseDecodesTheObjectThatARepeatedKindHides(t *testing.T) {
	data := `apiVersion: v1
kind: ConfigMap
metadata: {name: vendor, namespace: api}
spec:
  hosts: [api.vendor.example]
kind: ServiceEntry
apiVersion: networking.istio.io/v1
spec:
  hosts: ["*.vendor.example"]
`
	objs, _ := load.Parse(&manifest.File{Path: "se.yaml", Data: []byte(data)})
	if len(objs) != 1 {
		t.Fatalf("Parse returned %d objects, want 1", len(objs))
	}
	o := objs[0]
	se, ok := o.Typed.(*networkingv1.ServiceEntry)
	if !ok {
		t.Fatalf("Typed is %T, want *v1.ServiceEntry", o.Typed)
	}
	if diff := cmp.Diff([]string{"*.vendor.example"}, se.Spec.Hosts); diff != "" {
		t.Errorf("hosts (-want +got):\n%s", diff)
	}
	// Positions are those of the values applied.
	if got := o.Pos("spec", "hosts", "0"); got.Line != 9 || got.Column != 11 {
		t.Errorf(`Pos("spec", "hosts", "0") = %d:%d, want 9:11`, got.Line, got.Column)
	}
	if got := o.Pos("kind"); got.Line != 6 {
		t.Errorf(`Pos("kind") is on line %d, want 6`, got.Line)
	}
}
