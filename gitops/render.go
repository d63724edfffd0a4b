package gitops

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/ambientkit/ambientkit/manifest"
	fluxkustomize "github.com/fluxcd/pkg/kustomize"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	kustypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/resid"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Rendering: every kustomize root a unit applies is built by kustomize itself, as the
// controllers build it. A Flux Kustomization's directory goes through Flux's own generator
// first (github.com/fluxcd/pkg/kustomize: the kustomization.yaml it generates where the
// directory has none, targetNamespace, namePrefix and nameSuffix, patches, components,
// images), then Flux's build (kustomize's krusty with plugins off and no load restrictions);
// an Argo CD kustomize source gets the source's kustomize overrides written into its
// kustomization, as Argo CD's `kustomize edit` does, then the same build.
//
// Kustomize reads the tree through the model's fs.FS, never the network: resources and
// components that are URLs, or paths the tree does not have, are left out of the build (and
// listed in Rendering.LeftOut), and helmCharts are not inflated (the model reads their
// values from the kustomization instead). Origin annotations map every object kustomize emits
// back to the file it came from, and so to the loaded object, whose positions findings keep.

// originAnnotations is kustomize's build option that records each resource's origin.
const originAnnotations = "originAnnotations"

// Annotations a build adds for its own bookkeeping, never applied by the controllers that
// render with origin tracking off.
var buildAnnotations = []string{"config.kubernetes.io/origin", "alpha.config.kubernetes.io/transformations"}

// Rendering is one kustomize build of a directory that a unit applies.
type Rendering struct {
	// Unit is the first unit the build was made for; Dir its root directory, relative to
	// the repository root (slash-separated).
	Unit *Unit
	Dir  string
	// Err is why kustomize could not build the directory; the model then falls back to
	// reading the kustomization files itself (resources, namespace, labels).
	Err error
	// LeftOut lists the resources and components the build did not read: remote bases (the
	// model never fetches) and paths the tree does not have.
	LeftOut []string
	// Warnings are what kustomize printed while building, e.g. "# Warning: 'commonLabels'
	// is deprecated. Please use 'labels' instead. ...".
	Warnings []string

	objects []renderedObject
	dirs    []string // absolute directories whose kustomization file the build read
	patches []string // absolute patch files the build read
	read    []string // absolute files the build read
	flux    bool     // a Flux directory without a kustomization file: Flux generated one
	plain   bool     // built by plainBuild
}

// Emitted returns how many objects the build emits: from files of the tree, and made by
// its generators.
func (r *Rendering) Emitted() (files, generated int) {
	for _, ro := range r.objects {
		if ro.gen != nil {
			generated++
		} else {
			files++
		}
	}
	return files, generated
}

// renderedObject is one object a build emits.
type renderedObject struct {
	src *manifest.Object // the object as the model holds it (a copy of the loaded one); nil when generated
	gen *manifest.Object // for a generated object (configMapGenerator, secretGenerator): the object itself
	// What the build gives src: its namespace, name, labels and annotations (without the
	// build's bookkeeping annotations), and for the kinds the model reads as units, the
	// whole object.
	ns, name            string
	labels, annotations map[string]string
	node                *yaml.RNode
}

// renderedSpec is a unit's object as a build emits it, with the variables of the Flux
// Kustomization that applies it (nil for none).
type renderedSpec struct {
	node  *yaml.RNode
	subst *substVars
	by    *manifest.Object // the object of the unit whose build emits it
}

// render builds dir for unit u: through Flux's generator for a Flux Kustomization, with an
// Argo CD source's kustomize overrides for source (nil otherwise). Builds are cached by
// directory and the kustomization kustomize reads at the top.
func (b *builder) render(u *Unit, dir string, source *yaml.Node) *Rendering {
	top, topFile, generated, err := b.topKustomization(u, dir, source)
	key := dir + "\x00" + string(top)
	if r, ok := b.renders[key]; ok {
		if !slices.Contains(b.m.Renderings, r) {
			r.Unit = u // the first of this pass's units: each pass makes its units anew
			b.m.Renderings = append(b.m.Renderings, r)
		}
		return r
	}
	r := &Rendering{Unit: u, Dir: b.relSlash(dir), flux: generated}
	b.renders[key] = r
	b.m.Renderings = append(b.m.Renderings, r)
	if err != nil {
		r.Err = err
		return r
	}
	tree := &treeFS{b: b}
	sanitized, leftOut := tree.sanitize(dir, top)
	if b.plainBuild(r, dir, topFile, sanitized) {
		r.LeftOut = leftOut
		return r
	}
	res, err := b.buildThrough(r, tree, dir, topFile, top)
	if err != nil && len(r.LeftOut) > 0 {
		// Patches of a kustomization that had remote bases left out may target what those
		// bases hold, and kustomize rejects a patch without a target: build again without
		// those kustomizations' patches, rather than not at all.
		first := err
		r.Warnings, r.LeftOut = nil, nil
		if res, err = b.buildThrough(r, &treeFS{b: b, noRemotePatches: true}, dir, topFile, top); err != nil {
			err = first
		}
	}
	if err != nil {
		r.Err = err
		return r
	}
	used := map[*manifest.Object]bool{}
	for _, res := range res.Resources() {
		origin, _ := res.GetOrigin()
		node := &res.RNode
		ann := node.GetAnnotations()
		for _, k := range buildAnnotations {
			delete(ann, k)
		}
		ro := renderedObject{ns: node.GetNamespace(), name: node.GetName(), labels: node.GetLabels(), annotations: ann}
		switch {
		case origin == nil || origin.Repo != "":
			continue
		case origin.Path != "":
			ro.src = b.matchRendered(filepath.Join(dir, filepath.FromSlash(origin.Path)), node, used)
			if ro.src == nil {
				continue
			}
			switch ro.src.GK() {
			case gkApplication, gkKustomization, gkHelmRelease:
				if err := node.SetAnnotations(ann); err == nil {
					ro.node = node
				}
			}
		case origin.ConfiguredIn != "":
			if err := node.SetAnnotations(ann); err != nil {
				continue
			}
			ro.gen = b.generatedObject(filepath.Join(dir, filepath.FromSlash(origin.ConfiguredIn)), node)
		default:
			continue
		}
		r.objects = append(r.objects, ro)
	}
	return r
}

// plainBuild is the one build the model makes without kustomize: a kustomization that only
// lists files of the tree under resources, with at most a namespace (the most common kind,
// with a Flux targetNamespace, and a tenth of the cost of kustomize's build). Kustomize
// emits the objects of such files as written, in the namespace when one is set, so r gets
// the loaded objects with that namespace. It reports false, and leaves r alone, for
// anything else: any other field (patches, labels, generators, components…), a directory
// or a file the loader did not read whole, two objects of one kind and name (which
// kustomize rejects), or with a namespace, a kind whose other fields the namespace
// transformer changes. TestPlainBuildIsKustomizes compares it with kustomize's build of every such
// kustomization of the test trees.
func (b *builder) plainBuild(r *Rendering, dir, topFile string, top []byte) bool {
	if b.opts.noPlain {
		return false
	}
	rn, err := yaml.Parse(string(top))
	if err != nil || rn.YNode().Kind != yaml.MappingNode {
		return false
	}
	n := rn.YNode()
	namespace := ""
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch k, v := n.Content[i].Value, n.Content[i+1]; k {
		case "apiVersion":
		case "namespace":
			if v.Kind != yaml.ScalarNode || v.Value == "" {
				return false
			}
			namespace = v.Value
		case "kind":
			if v.Value != "Kustomization" {
				return false
			}
		case "resources":
			if v.Kind != yaml.SequenceNode {
				return false
			}
		default:
			return false
		}
	}
	var objects []renderedObject
	seen := map[string]bool{}
	var read []string
	for _, e := range seqAt(n, "resources") {
		if e.Kind != yaml.ScalarNode {
			return false
		}
		f := filepath.Join(dir, filepath.FromSlash(e.Value))
		st := b.stat(f)
		objs := b.byFile[f]
		// Only a file the loader read whole: a document it could not read would be missing.
		if st.dir || !st.exists || len(objs) == 0 || slices.Contains(read, f) || b.problemFiles[objs[0].Source.File.Path] {
			return false
		}
		read = append(read, f)
		for _, o := range objs {
			src := o.Source
			id := src.GK() + "/" + src.Ref.Namespace + "/" + src.Ref.Name
			if seen[id] || src.Ref.Name == "" || src.Encrypted {
				return false
			}
			seen[id] = true
			ro := renderedObject{src: o, ns: src.Ref.Namespace, name: src.Ref.Name, labels: src.Labels,
				annotations: src.Annotations}
			if namespace != "" {
				// Kustomize's namespace transformer sets metadata.namespace of every kind
				// it does not know to be cluster-scoped. The kinds it changes more of
				// (a Namespace's name, binding subjects, webhook services) go to kustomize.
				if namespaceFieldKinds[src.Ref.Kind] {
					return false
				}
				group, version := resid.ParseGroupVersion(src.Ref.APIVersion)
				if !resid.NewGvk(group, version, src.Ref.Kind).IsClusterScoped() {
					ro.ns = namespace
				}
			}
			switch src.GK() {
			case gkApplication, gkKustomization, gkHelmRelease:
				ro.node = src.Root()
				if ro.ns != src.Ref.Namespace {
					ro.node = src.Root().Copy()
					if err := ro.node.SetNamespace(ro.ns); err != nil {
						return false
					}
				}
			}
			objects = append(objects, ro)
		}
	}
	r.objects, r.dirs, r.plain = objects, []string{dir}, true
	r.read = append([]string{topFile}, read...)
	slices.Sort(r.read)
	return true
}

// namespaceFieldKinds are the kinds in which kustomize's namespace transformer sets more than
// metadata.namespace (its built-in field specs, and its RoleBinding subjects).
var namespaceFieldKinds = map[string]bool{
	"Namespace": true, "RoleBinding": true, "ClusterRoleBinding": true, "ServiceAccount": true,
	"ValidatingWebhookConfiguration": true, "MutatingWebhookConfiguration": true, "APIService": true,
	"CustomResourceDefinition": true,
}

// buildThrough builds dir through tree with top as its kustomization (topFile), and records
// on r what the build read, left out and printed.
func (b *builder) buildThrough(r *Rendering, tree *treeFS, dir, topFile string, top []byte) (resmap.ResMap, error) {
	top, left := tree.sanitize(dir, top)
	top, err := withBuildMetadata(top, originAnnotations)
	if err != nil {
		return nil, err
	}
	tree.top, tree.topData = topFile, top
	tree.read = []string{dir}
	var res resmap.ResMap
	r.Warnings, err = captureStderr(func() error {
		var err error
		res, err = kustomizeBuild(tree, dir)
		return err
	})
	if tree.openapi {
		openapi.ResetOpenAPI() // a custom schema must not outlive its build
	}
	r.LeftOut = append(left, tree.left...)
	r.dirs = slices.Compact(slices.Sorted(slices.Values(tree.read)))
	r.read = slices.Compact(slices.Sorted(slices.Values(tree.files)))
	// Every patch file a kustomization names, read or left out with a remote base it patches.
	r.patches = slices.Compact(slices.Sorted(slices.Values(tree.patches)))
	return res, err
}

// topKustomization returns the kustomization kustomize reads at the top of a build of dir,
// and the path it is read at: for a Flux Kustomization what Flux's generator makes of the
// directory (generated is true when the directory has no kustomization file); for an Argo
// CD source the directory's own with the source's kustomize overrides.
func (b *builder) topKustomization(u *Unit, dir string, source *yaml.Node) (data []byte, file string, generated bool, err error) {
	if u.Kind == KustomizationUnit {
		return b.fluxKustomization(u, dir)
	}
	file = b.kustomizationIn(dir)
	if data, err = b.readFile(file); err != nil {
		return nil, file, false, err
	}
	data, err = argoOverrides(data, source)
	return data, file, false, err
}

// fluxKustomization runs Flux's generator on dir for u. The generator reads the directory
// on disk: in place when the model's file system is the tree on disk (Options.OnDisk), else
// from a scratch directory that the part of the tree it reads (the kustomization file, or the
// manifests below a directory without one) is copied into.
func (b *builder) fluxKustomization(u *Unit, dir string) ([]byte, string, bool, error) {
	scratch, sdir := b.root, dir
	if !b.opts.OnDisk {
		var err error
		if scratch, err = b.scratchDir(); err != nil {
			return nil, "", false, err
		}
		rel := b.relSlash(dir)
		sdir = filepath.Join(scratch, filepath.FromSlash(rel))
		if err := b.materialize(rel, sdir); err != nil {
			return nil, "", false, err
		}
		for _, c := range stringsAt(u.spec, "spec", "components") {
			if p := path.Join(rel, c); fluxkustomize.IsLocalRelativePath(c) && b.stat(filepath.Join(b.root, filepath.FromSlash(p))).dir {
				if err := os.MkdirAll(filepath.Join(scratch, filepath.FromSlash(p)), 0o755); err != nil {
					return nil, "", false, err
				}
			}
		}
	}
	obj, err := jsonObject(u.spec)
	if err != nil {
		return nil, "", false, err
	}
	g := fluxkustomize.NewGenerator(scratch, unstructured.Unstructured{Object: obj})
	data, kfile, action, err := g.GenerateManifest(sdir)
	if err != nil {
		return nil, "", false, err
	}
	return data, filepath.Join(dir, filepath.Base(kfile)), action == fluxkustomize.CreatedAction, nil
}

// jsonObject converts an object's node into the JSON values unstructured.Unstructured holds.
func jsonObject(n *yaml.Node) (map[string]any, error) {
	m := decodeMap(n)
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = json.Unmarshal(data, &out)
	return out, err
}

// scratchDir returns the build's scratch directory, made on first use; Build removes it.
func (b *builder) scratchDir() (string, error) {
	if b.scratch == "" {
		d, err := os.MkdirTemp("", "ambientkit-render-")
		if err != nil {
			return "", err
		}
		b.scratch = d
	}
	return b.scratch, nil
}

// materialize copies what Flux's generator reads of the tree directory rel into sdir (once
// per directory): its kustomization file when it has one; else every YAML file below it,
// stopping at subdirectories with a kustomization file (of which it copies that file).
func (b *builder) materialize(rel, sdir string) error {
	if b.materialized[rel] {
		return nil
	}
	b.materialized[rel] = true
	copyFile := func(name string) error {
		data, err := fs.ReadFile(b.fsys, name)
		if err != nil {
			return err
		}
		dst := filepath.Join(b.scratch, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	}
	kustIn := func(d string) string { // the tree path of d's kustomization file, "" for none
		if k := b.kustomizationIn(filepath.Join(b.root, filepath.FromSlash(d))); k != "" {
			return b.relSlash(k)
		}
		return ""
	}
	if err := os.MkdirAll(sdir, 0o755); err != nil {
		return err
	}
	if k := kustIn(rel); k != "" {
		return copyFile(k)
	}
	return fs.WalkDir(b.fsys, rel, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable parts: the generator does not see them either
		}
		if d.IsDir() {
			if p == rel {
				return nil
			}
			if k := kustIn(p); k != "" {
				if err := copyFile(k); err != nil {
					return err
				}
				return fs.SkipDir
			}
			return nil
		}
		if ext := path.Ext(p); ext == ".yaml" || ext == ".yml" {
			return copyFile(p)
		}
		return nil
	})
}

// matchRendered returns the object of file that kustomize emitted as node: the one of the
// same kind whose name is the emitted name, or a part of it (a namePrefix or nameSuffix
// added), the longest such; else the only one of that kind. Each object matches once per
// build.
func (b *builder) matchRendered(file string, node *yaml.RNode, used map[*manifest.Object]bool) *manifest.Object {
	kind, name := node.GetKind(), node.GetName()
	var best *manifest.Object
	var only []*manifest.Object
	for _, o := range b.byFile[file] {
		if used[o] || o.Source.Ref.Kind != kind {
			continue
		}
		only = append(only, o)
		orig := o.Source.Ref.Name
		if orig == name {
			best = o
			break
		}
		if strings.Contains(name, orig) && (best == nil || len(orig) > len(best.Source.Ref.Name)) {
			best = o
		}
	}
	if best == nil && len(only) == 1 {
		best = only[0]
	}
	if best != nil {
		used[best] = true
	}
	return best
}

// generatedObject makes an object of what a generator in kustFile emits: its node is
// kustomize's, its position the kustomization file's.
func (b *builder) generatedObject(kustFile string, node *yaml.RNode) *manifest.Object {
	apiVersion := node.GetApiVersion()
	group, _ := resid.ParseGroupVersion(apiVersion)
	o := &manifest.Object{
		Ref: manifest.ObjectRef{APIVersion: apiVersion, Kind: node.GetKind(), Name: node.GetName(),
			Namespace: node.GetNamespace()},
		Group: group, Labels: node.GetLabels(), Annotations: node.GetAnnotations(),
		Namespace: node.GetNamespace(),
	}
	o.SetRoot(node)
	if k := b.buildFile(kustFile); k != nil {
		o.File = k.File
	}
	return o
}

// buildFile returns the loaded kustomization object of file, or nil.
func (b *builder) buildFile(file string) *manifest.Object {
	for _, o := range b.byFile[file] {
		if isBuildConfig(o) {
			return o
		}
	}
	return nil
}

// withBuildMetadata adds option to a kustomization's buildMetadata.
func withBuildMetadata(data []byte, option string) ([]byte, error) {
	rn, err := yaml.Parse(string(data))
	if err != nil {
		return nil, err
	}
	seq, err := rn.Pipe(yaml.LookupCreate(yaml.SequenceNode, "buildMetadata"))
	if err != nil {
		return nil, err
	}
	for _, e := range seq.Content() {
		if e.Value == option {
			return data, nil
		}
	}
	seq.YNode().Content = append(seq.YNode().Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: option})
	s, err := rn.String()
	return []byte(s), err
}

// argoOverrides writes an Argo CD source's kustomize options into the kustomization data,
// as Argo CD's `kustomize edit set`/`add` commands do before it builds: namespace,
// namePrefix, nameSuffix, commonLabels, commonAnnotations, patches and components.
func argoOverrides(data []byte, source *yaml.Node) ([]byte, error) {
	opts := nodeAt(source, "kustomize")
	if opts == nil || opts.Kind != yaml.MappingNode {
		return data, nil
	}
	rn, err := yaml.Parse(string(data))
	if err != nil {
		return nil, err
	}
	for _, f := range []string{"namespace", "namePrefix", "nameSuffix"} {
		if v := scalarAt(opts, f); v != "" {
			if err := rn.PipeE(yaml.SetField(f, yaml.NewStringRNode(v))); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range []string{"commonLabels", "commonAnnotations"} {
		for k, v := range mapAt(opts, f) {
			if err := rn.PipeE(yaml.LookupCreate(yaml.MappingNode, f), yaml.SetField(k, yaml.NewStringRNode(v))); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range []string{"patches", "components"} {
		items := seqAt(opts, f)
		if len(items) == 0 {
			continue
		}
		seq, err := rn.Pipe(yaml.LookupCreate(yaml.SequenceNode, f))
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			seq.YNode().Content = append(seq.YNode().Content, yaml.CopyYNode(it))
		}
	}
	s, err := rn.String()
	return []byte(s), err
}

// applyRendering records what a successful build of u applies: every object it emits (with
// the namespace, name, labels and annotations the build gives it), the generated ConfigMaps
// and Secrets (for valuesFrom and substituteFrom), the directories it reads (files there
// that it does not emit are not applied), and the chart installs and remote components of
// the kustomizations it reads. It reports false when the build failed.
//
// outer is what the unit adds to the metadata of what it applies after the build (Flux's
// commonMetadata), or, for an Argo CD source, where its kustomize options are written; ns
// is the namespace the build forces, for its charts.
func (b *builder) applyRendering(u *Unit, r *Rendering, outer *metaEdit, ns string) bool {
	u.Builds = append(u.Builds, r)
	if r.Err != nil {
		return false
	}
	for _, d := range r.dirs {
		b.addClaim(claim{dir: d})
	}
	for _, f := range r.patches {
		b.patches[f] = true
	}
	if r.flux {
		b.addClaim(claim{dir: filepath.Join(b.root, filepath.FromSlash(r.Dir)), recursive: true})
	}
	// Where the build's own label transformers are written, for findings about a label
	// the build sets (LabelSetAt).
	at := outer
	for _, d := range r.dirs {
		if kf := b.kustomizationIn(d); kf != "" {
			if k := b.readYAML(kf); k != nil {
				at = at.over(kustomizeEdit(b.displayPath(kf), k.YNode()))
			}
		}
	}
	for _, ro := range r.objects {
		if ro.gen != nil {
			k := ro.gen.GK() + "/" + ro.gen.Ref.Name
			b.lookup[k] = append(b.lookup[k], ro.gen)
			continue
		}
		o := ro.src
		ns := ro.ns
		if o.GK() == gkNamespace {
			ns = ro.name // the namespace transformer renames Namespace objects
		}
		if ns == o.Source.Ref.Namespace && o.GK() != gkNamespace {
			ns = "" // as written: resolveNamespaces defaults it as the unit does
		}
		edit := renderedEdit(o.Source, ro, at, b.patchLabelAt(r, o.Source))
		if u.Kind == KustomizationUnit {
			edit = outer.over(edit) // kustomize-controller sets commonMetadata after the build
		}
		mb := member{unit: u, ns: ns, edit: edit}
		if !slices.ContainsFunc(b.objMembers[o], func(m member) bool { return m.unit == u }) {
			b.objMembers[o] = append(b.objMembers[o], mb)
		}
		if ro.node != nil {
			if !slices.ContainsFunc(b.spec[o], func(r renderedSpec) bool { return r.by == u.Object }) {
				b.spec[o] = append(b.spec[o], renderedSpec{node: ro.node, subst: u.subst, by: u.Object})
			}
		}
	}
	for _, d := range r.dirs {
		if kf := b.kustomizationIn(d); kf != "" {
			b.kustomizeExtras(u, kf, ns)
		}
	}
	return true
}

// patchLabelAt returns where a patch file of r sets a label of o: in an object of o's kind
// and name (a strategic merge patch), or the only object of o's kind in its file (a patch
// with a target). Nil when r read no patch file.
func (b *builder) patchLabelAt(r *Rendering, o *manifest.Object) func(key, value string) (manifest.Position, bool) {
	if len(r.patches) == 0 {
		return nil
	}
	return func(key, value string) (manifest.Position, bool) {
		for _, f := range r.patches {
			var kind []*manifest.Object
			for _, p := range b.byFile[f] {
				if p.Source.Ref.Kind == o.Ref.Kind {
					kind = append(kind, p.Source)
				}
			}
			for _, p := range kind {
				if (p.Ref.Name == o.Ref.Name || len(kind) == 1) && p.Labels[key] == value {
					return p.Pos("metadata", "labels", key), true
				}
			}
		}
		return manifest.Position{}, false
	}
}

// renderedEdit returns the labels and annotations a build gives o beyond those written in
// it, with where each label is set when at, or else patchAt, knows it.
func renderedEdit(o *manifest.Object, ro renderedObject, at *metaEdit, patchAt func(key, value string) (manifest.Position, bool)) *metaEdit {
	e := &metaEdit{}
	for k, v := range ro.labels {
		if w, ok := o.Labels[k]; !ok || w != v {
			if e.labels == nil {
				e.labels = map[string]string{}
			}
			e.labels[k] = v
			p, ok := at.posOf(k)
			if !ok && patchAt != nil {
				p, ok = patchAt(k, v)
			}
			if ok {
				if e.at == nil {
					e.at = map[string]manifest.Position{}
				}
				e.at[k] = p
			}
		}
	}
	for k, v := range ro.annotations {
		if w, ok := o.Annotations[k]; !ok || w != v {
			if e.annotations == nil {
				e.annotations = map[string]string{}
			}
			e.annotations[k] = v
		}
	}
	if e.empty() {
		return nil
	}
	return e
}

// membersOf returns the units that apply o: those whose kustomize build emits it, then
// those that apply its whole file (directory sources, and builds the model read itself).
//
// An object that a bootstrap build applies by hand and a unit then manages (a root that
// manages itself, and what it applies) is placed where the unit applies it.
func (b *builder) membersOf(o *manifest.Object) []member {
	mem := slices.Clip(b.objMembers[o]) // appending must not write into the map's array
	for _, m := range b.members[b.abs[o.File]] {
		if !slices.ContainsFunc(mem, func(x member) bool { return x.unit == m.unit }) {
			mem = append(mem, m)
		}
	}
	if len(mem) > 1 && mem[0].unit.Kind == ImplicitUnit {
		mem = mem[1:]
	}
	return mem
}

// kustomizeBuild builds dir as kustomize-controller does (Flux's kustomize.Build): krusty
// with no load restrictions and plugins off, a panic of kustomize's an error. Unlike Flux's
// Build it does not parse kustomize's built-in OpenAPI schema again for every build (90% of
// the time of a build); render resets it after a kustomization that sets its own.
func kustomizeBuild(fsys filesys.FileSystem, dir string) (res resmap.ResMap, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("kustomize build panicked: %v", r)
		}
	}()
	k := krusty.MakeKustomizer(&krusty.Options{
		LoadRestrictions: kustypes.LoadRestrictionsNone,
		PluginConfig:     kustypes.DisabledPluginConfig(),
	})
	return k.Run(fsys, dir)
}

// stderrMu serializes kustomize builds: kustomize's global state (its OpenAPI schema) is not
// safe for concurrent builds (kubernetes-sigs/kustomize#3659), and captureStderr takes the
// process's standard error.
var stderrMu sync.Mutex

// captureStderr runs build with the process's standard error redirected to a pipe, and
// returns the lines written there. Kustomize writes its deprecation warnings straight to
// os.Stderr; a linter's output must not carry them, so the model keeps them as data
// (Rendering.Warnings). Nothing else writes while the model builds.
func captureStderr(build func() error) ([]string, error) {
	stderrMu.Lock()
	defer stderrMu.Unlock()
	rd, wr, err := os.Pipe()
	if err != nil {
		return nil, build()
	}
	saved := os.Stderr
	os.Stderr = wr
	done := make(chan []byte)
	go func() {
		data, _ := io.ReadAll(rd)
		rd.Close()
		done <- data
	}()
	err = build()
	os.Stderr = saved
	wr.Close()
	var lines []string
	for l := range strings.SplitSeq(strings.TrimSpace(string(<-done)), "\n") {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(lines, l) {
			lines = append(lines, l)
		}
	}
	return lines, err
}
