package egress

import (
	"bytes"
	"flag"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "istio.io/client-go/pkg/apis/networking/v1"

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
		build    func() (*networkingv1.ServiceEntry, error)
	}{
		{
			name:     "the seed post's example-vendor-api comes out exactly as written in the post",
			file:     "example-vendor-api.yaml",
			fromPost: true,
			build: func() (*networkingv1.ServiceEntry, error) {
				return New("example-api", "example-vendor-api", []string{"api.vendor.example"},
					[]Port{{Number: 443, Name: "tls", Protocol: "TLS"}})
			},
		},
		{
			name: "an allowed wildcard entry states resolution NONE",
			file: "vendor-wildcard.yaml",
			build: func() (*networkingv1.ServiceEntry, error) {
				return New("example-api", "vendor-cdn", []string{"*.cdn.vendor.example"},
					[]Port{{Number: 443, Name: "https", Protocol: "HTTPS"}}, AllowWildcard())
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			se, err := tt.build()
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := ambient.WriteYAML(&got, se); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tt.file), got.Bytes(), *update && !tt.fromPost)
			// What is written reads back as an entry without problems (its wildcard, if any,
			// allowed as New allowed it).
			if diff := cmp.Diff(Validate(parse(t, got.String()), AllowWildcard()), []ambient.Problem(nil)); diff != "" {
				t.Errorf("the written manifest does not validate:\n%s", diff)
			}
		})
	}
}
