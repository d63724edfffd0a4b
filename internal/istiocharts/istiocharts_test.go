package istiocharts

import (
	"slices"
	"testing"
)

func TestKeys(t *testing.T) {
	tests := []struct {
		name, chart, version, key string
		want, known               bool
	}{
		{name: "istiod accepts profile", chart: "istiod", version: "1.29.3", key: "profile", want: true, known: true},
		{name: "a misspelt profile is no key of istiod", chart: "istiod", version: "1.29.3", key: "proflie", known: true},
		{name: "ztunnel accepts resourceName", chart: "ztunnel", version: "v1.30.0", key: "resourceName", want: true, known: true},
		{name: "cni accepts cniBinDir whatever the version", chart: "cni", version: ">=1.28", key: "cniBinDir", want: true, known: true},
		{name: "defaults is refused by every chart's profile template", chart: "base", version: "", key: "defaults", known: true},
		{name: "the gateway chart is not in the table", chart: "gateway", version: "1.29.0", key: "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ks, known := Keys(tt.chart, tt.version)
			if known != tt.known || slices.Contains(ks, tt.key) != tt.want {
				t.Errorf("Keys(%q, %q) has %q: %v, known %v; want %v, %v", tt.chart, tt.version, tt.key,
					slices.Contains(ks, tt.key), known, tt.want, tt.known)
			}
		})
	}
	for _, m := range []string{"1.28", "1.29", "1.30", "1.31", "1.32"} {
		if _, ok := Table()[m]; !ok {
			t.Errorf("the table has no Istio %s", m)
		}
	}
}

// Table holds what Keys answers for each minor, and changing the copy changes neither.
func TestTableIsACopyOfWhatKeysReads(t *testing.T) {
	table := Table()
	if len(table) != len(keys) {
		t.Fatalf("Table() has %d minors, the table %d", len(table), len(keys))
	}
	for m, charts := range table {
		for chart, ks := range charts {
			want, _ := Keys(chart, m+".0")
			if !slices.Equal(ks, want) {
				t.Errorf("Table()[%q][%q] = %v, Keys = %v", m, chart, ks, want)
			}
		}
	}
	table["1.29"]["istiod"][0] = "changed"
	if ks, _ := Keys("istiod", "1.29.0"); ks[0] == "changed" {
		t.Error("changing Table()'s copy changed Keys")
	}
}
