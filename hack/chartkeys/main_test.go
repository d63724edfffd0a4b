package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/internal/istiocharts"
)

// The table's entry for the pinned istio.io/istio module's minor version is what the module's
// charts say today: a change of the pinned version fails here until the table is made again.
func TestTableHoldsThePinnedModulesCharts(t *testing.T) {
	mod, minor, err := downloadPinned()
	if err != nil {
		t.Fatal(err)
	}
	want, err := table(mod)
	if err != nil {
		t.Fatal(err)
	}
	for chart, keys := range want {
		got, ok := istiocharts.Keys(chart, minor+".0")
		if !ok {
			t.Errorf("internal/istiocharts has no %s chart for %s", chart, minor)
			continue
		}
		if diff := cmp.Diff(keys, got); diff != "" {
			t.Errorf("%s chart of %s (%s) is stale; run the command in hack/chartkeys (-module +table):\n%s", chart, minor, PinnedModule, diff)
		}
	}
}
