package lint

import "sync"

// Inventory is every file and object of one run, indexed once and shared by all rules. Rules
// must not modify it.
type Inventory struct {
	// Root is the repository root: paths in the GitOps model resolve from it.
	Root    string
	Files   []*File
	Objects []*Object // in file order, then document order

	byGK   map[string][]*Object
	byName map[objKey]*Object
	byNS   map[string][]*Object

	loadFindings []Finding
	directives   []Directive

	mu   sync.Mutex
	memo map[any]*memoEntry
}

type objKey struct{ gk, ns, name string }

type memoEntry struct {
	once sync.Once
	v    any
}

// NewInventory indexes objects (which must be in file, then document order).
func NewInventory(root string, files []*File, objects []*Object) *Inventory {
	inv := &Inventory{Root: root, Files: files, Objects: objects,
		byGK: map[string][]*Object{}, byName: map[objKey]*Object{}, byNS: map[string][]*Object{},
		memo: map[any]*memoEntry{}}
	for _, o := range objects {
		gk := o.GK()
		inv.byGK[gk] = append(inv.byGK[gk], o)
		k := objKey{gk, o.Namespace, o.Ref.Name}
		if _, dup := inv.byName[k]; !dup {
			inv.byName[k] = o
		}
		if o.Namespace != "" {
			inv.byNS[o.Namespace] = append(inv.byNS[o.Namespace], o)
		}
	}
	return inv
}

// Kind returns the objects of a "group/Kind" ("/Namespace" for the core group), in input order.
func (inv *Inventory) Kind(gk string) []*Object { return inv.byGK[gk] }

// Get returns the first object of gk with that effective namespace and name, or nil. A
// Namespace object's name is the one the GitOps model resolves (see Namespace).
func (inv *Inventory) Get(gk, namespace, name string) *Object {
	return inv.byName[objKey{gk, namespace, name}]
}

// Namespace returns the Namespace object called name in the cluster, or nil when the tree
// does not define it. The name is the one the GitOps model resolves (Model.Name): a
// Namespace that a kustomize namespace renames is found by its new name, not as written.
func (inv *Inventory) Namespace(name string) *Object { return inv.Get("/Namespace", "", name) }

// reindexNames indexes the objects of gk under names(o) instead of their written names,
// keeping the first object in input order for each name, as NewInventory does.
func (inv *Inventory) reindexNames(gk string, names func(*Object) []string) {
	objs := inv.byGK[gk]
	for _, o := range objs {
		delete(inv.byName, objKey{gk, o.Namespace, o.Ref.Name})
	}
	for _, o := range objs {
		for _, n := range names(o) {
			if k := (objKey{gk, o.Namespace, n}); inv.byName[k] == nil {
				inv.byName[k] = o
			}
		}
	}
}

// InNamespace returns the objects whose effective namespace is ns, in input order.
func (inv *Inventory) InNamespace(ns string) []*Object { return inv.byNS[ns] }

// LoadFindings returns the problems the loader found: files and objects that could not be
// read, parsed or decoded. They are AMB001 (invalid-yaml) findings; the AMB001 rule reports
// them.
func (inv *Inventory) LoadFindings() []Finding { return inv.loadFindings }

// Directives returns the suppression directives of the input, in file and line order.
func (inv *Inventory) Directives() []Directive { return inv.directives }

// Memo computes f once per key for the whole run and returns its result: shared derived
// facts (the GitOps model, waypoint tables) are built once, whichever rule asks first.
func (inv *Inventory) Memo(key any, f func() any) any {
	inv.mu.Lock()
	e := inv.memo[key]
	if e == nil {
		e = &memoEntry{}
		inv.memo[key] = e
	}
	inv.mu.Unlock()
	e.once.Do(func() { e.v = f() })
	return e.v
}
