package manifest

// Inventory is every file and object of one run, indexed once and shared by all rules. Rules
// must not modify it.
type Inventory struct {
	Files   []*File
	Objects []*Object // in file order, then document order

	byGK   map[string][]*Object
	byName map[objKey]*Object
	byNS   map[string][]*Object
}

type objKey struct{ gk, ns, name string }

// NewInventory indexes objects (which must be in file, then document order). names gives the
// names an object is found by with Get (a Namespace that several builds apply under other
// names has several); nil means the name as written.
func NewInventory(files []*File, objects []*Object, names func(*Object) []string) *Inventory {
	inv := &Inventory{Files: files, Objects: objects,
		byGK: map[string][]*Object{}, byName: map[objKey]*Object{}, byNS: map[string][]*Object{}}
	for _, o := range objects {
		gk := o.GK()
		inv.byGK[gk] = append(inv.byGK[gk], o)
		ns := []string{o.Ref.Name}
		if names != nil {
			ns = names(o)
		}
		for _, n := range ns {
			if k := (objKey{gk, o.Namespace, n}); inv.byName[k] == nil {
				inv.byName[k] = o
			}
		}
		if o.Namespace != "" {
			inv.byNS[o.Namespace] = append(inv.byNS[o.Namespace], o)
		}
	}
	return inv
}

// Kind returns the objects of a "group/Kind" ("/Namespace" for the core group), in input order.
func (inv *Inventory) Kind(gk string) []*Object { return inv.byGK[gk] }

// Get returns the first object of gk with that effective namespace and name, or nil.
func (inv *Inventory) Get(gk, namespace, name string) *Object {
	return inv.byName[objKey{gk, namespace, name}]
}

// Namespace returns the Namespace object called name in the cluster, or nil when the
// inventory does not hold it.
func (inv *Inventory) Namespace(name string) *Object { return inv.Get("/Namespace", "", name) }

// InNamespace returns the objects whose effective namespace is ns, in input order.
func (inv *Inventory) InNamespace(ns string) []*Object { return inv.byNS[ns] }
