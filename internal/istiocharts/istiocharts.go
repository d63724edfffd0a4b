// Package istiocharts knows the top-level values that Istio's Helm charts (base, istiod, cni,
// ztunnel) accept, per Istio minor version, as the charts' own values.yaml and templates read
// them (keys_gen.go, made by hack/chartkeys from the istio.io/istio module this project pins,
// which that command's test holds the table to, and from istio/istio's release tags). Helm
// passes any other key through silently: a misspelt key ("proflie: ambient") changes nothing.
package istiocharts

import (
	"slices"
	"strings"
)

// Keys returns the top-level values chart accepts at version, sorted, and whether the table
// knows the chart. A version whose minor the table holds is judged by that minor's chart;
// any other (empty, a range, a minor the table does not hold) by every key any minor accepts,
// so that a key is never reported only because its version is unknown.
func Keys(chart, version string) ([]string, bool) {
	if m, ok := keys[minor(version)]; ok {
		ks, ok := m[chart]
		return ks, ok
	}
	set := map[string]bool{}
	found := false
	for _, m := range keys {
		if ks, ok := m[chart]; ok {
			found = true
			for _, k := range ks {
				set[k] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out, found
}

// Table returns the whole table: per minor version ("1.29") and chart, the top-level values
// the chart accepts, sorted. It is a copy, for generators that carry the table elsewhere (the
// Rego bundle's data module); rules ask Keys.
func Table() map[string]map[string][]string {
	out := make(map[string]map[string][]string, len(keys))
	for m, charts := range keys {
		out[m] = make(map[string][]string, len(charts))
		for c, ks := range charts {
			out[m][c] = slices.Clone(ks)
		}
	}
	return out
}

// minor returns "1.29" for "1.29.3", "v1.29.3" or "1.29.3-rc.1", and "" for anything else
// (an empty version, a range such as ">=1.28" or "1.29.*" keeps its minor only when exact).
func minor(version string) string {
	v := strings.TrimPrefix(strings.TrimSpace(version), "v")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 || !digits(parts[0]) || !digits(parts[1]) {
		return ""
	}
	if len(parts) == 3 {
		patch, _, _ := strings.Cut(parts[2], "-")
		if !digits(patch) {
			return ""
		}
	}
	return parts[0] + "." + parts[1]
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
