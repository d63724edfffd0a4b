package manifest_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/manifest"
)

// A live object is placed at its reference and a field path, never at a line.
func TestLivePositions(t *testing.T) {
	node, err := yaml.Parse(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: vendor
  namespace: shop
  labels:
    istio.io/use-waypoint: egress
spec:
  hosts: ["*.vendor.example", api.vendor.example]
  ports:
  - number: 443
`)
	if err != nil {
		t.Fatal(err)
	}
	ref := manifest.ObjectRef{APIVersion: "networking.istio.io/v1", Kind: "ServiceEntry", Namespace: "shop", Name: "vendor"}
	o := &manifest.Object{Ref: ref, Live: &ref}
	o.SetRoot(node)
	tests := []struct {
		name string
		got  manifest.Position
		want string
	}{
		{"a list item is an index", o.Pos("spec", "hosts", "1"), "spec.hosts[1]"},
		{"a map in a list is a path through the index", o.Pos("spec", "ports", "0", "number"), "spec.ports[0].number"},
		{"a block list is its key", o.Pos("spec", "ports"), "spec.ports"},
		{"a key that is not a plain word is quoted", o.KeyPos("metadata", "labels", "istio.io/use-waypoint"), `metadata.labels["istio.io/use-waypoint"]`},
		{"a missing field is its parent", o.Pos("spec", "resolution"), "spec"},
		{"the object as a whole has no field", o.Pos(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := manifest.Position{Object: ref, Field: tt.want}
			if diff := cmp.Diff(want, tt.got); diff != "" {
				t.Errorf("position (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("the position reads as the object", func(t *testing.T) {
		if got, want := o.Pos("spec").String(), "ServiceEntry shop/vendor"; got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
		kind := manifest.Position{Object: manifest.ObjectRef{APIVersion: "v1", Kind: "Service", Namespace: "shop"}}
		if got, want := kind.String(), "Service shop/*"; got != want {
			t.Errorf("String() of a kind = %q, want %q", got, want)
		}
	})
}

func TestFieldPathOfAForeignNode(t *testing.T) {
	root, _ := yaml.Parse("a: 1\n")
	other, _ := yaml.Parse("b: 2\n")
	if got := manifest.FieldPath(root.YNode(), other.YNode()); got != "" {
		t.Errorf("FieldPath of a node outside the tree = %q, want \"\"", got)
	}
}
