package manifest

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Lookup returns the node at path below the object's root: map keys, and decimal indices
// for sequences. It returns nil when the path does not exist.
func (o *Object) Lookup(path ...string) *yaml.Node {
	if o == nil || o.Node == nil {
		return nil
	}
	n, _ := Walk(o.Node.YNode(), path)
	if len(path) > 0 && n == nil {
		return nil
	}
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
	var n, key *yaml.Node
	if o.Node != nil {
		_, n, key = walkKey(o.Node.YNode(), path)
	}
	if key != nil && n != nil && (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && n.Style&yaml.FlowStyle == 0 {
		n = key
	}
	return o.posOf(n)
}

// KeyPos returns the position of the key of the map entry at path (the last element must
// name a map key), or Pos(path...) when there is no such key.
func (o *Object) KeyPos(path ...string) Position {
	if o == nil || o.Node == nil || len(path) == 0 {
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
