// Package helmvalues reads nested Helm chart values, as decoded from YAML into maps.
package helmvalues

// Lookup returns the value at keys below m, or nil when a key is missing or a value on the
// way is not a map.
func Lookup(m map[string]any, keys ...string) any {
	var cur any = m
	for _, k := range keys {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}
