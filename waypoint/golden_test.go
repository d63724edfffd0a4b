package waypoint

import (
	"bytes"
	"flag"
	"path/filepath"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the generated golden files in testdata (never the ones copied from the seed post)")

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		file string
		// fromPost marks files copied byte for byte from the seed blog post: -update leaves
		// them alone.
		fromPost bool
		build    func() (*gatewayv1.Gateway, error)
	}{
		{
			name:     "the seed post's example-api-waypoint comes out exactly as written in the post",
			file:     "example-api-waypoint.yaml",
			fromPost: true,
			build: func() (*gatewayv1.Gateway, error) {
				return New("example-api", "example-api-waypoint", For(ServiceTraffic))
			},
		},
		{
			name: "a waypoint shared with selected namespaces writes its allowedRoutes under the listener",
			file: "shared-waypoint.yaml",
			build: func() (*gatewayv1.Gateway, error) {
				return New("mesh-waypoints", "shared", For(AllTraffic), Revision("stable"),
					AllowNamespaceSelector(&metav1.LabelSelector{MatchLabels: map[string]string{"mesh.example/waypoint": "shared"}}))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gw, err := tt.build()
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := ambient.WriteYAML(&got, gw); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tt.file), got.Bytes(), *update && !tt.fromPost)
		})
	}
}
