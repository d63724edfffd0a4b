package suppress

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseDirective(t *testing.T) {
	tests := []struct {
		in     string
		rules  []string
		reason string
	}{
		{" AMB301 -- vendor API", []string{"AMB301"}, "vendor API"},
		{" AMB301,AMB303 -- reason -- with dashes", []string{"AMB301", "AMB303"}, "reason -- with dashes"},
		{"AMB301, wildcard-egress\t--  x ", []string{"AMB301", "wildcard-egress"}, "x"},
		{" AMB301", []string{"AMB301"}, ""},
		{" -- only a reason", []string{}, "only a reason"},
		{" AMB301 -- r # want \"AMB004\"", []string{"AMB301"}, "r"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			rules, reason := parseDirective(tt.in)
			if diff := cmp.Diff(tt.rules, rules); diff != "" || reason != tt.reason {
				t.Errorf("parseDirective(%q) = %q, %q; want %q, %q", tt.in, rules, reason, tt.rules, tt.reason)
			}
		})
	}
}
