package rules

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// metaEntry is one label or annotation of an object or of a pod template inside it.
type metaEntry struct {
	Key, Value string
	Label      bool     // a label, not an annotation
	Template   bool     // on a pod template, not on the object itself
	Base       []string // path of the labels or annotations map; shared, never modify
}

// Path returns the node path of the entry's value below the object.
func (e metaEntry) Path() []string {
	return append(append(make([]string, 0, len(e.Base)+1), e.Base...), e.Key)
}

// node returns the entry's value node in o (parsing o's file again if the load released its
// tree): for a fix, not for reading the value.
func (e metaEntry) node(o *manifest.Object) *yaml.Node {
	if e.Base == nil {
		return nil // set by a build, not written in o
	}
	return o.Lookup(e.Path()...)
}

// metaBases are the places labels and annotations live: the object's own metadata, and the
// pod-template metadata of workload kinds. Even indexes are labels.
var metaBases = [][]string{
	{"metadata", "labels"},
	{"metadata", "annotations"},
	{"spec", "template", "metadata", "labels"}, // Deployment, StatefulSet, DaemonSet, ReplicaSet, Job
	{"spec", "template", "metadata", "annotations"},
	{"spec", "jobTemplate", "spec", "template", "metadata", "labels"}, // CronJob
	{"spec", "jobTemplate", "spec", "template", "metadata", "annotations"},
}

// metaTable is every object's metaEntries, built once per run.
var metaTable = &lint.Fact[map[*manifest.Object][]metaEntry]{Name: "labels and annotations",
	Compute: func(p *lint.Pass) map[*manifest.Object][]metaEntry {
		t := make(map[*manifest.Object][]metaEntry, len(p.Inventory.Objects))
		for _, o := range p.Inventory.Objects {
			t[o] = metaEntries(o)
		}
		return t
	}}

// objectMeta returns metaEntries(o) from a table built once per run: four rules read every
// object's labels and annotations.
func objectMeta(p *lint.Pass, o *manifest.Object) []metaEntry {
	table := metaTable.Of(p)
	if es, ok := table[o]; ok {
		return es
	}
	return metaEntries(o) // an object the inventory does not list
}

// metaEntries returns every label and annotation of o and of its pod template, in document
// order, as written (so values that typed decoding rejected are kept): from the object's
// maps, which a released object keeps without its tree.
func metaEntries(o *manifest.Object) []metaEntry {
	var out []metaEntry
	for i, base := range metaBases {
		entries, _ := o.MapEntries(base...)
		for _, e := range entries {
			if e.Kind != yaml.ScalarNode || e.Alias {
				continue
			}
			out = append(out, metaEntry{
				Key: e.Key, Value: e.Value, Label: i%2 == 0, Template: i >= 2, Base: base,
			})
		}
	}
	return out
}

// keyNode returns the key node of the map entry at path.
func keyNode(o *manifest.Object, path []string) *yaml.Node {
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
