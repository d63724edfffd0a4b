package load

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/manifest"
)

// Duplicate map keys, and which value counts.
//
// YAML forbids a key twice in one mapping, but the parsers on the way to a cluster do not
// agree on what such a file means:
//
//   - sigs.k8s.io/yaml v1.6.0 (kubectl, Argo CD's manifest splitting, Flux's apply,
//     apimachinery's YAMLOrJSONDecoder) decodes YAML with go.yaml.in/yaml/v2 into a Go map:
//     yaml.go:146 YAMLToJSON → yaml.Unmarshal; go.yaml.in/yaml/v2 v2.4.4 decode.go:658-690
//     sets each key in document order (out.SetMapIndex), so the last value wins. Its doc
//     comment (yaml.go:142) says duplicates are "ignored"; only YAMLToJSONStrict and
//     UnmarshalStrict (decode.go:686, "key %#v already set in map") reject them, and
//     kubectl does not use those. kubectl's NoDoubleKeySchema (k8s.io/kubectl
//     pkg/validation/schema.go:42) looks only at metadata.labels and annotations, and only
//     in the JSON the YAML was already converted to, where the earlier values are gone.
//     JSON files go through encoding/json, where too the last value wins.
//   - sigs.k8s.io/kustomize/kyaml v0.21.2 keeps every key in its yaml.Node, and its field
//     lookups (rnode.go:796 visitMappingNodeFields, used by GetKind, Field, GetMeta) stop at
//     the first one; but kustomize build (Flux's kustomize-controller, Argo CD's kustomize
//     sources) ends in Resource.AsYAML → RNode.MarshalJSON (rnode.go:975), which decodes
//     into a map with go.yaml.in/yaml/v3, and that rejects the file (v3.0.6 decode.go:769,
//     "mapping key %q already defined at line %d").
//
// So no tool applies the first value: the cluster gets the last one or nothing. The loader
// therefore reports every repeated key (AMB001) and keeps only the last occurrence of each
// key in the node tree it hands out, so that apiVersion, kind, metadata, the typed object and
// every later lookup (manifest.Object.Lookup, Pos) see what kubectl and Argo CD apply.

// duplicate is a map key that an earlier key of the same mapping repeats.
type duplicate struct {
	key, first, last *yaml.Node // this key, the first and the last of its mapping
	item             int        // the 1-based index of the List item the key is in; 0 outside items
}

// smallMapping is the most pairs a mapping may have for its keys to be compared pair by
// pair; a larger one is checked with a map, so the cost stays linear in the document.
const smallMapping = 8

// dropDuplicateKeys finds the repeated keys of every mapping in the document below root
// and removes all but the last occurrence of each from its mapping. Aliases are not
// followed: the mapping they name is in the document and is checked where it is.
func (d *decoder) dropDuplicateKeys(root *yaml.Node) []duplicate {
	return d.walkDuplicates(root, 0, root.Kind == yaml.MappingNode, nil)
}

// walkDuplicates is dropDuplicateKeys below n, in List item number item; top is true for a
// document's root mapping, whose items are the objects of a List.
func (d *decoder) walkDuplicates(n *yaml.Node, item int, top bool, dups []duplicate) []duplicate {
	if n.Kind == yaml.MappingNode {
		dups = d.dropDuplicates(n, item, dups)
	}
	for i, c := range n.Content {
		if len(c.Content) == 0 {
			continue
		}
		if top && i%2 == 1 && c.Kind == yaml.SequenceNode && n.Content[i-1].Value == "items" {
			for j, it := range c.Content {
				dups = d.walkDuplicates(it, j+1, false, dups)
			}
			continue
		}
		dups = d.walkDuplicates(c, item, false, dups)
	}
	return dups
}

// dropDuplicates appends the repeated keys of mapping n to dups and, when there are any,
// keeps only the last pair of each key in n.Content.
func (d *decoder) dropDuplicates(n *yaml.Node, item int, dups []duplicate) []duplicate {
	c := n.Content
	if len(c) < 4 {
		return dups
	}
	found := len(dups)
	if len(c)/2 <= smallMapping {
		for i := 2; i+1 < len(c); i += 2 {
			k, ok := keyString(c[i])
			if !ok {
				continue
			}
			for j := 0; j < i; j += 2 {
				if kj, ok := keyString(c[j]); ok && kj == k {
					dups = append(dups, duplicate{key: c[i], first: c[j], item: item})
					break
				}
			}
		}
	} else {
		if d.seen == nil {
			d.seen = make(map[string]int)
		}
		for i := 0; i+1 < len(c); i += 2 {
			k, ok := keyString(c[i])
			if !ok {
				continue
			}
			if j, ok := d.seen[k]; ok {
				dups = append(dups, duplicate{key: c[i], first: c[j], item: item})
				continue
			}
			d.seen[k] = i
		}
		// Deleting the keys one by one keeps the cost linear in this mapping; clear would
		// cost as much as the largest mapping seen so far.
		for i := 0; i+1 < len(c); i += 2 {
			if k, ok := keyString(c[i]); ok {
				delete(d.seen, k)
			}
		}
	}
	if len(dups) == found {
		return dups
	}
	// Keep the last pair of each key. Only a mapping with a repeated key gets here.
	last := make(map[string]int, len(c)/2)
	for i := 0; i+1 < len(c); i += 2 {
		if k, ok := keyString(c[i]); ok {
			last[k] = i
		}
	}
	for x := found; x < len(dups); x++ {
		k, _ := keyString(dups[x].key)
		dups[x].last = c[last[k]]
	}
	kept := c[:0]
	for i := 0; i+1 < len(c); i += 2 {
		if k, ok := keyString(c[i]); ok && last[k] != i {
			continue
		}
		kept = append(kept, c[i], c[i+1])
	}
	clear(c[len(kept):])
	n.Content = kept
	return dups
}

// keyString returns the text of a scalar map key (following an alias), as the duplicate
// check compares them: go.yaml.in/yaml/v3 compares keys' kinds and values, and
// sigs.k8s.io/yaml turns every scalar key into a JSON string. A merge key (<<) is not a
// key of its own: what it brings is overridden by the mapping's keys, as YAML means.
func keyString(k *yaml.Node) (string, bool) {
	k = deref(k)
	if k == nil || k.Kind != yaml.ScalarNode {
		return "", false
	}
	if k.Value == "<<" && k.ShortTag() == "!!merge" {
		return "", false
	}
	return k.Value, true
}

// reportDuplicates adds a Problem for each duplicate in dups, about the object ref (empty
// when the key is in no object).
func reportDuplicates(res *fileResult, dups []duplicate, ref manifest.ObjectRef) {
	for _, dup := range dups {
		prefix := ""
		if ref.Kind != "" {
			prefix = strings.TrimSpace(ref.String()) + ": "
		}
		applied := "this last value"
		if dup.last != dup.key {
			applied = fmt.Sprintf("the last value (at %d:%d)", dup.last.Line, dup.last.Column)
		}
		res.findings = append(res.findings, Problem{Pos: posIn(res.file, dup.key), Object: ref,
			Message: fmt.Sprintf("%sduplicate key %q (first at %d:%d): kubectl and Argo CD apply only %s, and kustomize (Flux) rejects the file",
				prefix, deref(dup.key).Value, dup.first.Line, dup.first.Column, applied)})
	}
}

// itemDuplicates returns the duplicates of dups in the List item numbered item.
func itemDuplicates(dups []duplicate, item int) []duplicate {
	var out []duplicate
	for _, dup := range dups {
		if dup.item == item {
			out = append(out, dup)
		}
	}
	return out
}
