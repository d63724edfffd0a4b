package gitops

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/manifest"
)

// Group/kind keys of the kinds the model reads.
const (
	gkApplication    = "argoproj.io/Application"
	gkApplicationSet = "argoproj.io/ApplicationSet"
	gkKustomization  = "kustomize.toolkit.fluxcd.io/Kustomization"
	gkHelmRelease    = "helm.toolkit.fluxcd.io/HelmRelease"
	gkFluxInstance   = "fluxcd.controlplane.io/FluxInstance"
	gkConfigMap      = "/ConfigMap"
	gkSecret         = "/Secret"
	gkNamespace      = "/Namespace"
	gkCRD            = "apiextensions.k8s.io/CustomResourceDefinition"
)

// Options says what Build cannot tell from the tree.
type Options struct {
	// RepoURLs lists the Git repository addresses that mean "this repository" in an Argo CD
	// Application's source. When empty, they are those of the root Applications' sources
	// whose paths are directories of the tree (a root is applied from a checkout of its own
	// repository); in a tree without such roots, every address but a well-known upstream
	// one (Istio's, the Gateway API's) is local.
	RepoURLs []string
	// ProblemFiles are the paths (as loaded) of files the loader could not read whole: an
	// object of such a file is never taken as kustomize would read it.
	ProblemFiles []string
	// OnDisk says that the file system Build reads is the directory root on disk
	// (os.DirFS(root)), as it is for the working tree: Flux's generator, which reads the
	// disk, then reads the tree in place instead of a copy.
	OnDisk bool
	// Unreached keeps in Model.Objects the objects that no unit of a tree with GitOps
	// roots applies (Model.Unreached), placed on the implicit Application as if applied by
	// hand, so rules judge them too.
	Unreached bool
	// Listing, when set, answers what the load already read of the tree (*load.Loaded): its
	// directory listings and the files it read, so that the model does not ask the file
	// system again.
	Listing Listing

	noPlain bool // every build through kustomize, for tests of plainBuild
}

// Listing is what a load read of the tree, by slash-separated path from the root.
type Listing interface {
	// Listed reports whether rel exists and is a directory; known is false when the
	// listing cannot tell.
	Listed(rel string) (exists, dir, known bool)
	// Read returns the contents of the file at rel, if it was read (without a byte order
	// mark).
	Read(rel string) ([]byte, bool)
}

// Build builds the GitOps model of objects (in file, then document order), resolving
// source paths from root (the repository root). It sets each object's effective namespace
// (Object.Namespace) and applies Flux postBuild substitution: an object a Kustomization with
// postBuild variables applies gets a substituted copy of its node as its Object.Root (positions
// kept, since values are replaced in place), and its Ref, Labels, Annotations and Typed are
// derived again from it, so every rule sees what Flux applies. Variables the tree does not
// define stay as written (${VAR}: opaque). cfg may be nil for the defaults.
//
// It must run before the inventory is indexed, since it changes namespaces and names. The
// only errors are an unusable root; everything the tree gets wrong is left to the rules.
func Build(fsys fs.FS, root string, objects []*manifest.Object, opts Options) (*Model, error) {
	if root == "" {
		root = "."
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("repository root %s: %w", root, err)
	}
	// The model renders: every object it reads is a copy of one loaded (Object.Source), and
	// what it derives (namespaces, labels a build adds, substituted variables) is set on the
	// copies, never on the loaded objects.
	rendered := make([]*manifest.Object, len(objects))
	for i, o := range objects {
		c := *o
		c.Source = o
		rendered[i] = &c
	}
	objects = rendered
	b := &builder{
		opts: opts, root: absRoot, objects: objects, fsys: fsys,
		abs:     map[*manifest.File]string{},
		byFile:  map[string][]*manifest.Object{},
		orig:    map[*manifest.Object]bool{},
		dead:    map[*manifest.Object]bool{},
		written: map[*manifest.Object]*edited{},
		fsCache: map[string]fsEntry{}, kustCache: map[string]*yaml.RNode{},
		renders: map[string]*Rendering{}, materialized: map[string]bool{}, problemFiles: map[string]bool{},
		m: &Model{Root: absRoot, Objects: objects, display: map[string]string{}, crds: map[string][]*manifest.Object{}},
	}
	defer func() {
		if b.scratch != "" {
			os.RemoveAll(b.scratch)
		}
	}()
	for _, p := range opts.ProblemFiles {
		b.problemFiles[p] = true
	}
	b.index()
	// Each pass builds the units from the objects as the previous pass rendered them: a
	// Kustomization that a parent build patches (a targetNamespace, a path) or whose
	// variables a parent substitutes applies what it says after that.
	for pass := 0; pass < 6; pass++ {
		b.indexNames()
		b.reset()
		b.collectUnits()
		b.resolveUnits()
		b.placeObjects()
		substituted := b.substitute()
		dead := b.markDead()
		bootstrap := b.findBootstrapBuilds()
		repos := b.inferLocalRepos()
		if !substituted && !b.specsChanged() && !dead && !bootstrap && !repos {
			break
		}
	}
	b.filterUnreached()
	b.reapplyEdits()
	for o, w := range b.written {
		if len(w.at) > 0 {
			if b.m.setAt == nil {
				b.m.setAt = map[*manifest.Object]map[string]manifest.Position{}
			}
			b.m.setAt[o] = w.at
		}
	}
	b.resolveNamespaces()
	b.detectComponents()
	b.detectEnrollments()
	b.dependencyDepths()
	b.m.unseen = b.m.unseenNamespaces()
	return b.m, nil
}

// builder holds the state of one Build call.
type builder struct {
	opts    Options
	root    string
	fsys    fs.FS // the tree below root
	objects []*manifest.Object
	gks     []string // objects[i].GK(), computed once
	m       *Model

	abs    map[*manifest.File]string     // file → absolute path ("" for stdin)
	byFile map[string][]*manifest.Object // absolute path → its objects, in document order
	files  []string                      // sorted absolute paths of the loaded files
	lookup map[string][]*manifest.Object // "group/Kind/name" → objects, for references by name

	orig map[*manifest.Object]bool // objects whose node was substituted
	dead map[*manifest.Object]bool // Applications, Kustomizations, HelmReleases nothing applies

	bootstrapBuilds []string                     // kustomizations applied by hand that build roots (bootstrap.go)
	includedBy      map[string][]string          // file or directory → kustomization directories that list it
	localRepos      map[string]bool              // normalized addresses of this repository, inferred (inferLocalRepos)
	bootstrapped    map[*manifest.Object]bool    // objects they emit, this pass
	written         map[*manifest.Object]*edited // objects whose metadata a build edits (meta.go)

	fsCache   map[string]fsEntry
	kustCache map[string]*yaml.RNode

	renders      map[string]*Rendering // kustomize builds, by directory and top kustomization (render.go)
	problemFiles map[string]bool       // files the loader could not read whole (Options.ProblemFiles)

	scratch      string          // scratch directory for Flux's generator, "" until used
	materialized map[string]bool // tree directories copied into scratch
	prevSpec     map[*manifest.Object][]renderedSpec

	// Per pass.
	members    map[string][]member                 // absolute file → units that apply it
	objMembers map[*manifest.Object][]member       // object → units whose kustomize build emits it
	patches    map[string]bool                     // absolute files the builds read as patches
	sourceDirs map[string]bool                     // absolute directories of the units' Paths (inSource)
	spec       map[*manifest.Object][]renderedSpec // unit objects as builds emit them
	claimDirs  map[string]uint8                    // the directories units apply: claimDir | claimRecursive
	remotes    []*Component                        // components from remote sources, placed later
	unitsBy    map[string][]*Unit                  // "Kind/namespace/name" → Flux units, in input order
}

// member says that a unit applies a file, with the namespace kustomize (or a Flux
// targetNamespace) forces on its namespaced objects.
type member struct {
	unit *Unit
	ns   string
	edit *metaEdit // labels and annotations the build adds (meta.go)
}

// claim is a directory a unit renders: files in it that the unit does not select are not
// applied at all.
type claim struct {
	dir       string
	recursive bool
}

type fsEntry struct {
	exists, dir bool
}

// index computes what does not change between passes: kinds and file paths.
func (b *builder) index() {
	b.gks = make([]string, len(b.objects))
	for i, o := range b.objects {
		b.gks[i] = o.GK()
		if o.File == nil {
			continue
		}
		if a, ok := b.abs[o.File]; ok {
			if a != "" {
				b.byFile[a] = append(b.byFile[a], o)
			}
			continue
		}
		var a string
		switch {
		case o.File.Rel != "":
			a = filepath.Join(b.root, filepath.FromSlash(o.File.Rel))
		case o.File.Path != "-" && o.File.Path != "" && o.File.Revision == "":
			if p, err := filepath.Abs(o.File.Path); err == nil {
				a = p
			}
		}
		b.abs[o.File] = a
		if a != "" {
			b.byFile[a] = append(b.byFile[a], o)
			b.files = append(b.files, a)
			b.m.display[a] = o.File.Path
		}
	}
	// A file the loader could not read whole has no objects, but a directory source applies
	// it all the same: it is a file of the tree, so that its problem is reported where a
	// unit applies it.
	for p := range b.problemFiles {
		a, err := filepath.Abs(p)
		if p == "-" || err != nil {
			continue
		}
		if _, ok := b.m.display[a]; !ok {
			b.m.display[a] = p
		}
		b.files = append(b.files, a)
	}
	sort.Strings(b.files)
	b.files = slices.Compact(b.files)
}

// indexNames indexes objects by name, and CRDs by what they define; substitution can change
// both, so each pass does it again.
func (b *builder) indexNames() {
	b.lookup = map[string][]*manifest.Object{}
	b.m.crds = map[string][]*manifest.Object{}
	for i, o := range b.objects {
		k := b.gks[i] + "/" + o.Ref.Name
		b.lookup[k] = append(b.lookup[k], o)
		if b.gks[i] == gkCRD {
			if gk := definedGK(o); gk != "" {
				b.m.crds[gk] = append(b.m.crds[gk], o)
			}
		}
	}
}

func (b *builder) reset() {
	b.members = map[string][]member{}
	b.objMembers = map[*manifest.Object][]member{}
	b.bootstrapped = map[*manifest.Object]bool{}
	b.patches = map[string]bool{}
	b.sourceDirs = nil
	b.prevSpec, b.spec = b.spec, map[*manifest.Object][]renderedSpec{}
	b.m.Renderings = nil
	b.claimDirs = nil
	b.remotes = nil
	b.unitsBy = map[string][]*Unit{}
	b.m.Units = []*Unit{{Kind: ImplicitUnit, Name: ""}}
	b.m.Charts = nil
	b.m.Components = nil
	b.m.Enrollments = nil
	b.m.place = map[*manifest.Object][]Placement{}
}

// find returns the object of gk named name, preferring the one written in namespace ns,
// then one written without a namespace; among several, the one whose file shares the most
// directories with from (the referring object's file): a repository of several clusters
// defines a cluster-settings ConfigMap once per cluster.
func (b *builder) find(gk, ns, name, from string) *manifest.Object {
	cands := b.lookup[gk+"/"+name]
	nearest := func(match func(*manifest.Object) bool) *manifest.Object {
		var best *manifest.Object
		bestDirs := -1
		for _, o := range cands {
			if !match(o) {
				continue
			}
			if d := sharedDirs(from, b.abs[o.File]); d > bestDirs {
				best, bestDirs = o, d
			}
		}
		return best
	}
	if o := nearest(func(o *manifest.Object) bool { return o.Ref.Namespace == ns }); o != nil {
		return o
	}
	if o := nearest(func(o *manifest.Object) bool { return o.Ref.Namespace == "" }); o != nil {
		return o
	}
	if len(cands) == 1 {
		return cands[0]
	}
	return nil
}

// displayPath returns how findings name the file at absolute path p: as the loader reached
// it when it was loaded, else in the loader's style (absolute, or relative to the working
// directory, as the paths it was given).
func (b *builder) displayPath(p string) string {
	if d, ok := b.m.display[p]; ok {
		return d
	}
	if len(b.files) > 0 && filepath.IsAbs(b.m.display[b.files[0]]) {
		return p
	}
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, p); err == nil {
			return r
		}
	}
	return p
}

// stat caches whether a path exists and is a directory.
func (b *builder) stat(p string) fsEntry {
	if e, ok := b.fsCache[p]; ok {
		return e
	}
	var e fsEntry
	if rel, ok := b.fsPath(p); ok {
		if b.opts.Listing != nil {
			if exists, dir, known := b.opts.Listing.Listed(rel); known {
				e = fsEntry{exists: exists, dir: dir}
				b.fsCache[p] = e
				return e
			}
		}
		if fi, err := fs.Stat(b.fsys, rel); err == nil {
			e = fsEntry{exists: true, dir: fi.IsDir()}
		}
	}
	b.fsCache[p] = e
	return e
}

// fsPath returns the name of the absolute path p in the tree's file system; ok is false
// outside the root.
func (b *builder) fsPath(p string) (string, bool) {
	if p == b.root {
		return ".", true
	}
	rest, ok := strings.CutPrefix(p, b.root+string(filepath.Separator))
	if !ok {
		return "", false
	}
	return filepath.ToSlash(rest), true
}

// readFile reads the file at absolute path p from the tree's file system.
func (b *builder) readFile(p string) ([]byte, error) {
	rel, ok := b.fsPath(p)
	if !ok {
		return nil, fs.ErrNotExist
	}
	if b.opts.Listing != nil {
		if data, ok := b.opts.Listing.Read(rel); ok {
			return data, nil
		}
	}
	return fs.ReadFile(b.fsys, rel)
}

// glob returns the absolute paths of the tree's files that match pattern, a slash-separated
// path.Match pattern relative to the root.
func (b *builder) glob(pattern string) []string {
	matches, _ := fs.Glob(b.fsys, strings.TrimPrefix(path.Clean("/"+pattern), "/"))
	out := make([]string, len(matches))
	for i, m := range matches {
		out[i] = filepath.Join(b.root, filepath.FromSlash(m))
	}
	return out
}

// inRoot resolves a slash-separated path relative to the root; ok is false when it leaves
// the root.
func (b *builder) inRoot(rel string) (string, bool) {
	p := filepath.Join(b.root, filepath.FromSlash(strings.TrimPrefix(rel, "/")))
	if p != b.root && !strings.HasPrefix(p, b.root+string(filepath.Separator)) {
		return "", false
	}
	return p, true
}

// relSlash returns p relative to the root, slash-separated ("." for the root).
func (b *builder) relSlash(p string) string {
	r, err := filepath.Rel(b.root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}

func (b *builder) addUnit(u *Unit) { b.m.Units = append(b.m.Units, u) }

// collectUnits creates a unit for every Application (and every Application an
// ApplicationSet generates), Kustomization and HelmRelease, each read as the previous pass
// rendered it (unitsOf).
func (b *builder) collectUnits() {
	for i, o := range b.objects {
		if b.dead[o] {
			continue
		}
		switch b.gks[i] {
		case gkApplication:
			b.m.Units = append(b.m.Units, b.unitsOf(ApplicationUnit, o)...)
		case gkApplicationSet:
			for _, u := range b.expandApplicationSet(o) {
				b.addUnit(u)
			}
		case gkKustomization:
			if strings.HasPrefix(o.Ref.APIVersion, "kustomize.toolkit.fluxcd.io/") {
				b.m.Units = append(b.m.Units, b.unitsOf(KustomizationUnit, o)...)
			}
		case gkHelmRelease:
			b.m.Units = append(b.m.Units, b.unitsOf(HelmReleaseUnit, o)...)
		case gkFluxInstance:
			if u := fluxInstanceUnit(o); u != nil {
				b.addUnit(u)
			}
		}
	}
}

// unitsOf returns the units of kind k that o defines, read as the builds that apply it
// render it: the namespace and spec a parent kustomization gives it (a patch that sets
// targetNamespace or values, a namespace transformer), with the parent's Flux variables
// substituted. An object that several units' builds apply (a base that two clusters'
// overlays include) is a unit for each, as each cluster has its own (Unit.renderedBy says
// whose).
func (b *builder) unitsOf(k UnitKind, o *manifest.Object) []*Unit {
	plain := &Unit{Kind: k, Name: o.Ref.Name, Namespace: o.Ref.Namespace, Object: o, spec: o.Root().YNode()}
	var out []*Unit
	specs := b.prevSpec[o]
	if len(specs) > 1 {
		// A root that manages itself is the unit its bootstrap build makes, not a second one;
		// an object that a bootstrap build applies by hand and a unit then manages is that
		// unit's.
		specs = slices.DeleteFunc(slices.Clone(specs), func(r renderedSpec) bool { return r.by == o })
		if slices.ContainsFunc(specs, func(r renderedSpec) bool { return r.by != nil }) {
			specs = slices.DeleteFunc(specs, func(r renderedSpec) bool { return r.by == nil })
		}
	}
	for _, r := range specs {
		spec := r.node.YNode()
		if sv := r.subst; sv != nil && (len(sv.vars) > 0 || sv.always) && hasExpr(spec) {
			spec = yaml.CopyYNode(spec)
			substNode(spec, sv)
		}
		u := *plain
		u.spec, u.renderedBy = spec, r.by
		if ns := scalarAt(spec, "metadata", "namespace"); ns != "" && !strings.Contains(ns, "${") {
			u.Namespace = ns
		}
		out = append(out, &u)
	}
	if len(out) == 0 {
		return []*Unit{plain}
	}
	return out
}

// specsChanged reports whether a build of this pass renders a unit's object differently
// from the spec the pass read it with, which calls for another pass.
func (b *builder) specsChanged() bool {
	for o, rs := range b.spec {
		prev := b.prevSpec[o]
		if len(prev) != len(rs) {
			return true
		}
		for i := range rs {
			if prev[i].node != rs[i].node {
				return true
			}
		}
	}
	return false
}

// fluxInstanceUnit returns the Flux Kustomization that the Flux Operator generates for a
// FluxInstance's spec.sync: named spec.sync.name, else after the FluxInstance's namespace (as
// flux bootstrap names it), in that namespace, applying spec.sync.path from the synced
// source. Nil without a sync path.
func fluxInstanceUnit(o *manifest.Object) *Unit {
	sync := nodeAt(o.Root().YNode(), "spec", "sync")
	path := nodeAt(sync, "path")
	if path == nil || path.Kind != yaml.ScalarNode {
		return nil
	}
	ns := o.Ref.Namespace
	if ns == "" {
		ns = "flux-system"
	}
	name := scalarAt(sync, "name")
	if name == "" {
		name = ns
	}
	kind := scalarAt(sync, "kind")
	if kind == "" {
		kind = "GitRepository"
	}
	scalar := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	mapping := func(kv ...*yaml.Node) *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Content: kv} }
	spec := mapping(
		scalar("apiVersion"), scalar("kustomize.toolkit.fluxcd.io/v1"),
		scalar("kind"), scalar("Kustomization"),
		scalar("metadata"), mapping(scalar("name"), scalar(name), scalar("namespace"), scalar(ns)),
		scalar("spec"), mapping(
			scalar("path"), path, // the FluxInstance's own node, for positions
			scalar("prune"), scalar("true"),
			scalar("sourceRef"), mapping(scalar("kind"), scalar(kind), scalar("name"), scalar(name)),
		),
	)
	return &Unit{Kind: KustomizationUnit, Name: name, Namespace: ns, Object: o, spec: spec}
}

// linkDependencies reads every Flux unit's dependsOn and resolves it to units.
func (b *builder) linkDependencies() {
	b.unitsBy = map[string][]*Unit{}
	for _, u := range b.m.Units {
		if u.IsFlux() {
			k := u.Kind.String() + "/" + u.Namespace + "/" + u.Name
			b.unitsBy[k] = append(b.unitsBy[k], u)
		}
	}
	for _, u := range b.m.Units {
		if !u.IsFlux() {
			continue
		}
		u.DependsOn = nil
		for i, d := range seqAt(u.spec, "spec", "dependsOn") {
			name := scalarAt(d, "name")
			if name == "" {
				continue
			}
			ns := scalarAt(d, "namespace")
			if ns == "" {
				ns = u.Namespace
			}
			kind := u.Kind.String()
			if k := scalarAt(d, "kind"); k != "" {
				kind = k
			}
			path := []string{"spec", "dependsOn", fmt.Sprint(i)}
			dep := &Dependency{
				Ref:  manifest.ObjectRef{Kind: kind, Namespace: ns, Name: name},
				Path: path, Pos: u.Object.Pos(path...),
			}
			dep.Unit = b.nearestUnit(u, b.unitsBy[kind+"/"+ns+"/"+name])
			u.DependsOn = append(u.DependsOn, dep)
		}
	}
}

// nearestUnit picks, among the units of one name, the one u's dependsOn means. A
// repository of several clusters defines the same Kustomizations once per cluster, and Flux
// resolves dependsOn in the cluster the dependent lives in: prefer the candidate that shares
// the most appliers with u, then the one whose file shares the most directories with u's,
// then the first.
func (b *builder) nearestUnit(u *Unit, cands []*Unit) *Unit {
	if len(cands) <= 1 {
		if len(cands) == 0 {
			return nil
		}
		return cands[0]
	}
	var best *Unit
	bestShared, bestDirs := -1, -1
	for _, c := range cands {
		shared := sharedAppliers(u, c)
		dirs := sharedDirs(b.abs[u.Object.File], b.abs[c.Object.File])
		if shared > bestShared || (shared == bestShared && dirs > bestDirs) {
			best, bestShared, bestDirs = c, shared, dirs
		}
	}
	return best
}

// sharedAppliers counts the units that apply both u and v (directly or not).
func sharedAppliers(u, v *Unit) int {
	n := 0
	for x := u.Parent; x != nil; x = x.Parent {
		if v.Within(x) {
			n++
		}
	}
	return n
}

// sharedDirs counts the leading directories two absolute file paths share.
func sharedDirs(a, b string) int {
	da := strings.Split(filepath.Dir(a), string(filepath.Separator))
	db := strings.Split(filepath.Dir(b), string(filepath.Separator))
	n := 0
	for n < len(da) && n < len(db) && da[n] == db[n] {
		n++
	}
	return n
}

// addMember records that u applies file (absolute), forcing namespace ns ("" for none) and
// adding the metadata of edit.
func (b *builder) addMember(file string, u *Unit, ns string, edit *metaEdit) {
	for _, m := range b.members[file] {
		if m.unit == u {
			return
		}
	}
	b.members[file] = append(b.members[file], member{unit: u, ns: ns, edit: edit})
}

// claimed reports whether a unit applies file's directory, itself or as one below a
// directory it applies recursively.
func (b *builder) claimed(file string) bool {
	dir := filepath.Dir(file)
	if b.claimDirs[dir] != 0 {
		return true
	}
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		if b.claimDirs[d]&claimRecursive != 0 {
			return true
		}
		if d == filepath.Dir(d) {
			return false
		}
	}
}

// addClaim records that a unit applies the directory c.dir (and below it, if c.recursive).
func (b *builder) addClaim(c claim) {
	if b.claimDirs == nil {
		b.claimDirs = map[string]uint8{}
	}
	bits := claimDir
	if c.recursive {
		bits |= claimRecursive
	}
	b.claimDirs[c.dir] |= bits
}

// The bits of builder.claimDirs.
const (
	claimDir       uint8 = 1 << iota // a unit applies the directory
	claimRecursive                   // and the directories below it
)

// inSource reports whether file lies below a directory that a unit applies (Unit.Paths):
// a file there that the unit's build does not emit (left out of its kustomization, or of a
// nested one) is a file the tree means that unit to apply, not one applied by hand.
func (b *builder) inSource(file string) bool {
	if b.sourceDirs == nil {
		b.sourceDirs = map[string]bool{}
		for _, u := range b.m.Units[1:] {
			for _, p := range u.Paths {
				b.sourceDirs[filepath.Join(b.root, filepath.FromSlash(p))] = true
			}
		}
	}
	for d := filepath.Dir(file); ; {
		if b.sourceDirs[d] {
			return true
		}
		parent := filepath.Dir(d)
		if d == b.root || parent == d {
			return false
		}
		d = parent
	}
}

// filesUnder returns the loaded files in dir (and below it when recursive), sorted.
func (b *builder) filesUnder(dir string, recursive bool) []string {
	prefix := dir + string(filepath.Separator)
	i := sort.SearchStrings(b.files, prefix)
	var out []string
	for ; i < len(b.files) && strings.HasPrefix(b.files[i], prefix); i++ {
		if recursive || filepath.Dir(b.files[i]) == dir {
			out = append(out, b.files[i])
		}
	}
	return out
}

// isBuildConfig reports whether o configures a build instead of being applied: kustomize's
// Kustomization and Component files.
func isBuildConfig(o *manifest.Object) bool {
	return o.Group == "kustomize.config.k8s.io"
}

// inComponent reports whether file lies in the directory of a kustomize Component. A
// Component's resources are applied only through a kustomization that lists the Component
// under components (kustomize refuses one listed as a resource), so an object there that no
// unit reaches is not applied: typically a Component of an overlay whose Application or
// Flux Kustomization was removed.
func (b *builder) inComponent(file string) bool {
	k := b.kustomizationIn(filepath.Dir(file))
	if k == "" {
		return false
	}
	n := b.readYAML(k)
	return n != nil && n.GetKind() == "Component"
}

// placeObjects gives every object its placements, then links each unit to the unit that
// applies its object.
func (b *builder) placeObjects() {
	root := b.m.Units[0]
	for i, o := range b.objects {
		gk := b.gks[i]
		if isBuildConfig(o) {
			continue
		}
		file := b.abs[o.File]
		mem := b.membersOf(o)
		if len(mem) == 0 {
			if file != "" && (b.claimed(file) || b.inComponent(file) || b.inSource(file)) {
				continue
			}
			mem = []member{{unit: root}}
		}
		b.applyEdit(o, mem[0].edit)
		for k, mb := range mem {
			po := o // the object as this unit applies it, for its sync point
			var labels map[string]string
			if k > 0 && mb.edit != mem[0].edit {
				c := *o
				c.Annotations = mergeStrings(b.writtenAnnotations(o), mb.edit.annotationsOrNil())
				po = &c
				if labels = mergeStrings(b.writtenLabels(o), mb.edit.labelsOrNil()); labels == nil {
					labels = map[string]string{} // none, unlike the first unit's
				}
			}
			at, ok := b.point(po, mb.unit)
			if !ok {
				continue
			}
			p := Placement{Unit: mb.unit, At: at, obj: o, gk: gk, labels: labels}
			if mb.edit != nil {
				p.labelAt = mb.edit.at
			}
			p.ns = mb.ns // the forced namespace for now; resolveNamespaces completes it
			if gk == gkCRD {
				if defs := definedGK(o); defs != "" {
					p.defines = func(gk string) bool { return gk == defs }
				}
			}
			b.m.place[o] = append(b.m.place[o], p)
		}
	}
	for _, u := range b.m.Units[1:] {
		u.Parent, u.At = root, argoPoint(u.Object)
		for _, p := range b.m.place[u.Object] {
			if p.Unit == u || p.Unit.Within(u) {
				continue // a unit that applies itself (a self-managed root Application)
			}
			if u.renderedBy != nil && p.Unit.Object != u.renderedBy {
				continue // another unit's build of the object: another unit
			}
			u.Parent, u.At = p.Unit, p.At
			break
		}
	}
	for _, u := range b.m.Units {
		u.Children = nil
	}
	for _, u := range b.m.Units[1:] {
		u.Parent.Children = append(u.Parent.Children, u)
	}
}

// markDead records the objects defining units that no unit applies: left out of the
// kustomization or directory that holds them (a commented-out resource, a $patch: delete).
// Their units do not exist, and what only they applied is not applied either. It reports
// whether it found new ones, which calls for another pass.
func (b *builder) markDead() bool {
	found := false
	for i, o := range b.objects {
		switch b.gks[i] {
		case gkApplication, gkApplicationSet, gkKustomization, gkHelmRelease, gkFluxInstance:
		default:
			continue
		}
		if !b.dead[o] && len(b.m.place[o]) == 0 {
			b.dead[o] = true
			found = true
		}
	}
	return found
}

// filterUnreached sets Model.Unreached: in a tree with GitOps roots (a unit that applies a
// directory of the tree), the objects that no unit applies. The roots are applied by hand
// or by bootstrap (kubectl apply -f bootstrap/, flux bootstrap), and so is what sits in
// their directories beside them (argocd-cm next to the root Application, gotk-components
// next to gotk-sync); everything in a tree without roots is too. Unless
// Options.Unreached, unreached objects leave Model.Objects. The patches a build reads stay,
// without placements.
func (b *builder) filterUnreached() {
	if !slices.ContainsFunc(b.m.Units[1:], func(u *Unit) bool { return len(u.Paths) > 0 }) {
		return
	}
	root := b.m.Units[0]
	bootstrap := map[string]bool{} // directories of the roots' files
	for _, u := range root.Children {
		if u.Object != nil && u.Object.File != nil {
			bootstrap[filepath.Dir(b.abs[u.Object.File])] = true
		}
	}
	b.m.bootstrap = bootstrap
	b.m.applied = map[string]bool{}
	for f := range b.members {
		b.m.applied[f] = true
	}
	for _, r := range b.m.Renderings {
		for _, f := range r.read {
			b.m.applied[f] = true
		}
	}
	objects, gks := b.objects[:0:0], b.gks[:0:0]
	for i, o := range b.objects {
		f := b.abs[o.File]
		// A patch a build reads is part of that build: kept, not placed, so rules still read
		// what it writes.
		reached := f == "" || bootstrap[filepath.Dir(f)] || b.patches[f] || b.bootstrapped[o]
		switch {
		case reached:
		case isBuildConfig(o):
			reached = b.claimed(f)
		default:
			reached = slices.ContainsFunc(b.m.place[o], func(p Placement) bool { return p.Unit != root })
		}
		if reached {
			b.m.applied[f] = true
		} else {
			b.m.Unreached = append(b.m.Unreached, o)
			if !b.opts.Unreached {
				delete(b.m.place, o)
				continue
			}
		}
		objects, gks = append(objects, o), append(gks, b.gks[i])
	}
	b.objects, b.gks, b.m.Objects = objects, gks, objects
}

// crdNames returns the group and kind a CRD object defines: from its Go type, when it
// decoded (its tree may have been released), else from its nodes.
func crdNames(o *manifest.Object) (group, kind string) {
	if crd, ok := o.Typed.(*apiextensionsv1.CustomResourceDefinition); ok {
		return crd.Spec.Group, crd.Spec.Names.Kind
	}
	return objScalar(o, "spec", "group"), objScalar(o, "spec", "names", "kind")
}

// crdScope returns a CRD object's spec.scope, as crdNames reads its names.
func crdScope(o *manifest.Object) string {
	if crd, ok := o.Typed.(*apiextensionsv1.CustomResourceDefinition); ok {
		return string(crd.Spec.Scope)
	}
	return objScalar(o, "spec", "scope")
}

// definedGK returns the "group/Kind" a CRD object defines.
func definedGK(o *manifest.Object) string {
	group, kind := crdNames(o)
	if group == "" || kind == "" {
		return ""
	}
	return group + "/" + kind
}

// dependencyDepths computes each Flux unit's Depth: the longest dependsOn chain below it.
func (b *builder) dependencyDepths() {
	state := map[*Unit]int{} // 0 new, 1 visiting, 2 done
	var depth func(u *Unit) int
	depth = func(u *Unit) int {
		switch state[u] {
		case 1:
			return 0 // a cycle: AMB106 reports it
		case 2:
			return u.Depth
		}
		state[u] = 1
		d := 0
		for _, dep := range u.DependsOn {
			if dep.Unit != nil {
				d = max(d, depth(dep.Unit)+1)
			}
		}
		u.Depth = d
		state[u] = 2
		return d
	}
	for _, u := range b.m.Units {
		depth(u)
	}
}
