package rules_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestWaypointIdentityNotAllowed(t *testing.T) { runOrderTrees(t, rules.WaypointIdentityNotAllowed) }

// A spiffe:// principal is fixed by removing the prefix, written in the value's own quoting.
func TestWaypointIdentityNotAllowedFixesSpiffePrincipals(t *testing.T) {
	var got []string
	for _, tree := range []string{"selector", "auto-allow"} {
		for _, f := range findingsOf(t, rules.WaypointIdentityNotAllowed, tree) {
			if !strings.Contains(f.Message, "spiffe://") {
				continue
			}
			for _, fix := range f.Fixes {
				for _, e := range fix.Edits {
					got = append(got, e.NewText)
				}
			}
		}
	}
	want := []string{
		"cluster.local/ns/shop/sa/frontend",
		`"cluster.local/ns/istio-ingress/sa/gateway-istio"`,
		`"cluster.local/ns/shop/sa/admin"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fix texts (-want +got):\n%s", diff)
	}
}
