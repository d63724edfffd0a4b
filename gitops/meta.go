package gitops

import (
	"maps"

	"github.com/ambientkit/ambientkit/manifest"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Labels and annotations that a build adds to the objects it applies, without either being
// written in them:
//
//   - kustomize's commonLabels, labels[].pairs and commonAnnotations, in a kustomization or in
//     a Component it includes (a Component's transformers apply to the whole build that
//     includes it);
//   - Argo CD's spec.source.kustomize.commonLabels and commonAnnotations of an Application
//     whose source is a kustomization;
//   - Flux's spec.commonMetadata.labels and annotations of a Kustomization.
//
// Each overrides a key the object already has, and an outer build overrides an inner one,
// as kustomize and the controllers do. The model applies them to the object's Labels and
// Annotations (so rules see an enrolled namespace, and the model a sync wave, as the cluster
// will), from the first unit that applies the object. Labels that kustomize also puts in pod
// templates and selectors (commonLabels, labels[].includeTemplates) are applied to metadata
// only.

// metaEdit is what a build adds to the metadata of the objects it applies.
type metaEdit struct {
	labels, annotations map[string]string
	// at is where each added label is set, for findings about it.
	at map[string]manifest.Position
}

// posOf returns where e sets label key.
func (e *metaEdit) posOf(key string) (manifest.Position, bool) {
	if e == nil {
		return manifest.Position{}, false
	}
	p, ok := e.at[key]
	return p, ok
}

// empty reports whether e adds nothing.
func (e *metaEdit) empty() bool {
	return e == nil || (len(e.labels) == 0 && len(e.annotations) == 0)
}

// over returns inner with e's keys added over it: e is the outer build. Either may be nil.
func (e *metaEdit) over(inner *metaEdit) *metaEdit {
	switch {
	case e.empty():
		return inner
	case inner.empty():
		return e
	}
	out := &metaEdit{labels: maps.Clone(inner.labels), annotations: maps.Clone(inner.annotations), at: maps.Clone(inner.at)}
	if out.labels == nil {
		out.labels = map[string]string{}
	}
	if out.annotations == nil {
		out.annotations = map[string]string{}
	}
	if out.at == nil {
		out.at = map[string]manifest.Position{}
	}
	maps.Copy(out.labels, e.labels)
	maps.Copy(out.annotations, e.annotations)
	maps.Copy(out.at, e.at)
	return out
}

// add records the scalar entries of the mapping node m (labels when isLabel, else
// annotations), with their positions in file.
func (e *metaEdit) add(file string, m *yaml.Node, isLabel bool) {
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode {
			continue
		}
		if !isLabel {
			if e.annotations == nil {
				e.annotations = map[string]string{}
			}
			e.annotations[k.Value] = v.Value
			continue
		}
		if e.labels == nil {
			e.labels, e.at = map[string]string{}, map[string]manifest.Position{}
		}
		e.labels[k.Value] = v.Value
		e.at[k.Value] = nodePos(file, v)
	}
}

// newEdit returns the metadata that the label and annotation mappings of file add, nil
// when they add nothing.
func newEdit(file string, labels []*yaml.Node, annotations ...*yaml.Node) *metaEdit {
	e := &metaEdit{}
	for _, l := range labels {
		e.add(file, l, true)
	}
	for _, a := range annotations {
		e.add(file, a, false)
	}
	if e.empty() {
		return nil
	}
	return e
}

// kustomizeEdit returns the metadata a kustomization (or Component) node k adds.
func kustomizeEdit(file string, k *yaml.Node) *metaEdit {
	labels := []*yaml.Node{nodeAt(k, "commonLabels")}
	for _, l := range seqAt(k, "labels") {
		labels = append(labels, nodeAt(l, "pairs"))
	}
	return newEdit(file, labels, nodeAt(k, "commonAnnotations"))
}

// fluxEdit returns the metadata a Flux Kustomization's spec.commonMetadata adds.
func fluxEdit(file string, spec *yaml.Node) *metaEdit {
	return newEdit(file, []*yaml.Node{nodeAt(spec, "commonMetadata", "labels")}, nodeAt(spec, "commonMetadata", "annotations"))
}

// argoEdit returns the metadata an Argo CD source's kustomize options add.
func argoEdit(file string, source *yaml.Node) *metaEdit {
	return newEdit(file, []*yaml.Node{nodeAt(source, "kustomize", "commonLabels")}, nodeAt(source, "kustomize", "commonAnnotations"))
}

// edited is an object's metadata as written, and where the model's edits set its labels.
type edited struct {
	labels, annotations map[string]string
	at                  map[string]manifest.Position
}

// applyEdit sets o's labels and annotations to those written in it with e over them, or
// back to those written when e is empty. It never changes a map in place: the maps may be
// shared with a copy of the object (see snapshot).
func (b *builder) applyEdit(o *manifest.Object, e *metaEdit) {
	w, ok := b.written[o]
	if !ok {
		if e.empty() {
			return
		}
		w = &edited{labels: o.Labels, annotations: o.Annotations}
		b.written[o] = w
	}
	if e.empty() {
		o.Labels, o.Annotations, w.at = w.labels, w.annotations, nil
		return
	}
	o.Labels, o.Annotations = mergeStrings(w.labels, e.labels), mergeStrings(w.annotations, e.annotations)
	w.at = e.at
}

// rewritten tells applyEdit that o's metadata was derived again from its node (variable
// substitution): what is written is what o holds now.
func (b *builder) rewritten(o *manifest.Object) {
	delete(b.written, o)
}

// editedLabelAt returns where the model's edits set o's label key, if they did.
func (b *builder) editedLabelAt(o *manifest.Object, key string) (manifest.Position, bool) {
	w, ok := b.written[o]
	if !ok {
		return manifest.Position{}, false
	}
	p, ok := w.at[key]
	return p, ok
}

// mergeStrings returns a new map of base with over's entries over it; base itself when
// over is empty.
func mergeStrings(base, over map[string]string) map[string]string {
	if len(over) == 0 {
		return base
	}
	out := make(map[string]string, len(base)+len(over))
	maps.Copy(out, base)
	maps.Copy(out, over)
	return out
}

// annotationsOrNil returns the annotations e adds; nil for a nil e.
func (e *metaEdit) annotationsOrNil() map[string]string {
	if e == nil {
		return nil
	}
	return e.annotations
}

// labelsOrNil returns the labels e adds; nil for a nil e.
func (e *metaEdit) labelsOrNil() map[string]string {
	if e == nil {
		return nil
	}
	return e.labels
}

// writtenLabels returns o's labels as written in it.
func (b *builder) writtenLabels(o *manifest.Object) map[string]string {
	if w, ok := b.written[o]; ok {
		return w.labels
	}
	return o.Labels
}

// writtenAnnotations returns o's annotations as written in it.
func (b *builder) writtenAnnotations(o *manifest.Object) map[string]string {
	if w, ok := b.written[o]; ok {
		return w.annotations
	}
	return o.Annotations
}

// reapplyEdits applies the edits again after the last substitution pass, which derives the
// metadata of substituted objects from their nodes anew.
func (b *builder) reapplyEdits() {
	for _, o := range b.objects {
		if mem := b.membersOf(o); len(mem) > 0 {
			b.applyEdit(o, mem[0].edit)
		}
	}
}
