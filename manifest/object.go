package manifest

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Lookup returns the node at path below the object's root: map keys, and decimal indices
// for sequences. It returns nil when the path does not exist.
func (o *Object) Lookup(path ...string) *yaml.Node {
	if o == nil {
		return nil
	}
	n, _, _ := o.walkPath(path, true)
	return n
}

// Pos returns the position of the value at path (see Lookup). When the path does not exist
// it returns the position of the deepest node that does, so a finding about a missing field
// points at its parent. A map or list in block style starts on the line below its key, so
// for one of those Pos returns the position of the key ("spec:"), where a reader looks.
func (o *Object) Pos(path ...string) Position {
	if o == nil {
		return Position{}
	}
	if o.Released() && o.released.hasName && slices.Equal(path, namePath) {
		return o.released.namePos(o) // kept: where most findings point
	}
	_, n, key := o.walkPath(path, false)
	if key != nil && n != nil && (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && n.Style&yaml.FlowStyle == 0 {
		n = key
	}
	return o.posOf(n)
}

// KeyPos returns the position of the key of the map entry at path (the last element must
// name a map key), or Pos(path...) when there is no such key.
func (o *Object) KeyPos(path ...string) Position {
	if o == nil || !o.HasRoot() || len(path) == 0 {
		return o.Pos(path...)
	}
	parent := o.Lookup(path[:len(path)-1]...)
	if parent != nil && parent.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(parent.Content); i += 2 {
			if parent.Content[i].Value == path[len(path)-1] {
				return o.posOf(parent.Content[i])
			}
		}
	}
	return o.Pos(path...)
}

// NodePos returns the position of n, a node of o's tree, as findings give it (see
// File.Position).
func (o *Object) NodePos(n *yaml.Node) Position { return o.posOf(n) }

func (o *Object) posOf(n *yaml.Node) Position {
	if o.Live != nil {
		p := Position{Object: *o.Live}
		if root := o.Root(); n != nil && root != nil {
			p.Field = FieldPath(root.YNode(), n)
		}
		return p
	}
	p := Position{}
	if o.File != nil {
		p.File = o.File.Path
	}
	if n != nil {
		p.Line, p.Column = o.File.Position(n.Line, n.Column)
		if w := scalarWidth(n); w > 0 {
			p.EndLine, p.EndColumn = p.Line, p.Column+w
		}
	}
	return p
}

// FieldPath returns the path from root to its node n as kubectl explain and JSONPath write
// it: map keys joined by dots, list indices in brackets, and a key that is not a plain word
// quoted in brackets (metadata.annotations["istio.io/use-waypoint"]). A key node names its
// entry. It returns "" for root itself or a node that is not below it.
func FieldPath(root, n *yaml.Node) string {
	var steps []string
	var find func(at *yaml.Node, depth int) bool
	find = func(at *yaml.Node, depth int) bool {
		if at == nil || depth > maxFieldDepth {
			return false
		}
		if at == n {
			return true
		}
		switch at.Kind {
		case yaml.DocumentNode:
			for _, c := range at.Content {
				if find(c, depth+1) {
					return true
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(at.Content); i += 2 {
				k, v := at.Content[i], at.Content[i+1]
				if k == n || find(v, depth+1) {
					steps = append(steps, fieldKey(k.Value))
					return true
				}
			}
		case yaml.SequenceNode:
			for i, c := range at.Content {
				if find(c, depth+1) {
					steps = append(steps, "["+strconv.Itoa(i)+"]")
					return true
				}
			}
		}
		return false
	}
	if !find(root, 0) {
		return ""
	}
	var b strings.Builder
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		if b.Len() > 0 && s[0] != '[' {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// maxFieldDepth bounds FieldPath's search, as a guard against a node nested without end.
const maxFieldDepth = 1000

// fieldKey writes a map key as a step of a field path: a plain word as it is, anything else
// quoted in brackets.
func fieldKey(k string) string {
	for i, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r == '-' || r >= '0' && r <= '9')) {
			return "[" + strconv.Quote(k) + "]"
		}
	}
	if k == "" {
		return `[""]`
	}
	return k
}

// scalarWidth returns how many columns a one-line scalar takes in the source (with its
// quotes), or 0 when that cannot be told from the node: block scalars, multi-line or escaped
// values.
func scalarWidth(n *yaml.Node) int {
	if n.Kind != yaml.ScalarNode || n.Value == "" || strings.ContainsAny(n.Value, "\n\r\t\\") {
		return 0
	}
	w := utf8.RuneCountInString(n.Value)
	switch n.Style {
	case 0:
		return w
	case yaml.DoubleQuotedStyle:
		if strings.ContainsRune(n.Value, '"') {
			return 0
		}
		return w + 2
	case yaml.SingleQuotedStyle:
		if strings.ContainsRune(n.Value, '\'') {
			return 0
		}
		return w + 2
	}
	return 0
}

// Walk follows path (map keys and decimal list indices) from n; it returns the node found (nil if the path breaks) and the
// deepest node reached.
func Walk(n *yaml.Node, path []string) (found, deepest *yaml.Node) {
	found, deepest, _ = walkKey(n, path)
	return found, deepest
}

// walkKey is walk that also returns the map key of the deepest node (nil when it is a list
// item or the root).
func walkKey(n *yaml.Node, path []string) (found, deepest, key *yaml.Node) {
	deepest = n
	for _, p := range path {
		if n == nil {
			return nil, deepest, key
		}
		for n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
			n = n.Content[0]
		}
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		var next, nextKey *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					next, nextKey = n.Content[i+1], n.Content[i]
					break
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(p); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
			}
		}
		if next == nil {
			return nil, deepest, key
		}
		n, deepest, key = next, next, nextKey
	}
	return n, deepest, key
}
