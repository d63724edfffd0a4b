package lint

import (
	"context"
	"github.com/ambientkit/ambientkit/manifest"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// The base revision of a run usually differs from the working tree in a few manifests: a
// pre-commit run compares the staged change with HEAD. Then the base is the working tree with
// those files as they were, so instead of writing the whole revision out and parsing it
// again, overlay reuses the working tree's parse for every unchanged file and parses only the
// changed ones from git. It applies only when that is exact: the run has one path (the
// repository root or a directory below it), and every changed file the loader or the GitOps
// model reads is under it and held objects in both revisions (a kustomization, a Helm values
// file or a file the loader skips sends the run the long way, through LoadBase's copy of
// the revision).

// workingSnapshot is the working tree as loaded, before the GitOps model touched it.
type workingSnapshot struct {
	paths   []string     // the run's paths
	results []fileResult // in load order, with copies of the objects
}

// snapshot copies what overlay needs of a load's results: the model changes objects (their
// namespace, substituted variables), and the base must see them as written.
func snapshot(paths []string, results []fileResult) *workingSnapshot {
	ws := &workingSnapshot{paths: paths, results: make([]fileResult, len(results))}
	for i, r := range results {
		objs := make([]*manifest.Object, len(r.objects))
		for j, o := range r.objects {
			c := *o
			objs[j] = &c
		}
		ws.results[i] = fileResult{file: r.file, objects: objs}
	}
	return ws
}

// baseEntry is one file of the base revision, in the loader's order.
type baseEntry struct {
	rel     string
	file    *manifest.File
	objects []*manifest.Object
}

// overlay builds the base inventory from ws and the changes st (see changes), or reports
// false when it cannot do so exactly.
func (g *gitRepo) overlay(ctx context.Context, tree, absRoot string, cfg *Config, maxSize int64, ws *workingSnapshot, st map[string]byte) (*Base, bool) {
	if ws == nil || len(ws.paths) != 1 {
		return nil, false
	}
	// The run's one path: the root, or a directory below it ("" or "dir/").
	abs, err := filepath.Abs(ws.paths[0])
	if err != nil {
		return nil, false
	}
	sub, err := filepath.Rel(absRoot, abs)
	if err != nil || (sub != "." && !safeRel(filepath.ToSlash(sub))) {
		return nil, false
	}
	prefix := ""
	if sub != "." {
		prefix = filepath.ToSlash(sub) + "/"
	}
	byRel := map[string]int{}
	rels := make([]string, len(ws.results))
	for i, r := range ws.results {
		if r.file == nil {
			continue
		}
		abs, err := filepath.Abs(r.file.Path)
		if err != nil {
			return nil, false
		}
		rel, err := filepath.Rel(absRoot, abs)
		if err != nil || !safeRel(filepath.ToSlash(rel)) {
			return nil, false
		}
		rels[i] = filepath.ToSlash(rel)
		byRel[rels[i]] = i
	}

	var fetch []string // files to read as they were, sorted
	w := &walker{exclude: excludeFunc(cfg), root: absRoot}
	for rel, code := range st {
		name := path.Base(rel)
		if slices.Contains(kustomizationFiles, name) {
			return nil, false
		}
		if !isManifestName(name) {
			continue // neither the loader nor the model reads it
		}
		if !strings.HasPrefix(rel, prefix) {
			return nil, false // outside the run, but the model may read it
		}
		i, loaded := byRel[rel]
		switch code {
		case 'A': // new: not in the base
			if !loaded || len(ws.results[i].objects) == 0 {
				return nil, false
			}
		case 'M', 'T':
			if !loaded || len(ws.results[i].objects) == 0 {
				return nil, false
			}
			fetch = append(fetch, rel)
		case 'D': // deleted: the loader would have read it where it was
			if !g.walkable(absRoot, rel, w) {
				return nil, false
			}
			fetch = append(fetch, rel)
		default:
			return nil, false
		}
	}
	slices.Sort(fetch)

	specs := make([]string, len(fetch))
	for i, rel := range fetch {
		full := rel
		if g.rootRel != "" {
			full = g.rootRel + "/" + rel
		}
		specs[i] = tree + ":" + full
	}
	changed := map[string]baseEntry{}
	var d decoder
	fine := true
	err = g.catBatch(ctx, specs, func(i int, data []byte) error {
		if int64(len(data)) > maxSize {
			fine = false
			return nil
		}
		rel := fetch[i]
		f := &manifest.File{Path: filepath.Join(ws.paths[0], filepath.FromSlash(strings.TrimPrefix(rel, prefix))), Data: trimBOM(slices.Clone(data))}
		r := d.parseFile(f, langOf(rel))
		if len(r.objects) == 0 {
			fine = false // not a manifest at the base: the model may read it as something else
		}
		changed[rel] = baseEntry{rel: rel, file: f, objects: r.objects}
		return nil
	})
	if err != nil || !fine {
		return nil, false
	}

	var entries []baseEntry
	for i, r := range ws.results {
		if r.file == nil {
			continue
		}
		rel := rels[i]
		switch code, ok := st[rel]; {
		case !ok:
			entries = append(entries, baseEntry{rel: rel, file: r.file, objects: r.objects})
		case code == 'M' || code == 'T':
			entries = append(entries, changed[rel])
		}
	}
	for _, rel := range fetch {
		if st[rel] == 'D' {
			entries = append(entries, changed[rel])
		}
	}
	slices.SortStableFunc(entries, func(a, b baseEntry) int { return walkOrder(a.rel, b.rel) })

	var files []*manifest.File
	var objects []*manifest.Object
	for _, e := range entries {
		files = append(files, e.file)
		objects = append(objects, e.objects...)
	}
	// The model looks at the disk, which holds the working tree: there, the deleted files
	// exist and the new ones do not.
	files2 := map[string]bool{}
	for rel, code := range st {
		abs := filepath.Join(absRoot, filepath.FromSlash(rel))
		switch code {
		case 'D':
			files2[abs] = true
		case 'A':
			files2[abs] = false
		}
	}
	model, err := buildModel(absRoot, objects, cfg, files2)
	if err != nil {
		return nil, false
	}
	return &Base{Revision: g.rev, Inventory: manifest.NewInventory(files, objects, model.Names), Model: model}, true
}

// walkable reports whether the loader, walking the root of the working tree, would read a
// file at rel if it were there: its directory still exists, and neither a hidden directory,
// an excluded path nor a Helm chart holds it.
func (g *gitRepo) walkable(absRoot, rel string, w *walker) bool {
	abs := filepath.Join(absRoot, filepath.FromSlash(rel))
	if fi, err := os.Stat(filepath.Dir(abs)); err != nil || !fi.IsDir() {
		return false
	}
	if w.excluded(abs) {
		return false
	}
	parts := strings.Split(rel, "/")
	dir := absRoot
	for i, p := range parts {
		if strings.HasPrefix(p, ".") {
			return false
		}
		if i > 0 {
			if _, err := os.Stat(filepath.Join(dir, "Chart.yaml")); err == nil {
				return false
			}
		}
		dir = filepath.Join(dir, p)
		if i < len(parts)-1 && w.excluded(dir) {
			return false
		}
	}
	return true
}

// walkOrder orders slash-separated paths as the loader's walk reaches them: directory by
// directory, each directory's entries by name.
func walkOrder(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if c := strings.Compare(as[i], bs[i]); c != 0 {
			return c
		}
	}
	return len(as) - len(bs)
}
