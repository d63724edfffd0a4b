package rules

import (
	"fmt"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/manifest"
)

// What the rules that read Helm chart installs (gitops.ChartInstall) share: naming an install,
// reading its merged values, and finding where its object sets a value.

// chartWhat names a chart install in messages: "chart cilium of HelmRelease kube-system/cilium".
func chartWhat(ci *gitops.ChartInstall) string {
	if ci.Object != nil {
		return fmt.Sprintf("chart %s of %s", ci.Chart, objectName(ci.Object))
	}
	return "chart " + ci.Chart
}

// chartBool reads a boolean chart value, written as a YAML boolean or a string (Argo CD
// parameters are strings). ok is false when it is unset, opaque or not a boolean.
func chartBool(values map[string]any, path string) (b, set, ok bool) {
	v, set := gitops.ValueAt(values, path)
	if !set {
		return false, false, false
	}
	b, ok = anyBool(v)
	return b, true, ok
}

// anyBool reads v as a boolean: a YAML boolean or the strings true and false.
func anyBool(v any) (b, ok bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// chartString reads a scalar chart value as a string; ok is false when it is unset, opaque or
// not a scalar.
func chartString(values map[string]any, path string) (string, bool) {
	v, set := gitops.ValueAt(values, path)
	if !set || v == nil {
		return "", false
	}
	switch v.(type) {
	case map[string]any, []any:
		return "", false
	}
	s := fmt.Sprint(v)
	if manifest.IsOpaque(s) {
		return "", false
	}
	return s, true
}

// chartValuePos returns where chart install ci sets the value at the dotted path: the node in
// its object's inline values (Argo CD helm.parameters, helm.valuesObject or the text of
// helm.values; a HelmRelease's spec.values), else where its values are. The node is returned
// when the object holds it as a YAML node (for a suggested fix).
func chartValuePos(ci *gitops.ChartInstall, path string) (manifest.Position, *yaml.Node) {
	o := ci.Object
	if o == nil || len(ci.ValuesPath) == 0 {
		return ci.ValuesPos, nil
	}
	keys := strings.Split(path, ".")
	last := ci.ValuesPath[len(ci.ValuesPath)-1]
	helm := ci.ValuesPath[:len(ci.ValuesPath)-1]
	if last == "valuesObject" || last == "values" || last == "parameters" {
		// Argo CD: parameters override the other values.
		if prms := o.Lookup(append(slices.Clone(helm), "parameters")...); prms != nil && prms.Kind == yaml.SequenceNode {
			for _, prm := range prms.Content {
				name, value := mapScalar(prm, "name"), mapValue(prm, "value")
				if name != nil && name.Value == path && value != nil {
					return o.NodePos(value), value
				}
			}
		}
		for _, k := range []string{"valuesObject", "values"} {
			vp := append(slices.Clone(helm), k)
			n := o.Lookup(vp...)
			if n == nil {
				continue
			}
			if n.Kind == yaml.MappingNode {
				full := append(vp, keys...)
				if v := o.Lookup(full...); v != nil {
					return o.Pos(full...), v
				}
				continue
			}
			if n.Kind == yaml.ScalarNode {
				doc, err := yaml.Parse(n.Value)
				if err != nil || doc.YNode() == nil {
					continue
				}
				if inner, _ := manifest.Walk(doc.YNode(), keys); inner != nil {
					return embeddedPos(o, vp, doc, keys...), nil
				}
			}
		}
		return ci.ValuesPos, nil
	}
	full := append(slices.Clone(ci.ValuesPath), keys...)
	if v := o.Lookup(full...); v != nil {
		return o.Pos(full...), v
	}
	return ci.ValuesPos, nil
}

// mapScalar returns the scalar value of key in mapping n, or nil.
func mapScalar(n *yaml.Node, key string) *yaml.Node {
	v := mapValue(n, key)
	if v == nil || v.Kind != yaml.ScalarNode {
		return nil
	}
	return v
}

// mapValue returns the value of key in mapping n, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// valuePos returns where chart install ci sets the value at the path of keys (see
// chartValuePos), or where its values are.
func valuePos(ci *gitops.ChartInstall, path ...string) manifest.Position {
	pos, _ := chartValuePos(ci, strings.Join(path, "."))
	return pos
}
