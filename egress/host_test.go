package egress

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMatchHost(t *testing.T) {
	tests := []struct {
		pattern, host string
		want          bool
	}{
		{"api.vendor.example", "api.vendor.example", true},
		{"api.vendor.example", "API.Vendor.Example", true},
		{"api.vendor.example", "api.vendor.example.", true},
		{"api.vendor.example.", "api.vendor.example", true},
		{"api.vendor.example", "vendor.example", false},
		{"api.vendor.example", "x.api.vendor.example", false},
		{"*.example.com", "a.example.com", true},
		{"*.example.com", "a.b.example.com", true},
		{"*.example.com", "example.com", false},
		{"*.example.com", "badexample.com", false},
		{"*.EXAMPLE.com", "a.example.COM", true},
		{"*", "anything.example", true},
		{"*vendor.example", "myvendor.example", true},
		{"*vendor.example", "vendor.example", true},
		{"*.example.com", "*.example.com", true},
		{"*.example.com", "*.a.example.com", true},
		{"*.a.example.com", "*.example.com", false},
		{"a.example.com", "*.example.com", false},
		{"", "a.example.com", false},
		{"a.example.com", "", false},
	}
	for _, tt := range tests {
		name := tt.pattern + " covers " + tt.host
		if !tt.want {
			name = tt.pattern + " does not cover " + tt.host
		}
		t.Run(name, func(t *testing.T) {
			if got := MatchHost(tt.pattern, tt.host); got != tt.want {
				t.Errorf("MatchHost(%q, %q) = %v, want %v", tt.pattern, tt.host, got, tt.want)
			}
		})
	}
}

func TestCovers(t *testing.T) {
	se := parse(t, entry(`
  hosts: [api.vendor.example, "*.cdn.vendor.example"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE`))
	tests := []struct {
		name string
		host string
		want bool
	}{
		{name: "an explicit host is covered", host: "api.vendor.example", want: true},
		{name: "a host under the wildcard is covered", host: "img.cdn.vendor.example", want: true},
		{name: "the wildcard's own domain is not covered", host: "cdn.vendor.example"},
		{name: "a sibling host is not covered", host: "www.vendor.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Covers(se, tt.host); got != tt.want {
				t.Errorf("Covers(%q) = %v, want %v", tt.host, got, tt.want)
			}
		})
	}
	t.Run("a nil ServiceEntry covers nothing", func(t *testing.T) {
		if Covers(nil, "api.vendor.example") {
			t.Error("Covers(nil) = true")
		}
	})
}

func TestValidateReportsWildcardHosts(t *testing.T) {
	tests := []struct {
		name  string
		hosts string
		want  []int
	}{
		{name: "explicit hosts have none", hosts: `[api.vendor.example, www.vendor.example]`},
		{name: "prefix and partial wildcards and * are wildcards", hosts: `[api.vendor.example, "*.vendor.example", "*cdn.example", "*"]`, want: []int{1, 2, 3}},
		{name: "a star inside a host is not a wildcard host but invalid", hosts: `["api.*.example"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			se := parse(t, entry("  hosts: "+tt.hosts+"\n"))
			if diff := cmp.Diff(tt.want, indexes(Validate(se), CodeWildcardHost)); diff != "" {
				t.Errorf("hosts with %s (-want +got):\n%s", CodeWildcardHost, diff)
			}
		})
	}
}
