package gitops

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// treeFS is kustomize's view of the model's file system: read-only, absolute paths below
// the root, with the build's top kustomization (top) read from topData. It hands kustomize
// every other kustomization file with what the model does not build left out (see
// sanitize), and records the directories whose kustomization file it read.
type treeFS struct {
	b       *builder
	top     string
	topData []byte
	read    []string // absolute directories whose kustomization file was read
	files   []string // absolute files read
	patches []string // absolute files the kustomizations read name as patches
	left    []string // entries left out, as "dir: entry"
	openapi bool     // a kustomization set its own OpenAPI schema
	// noRemotePatches leaves out the patches and replacements of every kustomization whose
	// remote bases are left out.
	noRemotePatches bool
}

var errReadOnly = errors.New("the model's file system is read-only")

func (t *treeFS) Create(string) (filesys.File, error) { return nil, errReadOnly }
func (t *treeFS) Mkdir(string) error                  { return errReadOnly }
func (t *treeFS) MkdirAll(string) error               { return errReadOnly }
func (t *treeFS) RemoveAll(string) error              { return errReadOnly }
func (t *treeFS) WriteFile(string, []byte) error      { return errReadOnly }
func (t *treeFS) Open(p string) (filesys.File, error) {
	return nil, &fs.PathError{Op: "open", Path: p, Err: errors.ErrUnsupported}
}
func (t *treeFS) IsDir(p string) bool { return t.b.stat(filepath.Clean(p)).dir }
func (t *treeFS) Exists(p string) bool {
	p = filepath.Clean(p)
	return p == t.top || t.b.stat(p).exists
}

func (t *treeFS) ReadDir(p string) ([]string, error) {
	rel, ok := t.b.fsPath(filepath.Clean(p))
	if !ok {
		return nil, fs.ErrNotExist
	}
	ents, err := fs.ReadDir(t.b.fsys, rel)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ents))
	for i, e := range ents {
		out[i] = e.Name()
	}
	if filepath.Dir(t.top) == filepath.Clean(p) && !slices.Contains(out, filepath.Base(t.top)) {
		out = append(out, filepath.Base(t.top))
	}
	return out, nil
}

func (t *treeFS) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	p = filepath.Clean(p)
	if !filepath.IsAbs(p) {
		p = filepath.Join(t.b.root, p)
	}
	switch st := t.b.stat(p); {
	case p == t.top:
		return filesys.ConfirmedDir(filepath.Dir(p)), filepath.Base(p), nil
	case st.dir:
		return filesys.ConfirmedDir(p), "", nil
	case st.exists:
		return filesys.ConfirmedDir(filepath.Dir(p)), filepath.Base(p), nil
	}
	return "", "", fmt.Errorf("%s: %w", p, fs.ErrNotExist)
}

func (t *treeFS) Glob(pattern string) ([]string, error) {
	rel, ok := t.b.fsPath(filepath.Clean(pattern))
	if !ok {
		return nil, nil
	}
	return t.b.glob(rel), nil
}

func (t *treeFS) ReadFile(p string) ([]byte, error) {
	p = filepath.Clean(p)
	if p == t.top {
		return t.topData, nil
	}
	data, err := t.b.readFile(p)
	if err == nil {
		t.files = append(t.files, p)
	}
	if err != nil || !slices.Contains(kustomizationFiles, filepath.Base(p)) {
		return data, err
	}
	dir := filepath.Dir(p)
	t.read = append(t.read, dir)
	data, left := t.sanitize(dir, data)
	t.left = append(t.left, left...)
	return data, nil
}

func (t *treeFS) Walk(p string, walkFn filepath.WalkFunc) error {
	rel, ok := t.b.fsPath(filepath.Clean(p))
	if !ok {
		return walkFn(p, nil, fs.ErrNotExist)
	}
	return fs.WalkDir(t.b.fsys, rel, func(name string, d fs.DirEntry, err error) error {
		abs := filepath.Join(t.b.root, filepath.FromSlash(name))
		if err != nil {
			return walkFn(abs, nil, err)
		}
		info, err := d.Info()
		return walkFn(abs, info, err)
	})
}

// patchFilesOf returns the files the kustomization n of dir names as patches
// (patches[].path, patchesStrategicMerge, patchesJson6902[].path), absolute.
func patchFilesOf(dir string, n *yaml.Node) []string {
	var out []string
	add := func(p string) {
		if p != "" && !strings.ContainsAny(p, "\n:") {
			out = append(out, filepath.Join(dir, filepath.FromSlash(p)))
		}
	}
	for _, f := range []string{"patches", "patchesJson6902"} {
		for _, e := range seqAt(n, f) {
			add(scalarAt(e, "path"))
		}
	}
	for _, e := range seqAt(n, "patchesStrategicMerge") {
		if e.Kind == yaml.ScalarNode {
			add(e.Value)
		}
	}
	return out
}

// sanitize returns a kustomization of dir with what the model does not build left out:
// resources and components that are URLs or paths the tree does not have (kustomize would
// fetch the former), every other URL kustomize would fetch (generator file sources, patch
// paths, configurations, the OpenAPI schema), and helmCharts (never inflated here). It
// returns data itself when nothing is left out, and the entries left out. It records in
// t.patches the patch files the kustomization names, those it leaves out included.
func (t *treeFS) sanitize(dir string, data []byte) ([]byte, []string) {
	rn, err := yaml.Parse(string(data))
	if err != nil || rn.YNode().Kind != yaml.MappingNode {
		return data, nil
	}
	t.patches = append(t.patches, patchFilesOf(dir, rn.YNode())...)
	var left []string
	changed := false
	if rn.Field("openapi") != nil {
		t.openapi = true
	}
	for _, f := range []string{"resources", "bases", "components"} {
		seq := rn.Field(f)
		if seq == nil || seq.Value.YNode().Kind != yaml.SequenceNode {
			continue
		}
		n := seq.Value.YNode()
		kept := n.Content[:0:0]
		for _, e := range n.Content {
			if e.Kind == yaml.ScalarNode && (isRemoteResource(e.Value) || !t.b.stat(filepath.Join(dir, filepath.FromSlash(e.Value))).exists) {
				left = append(left, t.b.relSlash(dir)+": "+e.Value)
				changed = true
				continue
			}
			kept = append(kept, e)
		}
		n.Content = kept
	}
	// Every other place kustomize would fetch from: URLs in file lists, generator sources,
	// patch and replacement paths, and the OpenAPI schema path.
	drop := func(where, v string) bool {
		if !strings.Contains(v, "://") {
			return false
		}
		left = append(left, t.b.relSlash(dir)+": "+where+" "+v)
		changed = true
		return true
	}
	filterSeq := func(n *yaml.Node, where string, remote func(*yaml.Node) bool) {
		if n == nil || n.Kind != yaml.SequenceNode {
			return
		}
		kept := n.Content[:0:0]
		for _, e := range n.Content {
			if !remote(e) {
				kept = append(kept, e)
			}
		}
		n.Content = kept
	}
	top := rn.YNode()
	for _, f := range []string{"crds", "configurations", "generators", "transformers", "validators", "patchesStrategicMerge"} {
		filterSeq(nodeAt(top, f), f, func(e *yaml.Node) bool { return e.Kind == yaml.ScalarNode && drop(f, e.Value) })
	}
	for _, f := range []string{"patches", "patchesJson6902", "replacements"} {
		filterSeq(nodeAt(top, f), f, func(e *yaml.Node) bool { return drop(f, scalarAt(e, "path")) })
	}
	for _, f := range []string{"configMapGenerator", "secretGenerator"} {
		for _, g := range seqAt(top, f) {
			for _, k := range []string{"files", "envs"} {
				filterSeq(nodeAt(g, k), f, func(e *yaml.Node) bool {
					if e.Kind != yaml.ScalarNode {
						return false
					}
					_, src, _ := strings.Cut(e.Value, "=")
					if src == "" {
						src = e.Value
					}
					return drop(f, src)
				})
			}
			if env := nodeAt(g, "env"); env != nil && env.Kind == yaml.ScalarNode && drop(f, env.Value) {
				env.Value = ""
			}
		}
	}
	if drop("openapi", scalarAt(top, "openapi", "path")) {
		_, _ = rn.Pipe(yaml.Clear("openapi"))
	}
	if t.noRemotePatches && len(left) > 0 {
		for _, f := range []string{"patches", "patchesStrategicMerge", "patchesJson6902", "replacements"} {
			if rn.Field(f) != nil {
				if _, err := rn.Pipe(yaml.Clear(f)); err == nil {
					left = append(left, t.b.relSlash(dir)+": "+f+" (they may patch the remote bases)")
				}
			}
		}
	}
	for _, f := range []string{"helmCharts", "helmGlobals", "helmChartInflationGenerator"} {
		if rn.Field(f) != nil {
			if _, err := rn.Pipe(yaml.Clear(f)); err == nil {
				changed = true
			}
		}
	}
	if !changed {
		return data, nil
	}
	s, err := rn.String()
	if err != nil {
		return data, left
	}
	return []byte(s), left
}
