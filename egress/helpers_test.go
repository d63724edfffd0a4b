package egress

import (
	"testing"

	networkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	"sigs.k8s.io/yaml"
)

// parse decodes a ServiceEntry manifest, failing the test when it does not decode.
func parse(t *testing.T, manifest string) *networkingv1.ServiceEntry {
	t.Helper()
	se := &networkingv1.ServiceEntry{}
	if err := yaml.Unmarshal([]byte(manifest), se); err != nil {
		t.Fatalf("decode manifest: %v\n%s", err, manifest)
	}
	return se
}

// seedManifest is the seed post's example-vendor-api.
const seedManifest = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: example-vendor-api
  namespace: example-api
spec:
  hosts:
    - api.vendor.example
  location: MESH_EXTERNAL
  ports:
    - number: 443
      name: tls
      protocol: TLS
  resolution: DNS
`

// entry is a ServiceEntry manifest in namespace example-api with the given spec.
func entry(spec string) string {
	return "metadata:\n  name: e\n  namespace: example-api\nspec:\n" + spec
}
