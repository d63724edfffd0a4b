package helmvalues

import "testing"

func TestLookup(t *testing.T) {
	vals := map[string]any{"meshConfig": map[string]any{"rootNamespace": "mesh"}, "global": "not a map"}
	for _, tt := range []struct {
		keys []string
		want any
	}{
		{[]string{"meshConfig", "rootNamespace"}, "mesh"},
		{[]string{"meshConfig", "missing"}, nil},
		{[]string{"global", "istioNamespace"}, nil},
		{nil, nil},
	} {
		got := Lookup(vals, tt.keys...)
		if tt.keys == nil {
			if _, ok := got.(map[string]any); !ok {
				t.Errorf("Lookup() = %v, want the map itself", got)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("Lookup(%v) = %v, want %v", tt.keys, got, tt.want)
		}
	}
}
