package manifest

import (
	"slices"
	"sync"
	"sync/atomic"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// An object's node tree is most of the memory a run keeps: some forty nodes an object, each
// several times the size of the text it stands for, and a heap that grows costs page faults
// and collections. The load therefore releases the tree of an object that decodes into its
// Go type (File.ReleaseTrees), since rules read those objects through Object.Typed and want
// the tree only to place a finding. A released object keeps, as strings, the maps every run
// reads on every object (the labels and annotations of its metadata and of its pod
// template, MapEntries) and the position of its name; anything that asks for a node
// (Object.Root, Lookup of a label the object has, Pos or KeyPos of any other field) parses
// the object's file again, once for the whole file, and gets nodes equal to the ones the load
// had (new ones: a node kept from before is not one of them).

// mapPaths are the maps of strings a released object keeps without its tree, and that
// MapEntries answers for it: the labels and annotations of the object, of a workload's pod
// template, and of a CronJob's.
var mapPaths = [...][]string{
	{"metadata", "labels"},
	{"metadata", "annotations"},
	{"spec", "template", "metadata", "labels"},
	{"spec", "template", "metadata", "annotations"},
	{"spec", "jobTemplate", "spec", "template", "metadata", "labels"},
	{"spec", "jobTemplate", "spec", "template", "metadata", "annotations"},
}

// MapEntry is one entry of a map as written: its key, and its value's kind, tag and text.
// An alias is followed to the node it names (Alias tells that it was one).
type MapEntry struct {
	Key   string
	Kind  yaml.Kind // ScalarNode, MappingNode, SequenceNode
	Tag   string    // the short tag of a scalar: !!str, !!null, !!int, …
	Value string    // the text of a scalar; "" for a map or list
	Alias bool      // the value was written as an alias
}

// keptMap is one kept map of mapPaths (path is its index there): a map and its entries, or
// a value that is not a map (other: a path below it needs the tree). A path the object does
// not have is kept as nothing.
type keptMap struct {
	path    uint8
	other   bool
	entries []MapEntry
}

// released is what a released object keeps in place of its tree.
type released struct {
	trees *fileTrees
	index int       // the object's place among the trees its file's parse returns
	maps  []keptMap // by path, for the mapPaths the object has
	// name is the position of metadata.name (line, column, end line, end column), where
	// most findings point (see Object.Pos); hasName is false when it is not a scalar.
	name    [4]int32
	hasName bool
}

// namePos returns the kept position of the object's name.
func (r *released) namePos(o *Object) Position {
	return Position{File: o.File.Path, Line: int(r.name[0]), Column: int(r.name[1]), EndLine: int(r.name[2]), EndColumn: int(r.name[3])}
}

// kept returns the kept map of mapPaths[j], and whether the object has that path.
func (r *released) kept(j int) (keptMap, bool) {
	for _, m := range r.maps {
		if int(m.path) == j {
			return m, true
		}
	}
	return keptMap{}, false
}

// fileTrees parses a file again, once, for the objects whose trees were released.
type fileTrees struct {
	once  sync.Once
	parse func() []*yaml.RNode
	roots []*yaml.RNode
	done  atomic.Bool
}

func (t *fileTrees) root(i int) *yaml.RNode {
	t.once.Do(func() {
		t.roots, t.parse = t.parse(), nil
		t.done.Store(true)
	})
	if i < 0 || i >= len(t.roots) {
		return nil
	}
	return t.roots[i]
}

// ReleaseTrees drops the node trees of those of objects (the file's objects, in the order
// parse returns their trees) for which release returns true, keeping their labels and
// annotations (see MapEntries). parse must return, every time it is called, the same trees
// the objects had; it is called at most once, the first time a released object's tree is
// asked for.
func (f *File) ReleaseTrees(objects []*Object, release func(*Object) bool, parse func() []*yaml.RNode) {
	var t *fileTrees
	for i, o := range objects {
		if o.node == nil || !release(o) {
			continue
		}
		if t == nil {
			t = &fileTrees{parse: parse}
			f.trees = t
		}
		r := &released{trees: t, index: i}
		root := o.node.YNode()
		for j, p := range mapPaths {
			n, _, _ := walkKey(root, p)
			switch {
			case n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null":
				// Nothing lies below it: kept as nothing.
			case n.Kind == yaml.MappingNode:
				r.maps = append(r.maps, keptMap{path: uint8(j), entries: mapEntries(n)})
			default:
				r.maps = append(r.maps, keptMap{path: uint8(j), other: true})
			}
		}
		if n, _, _ := walkKey(root, namePath); n != nil && n.Kind == yaml.ScalarNode {
			p := o.posOf(n)
			r.name, r.hasName = [4]int32{int32(p.Line), int32(p.Column), int32(p.EndLine), int32(p.EndColumn)}, true
		}
		o.node, o.released = nil, r
	}
}

// namePath is the path of an object's name, whose position a released object keeps.
var namePath = []string{"metadata", "name"}

// mapEntries returns the entries of the mapping node m.
func mapEntries(m *yaml.Node) []MapEntry {
	if len(m.Content) < 2 {
		return nil
	}
	out := make([]MapEntry, 0, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		e := MapEntry{Key: k.Value}
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			e.Alias, v = true, v.Alias
		}
		e.Kind = v.Kind
		if v.Kind == yaml.ScalarNode {
			e.Tag, e.Value = v.ShortTag(), v.Value
		}
		out = append(out, e)
	}
	return out
}

// MapEntries returns the entries of the map at path, in document order; ok is false when
// path holds no map. For the labels and annotations of an object, of its pod template, and
// of a CronJob's, it answers without the object's tree, so reading them never parses a file
// again. The entries are shared: they must not be modified.
func (o *Object) MapEntries(path ...string) (entries []MapEntry, ok bool) {
	if o == nil {
		return nil, false
	}
	if o.Released() {
		for j, p := range mapPaths {
			if slices.Equal(path, p) {
				m, ok := o.released.kept(j)
				return m.entries, ok && !m.other
			}
		}
	}
	n := o.Lookup(path...)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, false
	}
	return mapEntries(n), true
}

// EntryAt returns the entry of the map at path[:len(path)-1] whose key is the last element
// of path (the first such entry, as Lookup finds it); ok is false when there is none. Like
// MapEntries it answers for a released object's labels and annotations without its tree.
func (o *Object) EntryAt(path ...string) (e MapEntry, ok bool) {
	if len(path) == 0 {
		return MapEntry{}, false
	}
	entries, _ := o.MapEntries(path[:len(path)-1]...)
	i := slices.IndexFunc(entries, func(e MapEntry) bool { return e.Key == path[len(path)-1] })
	if i < 0 {
		return MapEntry{}, false
	}
	return entries[i], true
}

// Reparsed reports whether the file was parsed again because something asked for the tree
// of an object whose tree the load released.
func (f *File) Reparsed() bool { return f != nil && f.trees != nil && f.trees.done.Load() }

// Root returns the object's mapping node (parsing its file again if the load released it),
// or nil for an object without one.
func (o *Object) Root() *yaml.RNode {
	if o == nil {
		return nil
	}
	if o.node != nil || o.released == nil {
		return o.node
	}
	return o.released.trees.root(o.released.index)
}

// SetRoot makes n the object's mapping node.
func (o *Object) SetRoot(n *yaml.RNode) { o.node, o.released = n, nil }

// HasRoot reports whether the object has a mapping node, without parsing its file again.
func (o *Object) HasRoot() bool { return o != nil && (o.node != nil || o.released != nil) }

// Released reports whether the load released the object's tree and its file has not been
// parsed again since (for it or for another object of the file), so that a caller can first
// ask the file's text (File.Data) whether the tree can hold what it looks for.
func (o *Object) Released() bool {
	return o != nil && o.node == nil && o.released != nil && !o.released.trees.done.Load()
}

// walkPath walks path from the object's root, as walkKey does. exact says that only a node
// at path itself is wanted (Lookup): a released object then answers nil, without parsing its
// file again, for a path below a kept map that lacks the path's key.
func (o *Object) walkPath(path []string, exact bool) (found, deepest, key *yaml.Node) {
	if exact && o.Released() {
		for j, p := range mapPaths {
			if len(path) <= len(p) || !slices.Equal(path[:len(p)], p) {
				continue
			}
			m, ok := o.released.kept(j)
			if !ok || !m.other && !slices.ContainsFunc(m.entries, func(e MapEntry) bool { return e.Key == path[len(p)] }) {
				return nil, nil, nil
			}
			break
		}
	}
	root := o.Root()
	if root == nil {
		return nil, nil, nil
	}
	return walkKey(root.YNode(), path)
}
