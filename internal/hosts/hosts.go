// Package hosts matches ServiceEntry hosts the way Istio does, for package egress's MatchHost
// and for the linter, which checks many hosts against every entry of a tree at once (Set).
package hosts

import "strings"

// IsWildcard reports whether host is a wildcard host, one that starts with "*".
func IsWildcard(host string) bool { return strings.HasPrefix(host, "*") }

// Normalize lower-cases h and drops one trailing dot, as DNS compares names.
func Normalize(h string) string {
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// Match reports whether pattern covers host with Istio's rules (host.Name.SubsetOf), ignoring
// case and one trailing dot: egress.MatchHost documents them.
func Match(pattern, host string) bool {
	p, h := Normalize(pattern), Normalize(host)
	if p == "" || h == "" {
		return false
	}
	switch {
	case IsWildcard(p) && IsWildcard(h):
		return len(h) >= len(p) && strings.HasSuffix(h[1:], p[1:])
	case IsWildcard(p):
		return strings.HasSuffix(h, p[1:])
	case IsWildcard(h):
		return false
	}
	return p == h
}

// Set answers Match for many patterns at once, in time proportional to the length of the
// host rather than to the number of patterns.
type Set struct {
	exact    map[string]bool
	suffixes map[string]bool // wildcard patterns without their leading "*"
}

// NewSet indexes patterns.
func NewSet(patterns ...string) *Set {
	s := &Set{exact: map[string]bool{}, suffixes: map[string]bool{}}
	s.Add(patterns...)
	return s
}

// Add indexes more patterns.
func (s *Set) Add(patterns ...string) {
	for _, h := range patterns {
		switch p := Normalize(h); {
		case p == "":
		case IsWildcard(p):
			s.suffixes[p[1:]] = true
		default:
			s.exact[p] = true
		}
	}
}

// Covers reports whether one of the set's patterns covers host, as Match does for one.
func (s *Set) Covers(host string) bool {
	h := Normalize(host)
	if s == nil || h == "" {
		return false
	}
	if IsWildcard(h) {
		// A wildcard pattern covers a wildcard host whose suffix ends with the pattern's.
		h = h[1:]
	} else if s.exact[h] {
		return true
	}
	// A wildcard pattern "*S" covers every host ending in S: look S up among h's suffixes.
	for i := 0; i <= len(h); i++ {
		if s.suffixes[h[i:]] {
			return true
		}
	}
	return false
}
