package gitops

import (
	"strings"

	"github.com/ambientkit/ambientkit/manifest"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// nodeAt returns the node at path below n (map keys, decimal sequence indices), or nil.
func nodeAt(n *yaml.Node, path ...string) *yaml.Node {
	if n == nil {
		return nil
	}
	for n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	found, _ := manifest.Walk(n, path)
	if found != nil && found.Kind == yaml.AliasNode && found.Alias != nil {
		found = found.Alias
	}
	return found
}

// scalarAt returns the scalar value at path, or "" when there is none.
func scalarAt(n *yaml.Node, path ...string) string {
	x := nodeAt(n, path...)
	if x == nil || x.Kind != yaml.ScalarNode || x.Tag == "!!null" {
		return ""
	}
	return x.Value
}

// objScalar is scalarAt of o's tree. The value of a label or annotation of a released
// object comes from the maps it keeps (Object.EntryAt), without parsing its file again; a
// missing one is looked up, which a released object also answers without its tree.
func objScalar(o *manifest.Object, path ...string) string {
	if o.Released() {
		if e, ok := o.EntryAt(path...); ok {
			if e.Kind == yaml.ScalarNode && e.Tag != "!!null" {
				return e.Value
			}
			return ""
		}
	}
	x := o.Lookup(path...)
	if x != nil && x.Kind == yaml.AliasNode && x.Alias != nil {
		x = x.Alias
	}
	if x == nil || x.Kind != yaml.ScalarNode || x.Tag == "!!null" {
		return ""
	}
	return x.Value
}

// boolAt reports whether the value at path is true.
func boolAt(n *yaml.Node, path ...string) bool {
	return strings.EqualFold(scalarAt(n, path...), "true")
}

// seqAt returns the items of the sequence at path, or nil.
func seqAt(n *yaml.Node, path ...string) []*yaml.Node {
	x := nodeAt(n, path...)
	if x == nil || x.Kind != yaml.SequenceNode {
		return nil
	}
	return x.Content
}

// stringsAt returns the scalar items of the sequence at path.
func stringsAt(n *yaml.Node, path ...string) []string {
	var out []string
	for _, x := range seqAt(n, path...) {
		if x.Kind == yaml.ScalarNode {
			out = append(out, x.Value)
		}
	}
	return out
}

// mapAt returns the string entries of the mapping at path (non-scalar values skipped).
func mapAt(n *yaml.Node, path ...string) map[string]string {
	x := nodeAt(n, path...)
	if x == nil || x.Kind != yaml.MappingNode {
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(x.Content); i += 2 {
		if v := x.Content[i+1]; v.Kind == yaml.ScalarNode {
			out[x.Content[i].Value] = v.Value
		}
	}
	return out
}

// decodeMap decodes a mapping node into plain Go values; nil when n is not a mapping or
// does not decode.
func decodeMap(n *yaml.Node) map[string]any {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	var m map[string]any
	if err := n.Decode(&m); err != nil {
		return nil
	}
	return m
}

// parseYAMLMap parses a YAML document into plain Go values; ok is false when it does not
// parse or is not a mapping (an empty document is an empty map).
func parseYAMLMap(data string) (map[string]any, bool) {
	if strings.TrimSpace(data) == "" {
		return map[string]any{}, true
	}
	var m map[string]any
	if err := yaml.Unmarshal([]byte(data), &m); err != nil {
		return nil, false
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, true
}

// nodePos returns the position of n in the file shown as file.
func nodePos(file string, n *yaml.Node) manifest.Position {
	p := manifest.Position{File: file}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	return p
}

// mergeValues merges src into dst as Helm coalesces values: maps merge key by key, anything
// else in src replaces dst's.
func mergeValues(dst, src map[string]any) map[string]any {
	if dst == nil {
		dst = map[string]any{}
	}
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				dst[k] = mergeValues(dm, sm)
				continue
			}
			dst[k] = mergeValues(nil, sm)
			continue
		}
		dst[k] = v
	}
	return dst
}

// setDotted sets a Helm --set style key ("a.b.c", with "\." for a literal dot) in values.
func setDotted(values map[string]any, key string, v any) {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(key); i++ {
		switch {
		case key[i] == '\\' && i+1 < len(key) && key[i+1] == '.':
			cur.WriteByte('.')
			i++
		case key[i] == '.':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(key[i])
		}
	}
	parts = append(parts, cur.String())
	m := values
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
}

// ValueAt returns the value at a dotted path of chart values ("pilot.env.X"), and whether
// it is set.
func ValueAt(values map[string]any, path string) (any, bool) {
	var cur any = values
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = m[p]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}
