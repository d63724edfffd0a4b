package config_test

import (
	"path"
	"strings"
	"testing"
	"time"

	"github.com/ambientkit/ambientkit/lint/config"
)

// Issue 12: a pattern of many ** segments made the backtracking matcher take exponential
// time (more than 100 s for 24 of them).
func TestMatchGlobIsLinearInTheSegments(t *testing.T) {
	pattern := strings.Repeat("**/", 24) + "nomatch"
	interleaved := strings.Repeat("**/a*/", 24) + "nomatch"
	deep := strings.Repeat("dir/", 60) + "file.yaml"
	aDeep := strings.Repeat("aa/", 60) + "file.yaml"
	for _, tt := range []struct{ pattern, path string }{
		{pattern, deep},
		{"/" + pattern, deep},
		{interleaved, aDeep},
		{strings.Repeat("*/**/", 24) + "x", aDeep},
	} {
		start := time.Now()
		if config.MatchGlob(tt.pattern, tt.path) {
			t.Errorf("MatchGlob(%q, %q) = true", tt.pattern, tt.path)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("MatchGlob(%q, …) took %v", tt.pattern[:20], d)
		}
	}
}

func TestMatchGlobSemantics(t *testing.T) {
	tests := []struct {
		name, pattern, path string
		want                bool
	}{
		{"* matches within a segment", "apps/*.yaml", "apps/ns.yaml", true},
		{"* does not cross a slash", "apps/*.yaml", "apps/api/ns.yaml", false},
		{"? matches one character", "apps/n?.yaml", "apps/ns.yaml", true},
		{"? does not match a slash", "apps?ns.yaml", "apps/ns.yaml", false},
		{"a class matches one of its characters", "env/[ps]*", "env/prod/a.yaml", true},
		{"a negated class excludes its characters", "env/[^ps]*", "env/prod/a.yaml", false},
		{"** matches no segment", "apps/**/ns.yaml", "apps/ns.yaml", true},
		{"** matches many segments", "apps/**/ns.yaml", "apps/a/b/c/ns.yaml", true},
		{"consecutive ** are one", "apps/**/**/**/ns.yaml", "apps/ns.yaml", true},
		{"consecutive ** still need the last segment", "apps/**/**/ns.yaml", "apps/a/b/other.yaml", false},
		{"a leading ** matches at the root", "**/ns.yaml", "ns.yaml", true},
		{"a trailing ** matches everything below", "apps/**", "apps/a/b.yaml", true},
		{"a lone ** matches everything", "**", "apps/a.yaml", true},
		{"a pattern without a slash matches a file at any depth", "ns.yaml", "a/b/c/ns.yaml", true},
		{"a pattern without a slash matches a directory at any depth", "secrets", "a/secrets/b/c.yaml", true},
		{"a pattern with a slash is anchored", "b/c.yaml", "a/b/c.yaml", false},
		{"a leading slash anchors", "/ns.yaml", "a/ns.yaml", false},
		{"a leading slash matches at the root", "/ns.yaml", "ns.yaml", true},
		{"excluding a directory excludes below it", "apps/api", "apps/api/x/y.yaml", true},
		{"a glob matching a directory excludes below it", "apps/a*", "apps/api/x/y.yaml", true},
		{"a pattern longer than the path does not match", "a/b/c", "a/b", false},
		{"** between fixed segments needs both", "a/**/c", "a/b/d", false},
		{"a malformed segment matches nothing", "apps/[", "apps/[", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := config.MatchGlob(tt.pattern, tt.path); got != tt.want {
				t.Errorf("MatchGlob(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
			}
		})
	}
}

// FuzzMatchGlob checks the matcher against the backtracking one it replaced, on inputs small
// enough for that one to finish.
func FuzzMatchGlob(f *testing.F) {
	for _, s := range [][2]string{
		{"charts/**", "charts/istio/values.yaml"}, {"**/secrets/*.yaml", "a/secrets/x.yaml"},
		{"/vendor", "a/vendor/x"}, {"a/**/**/b", "a/x/b/c"}, {"**/**", ""}, {"./x/", "x/y"}, {"*", "/"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, rel string) {
		if strings.Count(pattern, "/") > 8 || strings.Count(rel, "/") > 8 {
			t.Skip()
		}
		if got, want := config.MatchGlob(pattern, rel), backtrackingMatchGlob(pattern, rel); got != want {
			t.Errorf("MatchGlob(%q, %q) = %v, the backtracking matcher says %v", pattern, rel, got, want)
		}
	})
}

// backtrackingMatchGlob is the matcher before issue 12: right, and exponential in the number
// of ** segments.
func backtrackingMatchGlob(pattern, rel string) bool {
	rel = strings.TrimPrefix(path.Clean("/"+rel), "/")
	pattern = strings.TrimPrefix(pattern, "./")
	if !strings.Contains(strings.TrimSuffix(pattern, "/"), "/") {
		pattern = "**/" + pattern
	}
	pat := strings.Split(strings.Trim(pattern, "/"), "/")
	segs := strings.Split(rel, "/")
	for n := 1; n <= len(segs); n++ {
		if backtrack(pat, segs[:n]) {
			return true
		}
	}
	return false
}

func backtrack(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if backtrack(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, err := path.Match(pat[0], segs[0]); err != nil || !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// Issue 12: a size near the largest int64 overflowed the loader's limit+1 and made it read
// stdin as empty.
func TestParseSizeRejectsSizesOverTheLimit(t *testing.T) {
	for _, in := range []string{"9223372036854775807", "9223372036854775806", "4294967297", "5GiB", "4097MiB", "8589934592KiB"} {
		t.Run(in+" is rejected", func(t *testing.T) {
			_, err := config.ParseSize(in)
			if err == nil || !strings.Contains(err.Error(), "over the limit of 4GiB") {
				t.Errorf("ParseSize(%q) error %v, want one over the limit of 4GiB", in, err)
			}
		})
	}
	for _, in := range []string{"4GiB", "4294967296", "4096MiB", "4GB"} {
		t.Run(in+" is accepted", func(t *testing.T) {
			if n, err := config.ParseSize(in); err != nil || n > config.MaxSize {
				t.Errorf("ParseSize(%q) = %d, %v", in, n, err)
			}
		})
	}
}

func TestConfigRejectsAMaxFileSizeOverTheLimit(t *testing.T) {
	_, err := config.Parse("cfg.yaml", []byte("maxFileSize: 9223372036854775807\n"), testRules)
	want := `cfg.yaml:1:14: maxFileSize: size "9223372036854775807" is over the limit of 4GiB (4294967296 bytes)`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}
