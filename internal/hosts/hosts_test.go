package hosts

import "testing"

func TestSetAgreesWithMatch(t *testing.T) {
	patterns := []string{"api.vendor.example", "*.cdn.example", "*foo.example.com", "Upper.Example."}
	set := NewSet(patterns...)
	for _, host := range []string{
		"api.vendor.example", "API.vendor.example.", "x.api.vendor.example", "vendor.example",
		"img.cdn.example", "a.b.cdn.example", "cdn.example", "*.cdn.example", "*.x.cdn.example", "*.example",
		"foo.example.com", "barfoo.example.com", "a.barfoo.example.com", "oo.example.com",
		"upper.example", "other.example", "", "*",
	} {
		want := false
		for _, p := range patterns {
			want = want || Match(p, host)
		}
		if got := set.Covers(host); got != want {
			t.Errorf("Set.Covers(%q) = %v, but Match over the patterns says %v", host, got, want)
		}
	}
	if (*Set)(nil).Covers("a.example") {
		t.Error("a nil Set covers nothing")
	}
}
