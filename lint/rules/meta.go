package rules

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/lint"
)

// metaEntry is one label or annotation of an object or of a pod template inside it, with the
// node path of its value.
type metaEntry struct {
	Key, Value string
	Label      bool     // a label, not an annotation
	Template   bool     // on a pod template, not on the object itself
	Path       []string // path of the value node below the object
	Node       *yaml.Node
}

// templateMetaPaths are the places pod-template metadata lives in workload kinds.
var templateMetaPaths = [][]string{
	{"spec", "template", "metadata"},                        // Deployment, StatefulSet, DaemonSet, ReplicaSet, Job
	{"spec", "jobTemplate", "spec", "template", "metadata"}, // CronJob
}

// metaEntries returns every label and annotation of o and of its pod template, in document
// order, reading the nodes (so positions and values that typed decoding rejected are kept).
func metaEntries(o *lint.Object) []metaEntry {
	var out []metaEntry
	add := func(base []string, template bool) {
		for _, field := range []string{"labels", "annotations"} {
			path := append(append([]string(nil), base...), field)
			m := o.Lookup(path...)
			if m == nil || m.Kind != yaml.MappingNode {
				continue
			}
			for i := 0; i+1 < len(m.Content); i += 2 {
				k, v := m.Content[i], m.Content[i+1]
				if v.Kind != yaml.ScalarNode {
					continue
				}
				out = append(out, metaEntry{
					Key: k.Value, Value: v.Value, Label: field == "labels", Template: template,
					Path: append(append([]string(nil), path...), k.Value), Node: v,
				})
			}
		}
	}
	add([]string{"metadata"}, false)
	for _, p := range templateMetaPaths {
		if o.Lookup(p...) != nil {
			add(p, true)
		}
	}
	return out
}

// keyNode returns the key node of the map entry at path.
func keyNode(o *lint.Object, path []string) *yaml.Node {
	if len(path) == 0 {
		return nil
	}
	m := o.Lookup(path[:len(path)-1]...)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == path[len(path)-1] {
			return m.Content[i]
		}
	}
	return nil
}
