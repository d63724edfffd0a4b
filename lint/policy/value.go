package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/manifest/load"
)

// maxValueNodes bounds the nodes one object expands to (aliases included), as the loader
// bounds the JSON of its typed decoding.
const maxValueNodes = 1_000_000

// valueOf returns the YAML node n as a Rego value, as Kubernetes reads YAML: scalars by their
// resolved YAML 1.2 core schema tag (load.Scalar, the typed decoding's reading), merge keys
// applied (a mapping's own keys win, then the earlier merge sources), aliases expanded. It
// builds the value from the nodes the loader kept, without writing or parsing text.
func valueOf(n *yaml.Node) (*ast.Term, error) {
	count := 0
	return valueTerm(n, &count)
}

func valueTerm(n *yaml.Node, count *int) (*ast.Term, error) {
	if *count++; *count > maxValueNodes {
		return nil, fmt.Errorf("more than %d nodes", maxValueNodes)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return ast.NullTerm(), nil
		}
		return valueTerm(n.Content[0], count)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, fmt.Errorf("alias *%s names no anchor", n.Value)
		}
		return valueTerm(n.Alias, count)
	case yaml.ScalarNode:
		switch v := load.Scalar(n).(type) {
		case nil:
			return ast.NullTerm(), nil
		case bool:
			return ast.BooleanTerm(v), nil
		case json.Number:
			return ast.NumberTerm(v), nil
		case string:
			return ast.StringTerm(v), nil
		}
	case yaml.SequenceNode:
		terms := make([]*ast.Term, len(n.Content))
		for i, c := range n.Content {
			t, err := valueTerm(c, count)
			if err != nil {
				return nil, err
			}
			terms[i] = t
		}
		return ast.ArrayTerm(terms...), nil
	case yaml.MappingNode:
		obj := ast.NewObject()
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].ShortTag() == "!!merge" {
				if err := mergeInto(obj, n.Content[i+1], count); err != nil {
					return nil, err
				}
			}
		}
		if err := pairsInto(obj, n, count); err != nil {
			return nil, err
		}
		return ast.NewTerm(obj), nil
	}
	return ast.NullTerm(), nil
}

// pairsInto inserts the entries of mapping n, merge keys excepted, into obj; a key already
// there (from a merge) is replaced.
func pairsInto(obj ast.Object, n *yaml.Node, count *int) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.ShortTag() == "!!merge" {
			continue
		}
		for k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			return errors.New("a map key that is not a string")
		}
		t, err := valueTerm(v, count)
		if err != nil {
			return err
		}
		obj.Insert(ast.StringTerm(k.Value), t)
	}
	return nil
}

// mergeInto inserts the entries a merge key's value brings: a map, or a list of maps of
// which the first wins.
func mergeInto(obj ast.Object, v *yaml.Node, count *int) error {
	for v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	switch v.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(v.Content); i += 2 {
			if v.Content[i].ShortTag() == "!!merge" {
				if err := mergeInto(obj, v.Content[i+1], count); err != nil {
					return err
				}
			}
		}
		return pairsInto(obj, v, count)
	case yaml.SequenceNode:
		for _, c := range slices.Backward(v.Content) {
			if err := mergeInto(obj, c, count); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("line %d: a merge key (<<) needs a map or a list of maps", v.Line)
}
