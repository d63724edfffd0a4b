package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFieldPath(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"spec.hosts", []string{"spec", "hosts"}},
		{"spec.ports[1].name", []string{"spec", "ports", "1", "name"}},
		{`spec.endpoints[0].labels["app.kubernetes.io/name"]`, []string{"spec", "endpoints", "0", "labels", "app.kubernetes.io/name"}},
		{`metadata.labels["a]b"].x`, []string{"metadata", "labels", "a]b", "x"}},
		{"spec.hosts[", []string{"spec", "hosts"}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, fieldPath(tc.in)); diff != "" {
				t.Errorf("fieldPath(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}
