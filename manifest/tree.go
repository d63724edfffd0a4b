package manifest

import (
	"sync"
	"sync/atomic"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// An object's node tree is most of the memory a run keeps: some forty nodes an object, each
// several times the size of the text it stands for, and a heap that grows costs page faults
// and collections. The load therefore releases the tree of an object that decodes into its
// Go type (File.ReleaseTrees), since rules read those objects through Object.Typed and want
// the tree only to place a finding. A released object keeps the few subtrees every run reads
// for every object (its metadata and its pod template's metadata); anything else that asks
// for its tree (Object.Root, or a Lookup or Pos below another field) parses its file again,
// once, and gets the same nodes the load had.

// keptPaths are the subtrees a released object keeps: labels and annotations, which rules
// read on every object.
var keptPaths = [...][]string{
	{"metadata"},
	{"spec", "template", "metadata"},
	{"spec", "jobTemplate", "spec", "template", "metadata"},
}

// keptNode is one kept subtree: its node and its map key, or nil when the object has no such
// field.
type keptNode struct{ key, value *yaml.Node }

// released is what a released object keeps in place of its tree.
type released struct {
	trees *fileTrees
	index int // the object's place among the trees its file's parse returns
	kept  [len(keptPaths)]keptNode
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
// parse returns their trees) for which release returns true, keeping their metadata. parse
// must return, every time it is called, the same trees the objects had; it is called at
// most once, the first time a released object's tree is asked for.
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
		for j, p := range keptPaths {
			if n, _, key := walkKey(root, p); n != nil {
				r.kept[j] = keptNode{key: key, value: n}
			}
		}
		o.node, o.released = nil, r
	}
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

// Released reports whether the load released the object's tree and nothing has asked for
// it since, so that a caller can first ask the file's text (File.Data) whether the tree can
// hold what it looks for.
func (o *Object) Released() bool {
	return o != nil && o.node == nil && o.released != nil && !o.released.trees.done.Load()
}

// walkPath walks path from the object's root, as walkKey does, answering from a kept subtree
// when the object's tree was released and path lies below one. exact reports that an answer
// is needed only when the path exists: a released object whose kept subtree is missing then
// answers nil without parsing its file again.
func (o *Object) walkPath(path []string, exact bool) (found, deepest, key *yaml.Node) {
	if o.node == nil && o.released != nil && !o.released.trees.done.Load() {
		for j, p := range keptPaths {
			if !hasPrefix(path, p) {
				continue
			}
			k := o.released.kept[j]
			if k.value != nil {
				found, deepest, key = walkKey(k.value, path[len(p):])
				if deepest == k.value {
					key = k.key // walkKey from the root would have stepped through it
				}
				return found, deepest, key
			}
			if exact {
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

func hasPrefix(path, p []string) bool {
	if len(path) < len(p) {
		return false
	}
	for i := range p {
		if path[i] != p[i] {
			return false
		}
	}
	return true
}
