package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/manifest"
)

// job is one file to read, in the order the walk met it.
type job struct {
	path     string // as reached from the arguments; "-" for stdin
	lang     string // "YAML" or "JSON", for messages
	explicit bool   // named on the command line: a read error stops the run
	abs      string // absolute lexical path, "" for stdin
}

// walker finds the files a run reads, and hands each to emit as soon as it is found, so that
// reading and parsing overlap the walk.
type walker struct {
	exclude  func(rel string) bool // nil: nothing excluded
	root     string                // absolute repository root, for exclude globs
	realRoot string                // root with its symbolic links resolved
	top      string                // the resolved directory named on the command line being walked
	emit     func(job)
	seen     map[string]bool
	findings []Problem // walk problems: unreadable directories and entries
	// listings are the entries of the directories walked, by slash-separated path relative
	// to root, for those reached without a symbolic link (see Loaded.Listed).
	listings map[string][]fs.DirEntry
}

// collect expands the PATH arguments into jobs. A path that does not exist is an error.
func (w *walker) collect(paths []string) error {
	stdin := false
	for _, p := range paths {
		if p == "-" {
			if !stdin {
				w.emit(job{path: "-", lang: "YAML", explicit: true})
				stdin = true
			}
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", p, unwrapPath(err))
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", p, unwrapPath(err))
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", p, err)
		}
		if fi.IsDir() {
			w.top = real
			w.dir(p, abs, real, true)
			continue
		}
		if w.excluded(abs) || w.seen[real] {
			continue
		}
		w.seen[real] = true
		w.emit(job{path: p, lang: langOf(p), explicit: true, abs: abs})
	}
	return nil
}

// dir walks a directory: path as reached, abs its absolute lexical path (for exclude
// globs), real its resolved path (to read each directory once however it is reached).
func (w *walker) dir(path, abs, real string, top bool) {
	if w.seen[real] || (!top && w.excluded(abs)) {
		return
	}
	w.seen[real] = true
	entries, err := os.ReadDir(path)
	if err != nil {
		w.findings = append(w.findings, loadFinding(manifest.Position{File: path, Line: 1, Column: 1}, manifest.ObjectRef{},
			"cannot read directory %s: %v", path, unwrapPath(err)))
		return
	}
	w.list(abs, real, entries)
	if isChart(entries) && !top {
		return // a Helm chart: its templates are not YAML
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		p, a, r := filepath.Join(path, name), filepath.Join(abs, name), filepath.Join(real, name)
		typ := e.Type()
		if typ&fs.ModeSymlink != 0 {
			fi, err := os.Stat(p)
			if err != nil {
				if isManifestName(name) {
					w.findings = append(w.findings, loadFinding(manifest.Position{File: p, Line: 1, Column: 1}, manifest.ObjectRef{},
						"cannot read %s: %v", p, unwrapPath(err)))
				}
				continue
			}
			if r, err = filepath.EvalSymlinks(p); err != nil {
				continue
			}
			if !w.inTree(r) {
				// A link may point anywhere (ln -s / rootfs): the walk stays in the tree it
				// was asked to read. A path named on the command line is read wherever it is.
				w.findings = append(w.findings, Problem{Pos: manifest.Position{File: p}, Note: true,
					Message: fmt.Sprintf("%s is a symbolic link to %s, outside the tree: not followed (name it as a PATH to lint it)", p, r)})
				continue
			}
			typ = fi.Mode().Type()
		}
		switch {
		case typ.IsDir():
			if top && isChart(entries) && name == "templates" {
				continue
			}
			w.dir(p, a, r, false)
		case typ.IsRegular() && isManifestName(name):
			if w.seen[r] || w.excluded(a) {
				continue
			}
			w.seen[r] = true
			w.emit(job{path: p, lang: langOf(name), abs: a})
		}
	}
}

// list records the entries of the directory at abs (resolved: real) when it lies in the root
// and no symbolic link leads to it, so that its path in the root names it.
func (w *walker) list(abs, real string, entries []os.DirEntry) {
	rel, err := filepath.Rel(w.root, abs)
	if err != nil || !(rel == "." || filepath.IsLocal(rel)) {
		return
	}
	if realRel, err := filepath.Rel(w.realRoot, real); err != nil || realRel != rel {
		return
	}
	if w.listings == nil {
		w.listings = map[string][]fs.DirEntry{}
	}
	w.listings[filepath.ToSlash(rel)] = entries
}

// inTree reports whether the resolved path real is inside the repository root or the
// directory named on the command line that the walk is in.
func (w *walker) inTree(real string) bool {
	for _, t := range []string{w.realRoot, w.top} {
		if t == "" {
			continue
		}
		if rel, err := filepath.Rel(t, real); err == nil && (rel == "." || filepath.IsLocal(rel)) {
			return true
		}
	}
	return false
}

// excluded reports whether the file or directory at abs matches an exclude glob.
func (w *walker) excluded(abs string) bool {
	if w.exclude == nil {
		return false
	}
	rel, err := filepath.Rel(w.root, abs)
	if err != nil {
		return false
	}
	return w.exclude(filepath.ToSlash(rel))
}

// isChart reports whether a directory's entries make it a Helm chart: a Chart.yaml beside a
// templates directory.
func isChart(entries []os.DirEntry) bool {
	chart, templates := false, false
	for _, e := range entries {
		switch e.Name() {
		case "Chart.yaml":
			chart = true
		case "templates":
			templates = e.IsDir() || e.Type()&fs.ModeSymlink != 0
		}
	}
	return chart && templates
}

// isManifestName reports whether a file met while walking is read: .yaml, .yml or .json.
func isManifestName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

func langOf(name string) string {
	if strings.EqualFold(filepath.Ext(name), ".json") {
		return "JSON"
	}
	return "YAML"
}

// unwrapPath drops the operation and path that *fs.PathError repeats, since messages name
// the file themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// load walks paths and reads and parses the files found in parallel (at most GOMAXPROCS at
// a time, while the walk goes on), and returns the results in walk order, so the output does
// not depend on scheduling. It also returns the walk's own problems.
func load(ctx context.Context, exclude func(string) bool, want func(string) bool, keep bool, root string, paths []string, stdin io.Reader, maxSize int64) ([]fileResult, *walker, error) {
	type indexed struct {
		i int
		j job
		r fileResult
	}
	jobs := make(chan indexed, 256)
	w := &walker{exclude: exclude, root: root, realRoot: root, seen: map[string]bool{}}
	if r, err := filepath.EvalSymlinks(root); err == nil {
		w.realRoot = r
	}
	// A limit past what a slice can hold reads as no limit at all; keep it where the reader's
	// "one byte past the limit" cannot overflow.
	maxSize = min(maxSize, math.MaxInt64-1)
	n := 0
	w.emit = func(j job) {
		jobs <- indexed{i: n, j: j}
		n++
	}
	var walkErr error
	go func() {
		defer close(jobs)
		walkErr = w.collect(paths)
	}()
	var runAliases atomic.Int64
	workers := runtime.GOMAXPROCS(0)
	done := make([][]indexed, workers)
	var wg sync.WaitGroup
	for k := range workers {
		wg.Go(func() {
			d := decoder{want: want, runAliases: &runAliases, release: !keep}
			for x := range jobs {
				if ctx.Err() != nil {
					continue // drain, so the walk can finish
				}
				x.r = d.readAndParse(x.j, stdin, maxSize)
				if x.r.file != nil && x.j.abs != "" {
					if rel, err := filepath.Rel(root, x.j.abs); err == nil && filepath.IsLocal(rel) {
						x.r.file.Rel = filepath.ToSlash(rel)
					}
				}
				done[k] = append(done[k], x)
			}
		})
	}
	wg.Wait()
	if walkErr != nil {
		return nil, nil, walkErr
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	results := make([]fileResult, n)
	for _, xs := range done {
		for _, x := range xs {
			if x.r.err != nil {
				return nil, nil, x.r.err
			}
			results[x.i] = x.r
		}
	}
	return results, w, nil
}

// readAndParse reads one job's file and parses it.
func (d *decoder) readAndParse(j job, stdin io.Reader, maxSize int64) fileResult {
	data, tooBig, err := readFile(j.path, stdin, maxSize)
	at := manifest.Position{File: j.path, Line: 1, Column: 1}
	switch {
	case err != nil && j.explicit:
		return fileResult{err: fmt.Errorf("cannot read %s: %w", j.path, unwrapPath(err))}
	case err != nil:
		return fileResult{findings: []Problem{loadFinding(at, manifest.ObjectRef{}, "cannot read %s: %v", j.path, unwrapPath(err))}}
	case tooBig > maxSize:
		return fileResult{findings: []Problem{loadFinding(at, manifest.ObjectRef{},
			"%s is %s, over the %s limit (max-file-size): not read", j.path, sizeString(tooBig), sizeString(maxSize))}}
	case tooBig < 0:
		return fileResult{findings: []Problem{loadFinding(at, manifest.ObjectRef{},
			"%s is over the %s limit (max-file-size): not read", j.path, sizeString(maxSize))}}
	}
	data = TrimBOM(data)
	r := d.parseFile(&manifest.File{Path: j.path, Data: data}, j.lang)
	if d.release {
		release(r, j.lang)
	}
	return r
}

// release releases the trees of r's objects that decoded into their Go types (see
// manifest.File.ReleaseTrees), to be parsed again from the file's text, the same way, if
// something asks for one. A file whose parse met a problem (a syntax error, an alias bomb, a
// repeated key) keeps its trees: parsing it is not what most files cost.
func release(r fileResult, lang string) {
	if r.file == nil || len(r.findings) > 0 || r.stop || r.err != nil {
		return
	}
	f := r.file
	f.ReleaseTrees(r.objects, func(o *manifest.Object) bool { return o.Typed != nil }, func() []*yaml.RNode {
		// A decoder of its own: this runs later, on whichever goroutine asks. Nothing is
		// decoded into Go types again, and the aliases were counted the first time.
		d := decoder{want: func(string) bool { return false }}
		again := d.parseFile(&manifest.File{Path: f.Path, Data: f.Data}, lang)
		roots := make([]*yaml.RNode, len(again.objects))
		for i, o := range again.objects {
			roots[i] = o.Root()
		}
		return roots
	})
}

// readFile reads a file, or stdin for "-". A file larger than maxSize is not read: tooBig
// is then its size, or -1 for a stream (stdin, a pipe) whose size is not known.
func readFile(path string, stdin io.Reader, maxSize int64) (data []byte, tooBig int64, err error) {
	var r io.Reader
	size := int64(-1)
	if path == "-" {
		if stdin == nil {
			stdin = os.Stdin
		}
		r = stdin
	} else {
		data, tooBig, err := readRegular(path, maxSize)
		if !errors.Is(err, errNotRegular) {
			return data, tooBig, err
		}
		// Opening a named pipe blocks until a writer comes, maybe never, and a device reads
		// without end: only regular files are read by path; streams come in on stdin.
		if fi, err := os.Stat(path); err != nil {
			return nil, 0, err
		} else if t := fi.Mode().Type(); t&(fs.ModeNamedPipe|fs.ModeSocket|fs.ModeDevice|fs.ModeCharDevice|fs.ModeIrregular) != 0 {
			return nil, 0, fmt.Errorf("not a regular file (%v)", t)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, 0, err
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return nil, 0, err
		}
		if fi.IsDir() {
			return nil, 0, errors.New("is a directory")
		}
		if fi.Mode().IsRegular() {
			size = fi.Size()
			if size > maxSize {
				return nil, size, nil
			}
		}
		r = f
	}
	// Read one byte past the limit, so that a stream (stdin, a pipe, a file growing under
	// us) over it is caught without reading it all.
	buf := make([]byte, 0, max(size+1, 512))
	lr := io.LimitReader(r, maxSize+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, err
		}
	}
	if int64(len(buf)) > maxSize {
		if size <= maxSize {
			return nil, -1, nil
		}
		return nil, size, nil
	}
	return buf, 0, nil
}

// TrimBOM removes a leading UTF-8 byte order mark, as Load does before it counts positions.
func TrimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}

// sizeString formats a byte count for messages: "100 MiB", "512 KiB", "17 bytes".
func sizeString(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// Options says how Load reads files.
type Options struct {
	// Root is the absolute repository root: Exclude sees paths relative to it.
	Root string
	// Exclude reports whether a file or directory, as a slash-separated path relative to
	// Root, is left out; nil leaves nothing out.
	Exclude func(rel string) bool
	// MaxFileSize is the size in bytes above which a file is reported, not read.
	MaxFileSize int64
	// Decode reports whether objects of a "group/Kind" are decoded into their Go types
	// (Object.Typed); nil decodes every known kind. Objects of other kinds keep their nodes,
	// and a problem that only decoding would find is not looked for.
	Decode func(gk string) bool
	// Stdin is read for the path "-"; nil means os.Stdin.
	Stdin io.Reader
	// KeepTrees keeps the node tree of every object in memory. By default the trees of
	// objects decoded into Go types are released once decoded, and parsed again from the
	// file's text if something asks for one (manifest.File.ReleaseTrees): a reader of every
	// object's tree (the Rego engine) keeps them instead.
	KeepTrees bool
}

// Loaded is what a load read: its files and objects in walk order, then document order, and
// the problems met.
type Loaded struct {
	Files    []*manifest.File
	Objects  []*manifest.Object
	Problems []Problem

	listings map[string][]fs.DirEntry  // see walker.listings
	read     map[string]*manifest.File // Files by Rel
}

// Listed reports, from the directory listings the walk read, whether the slash-separated
// path rel (relative to Options.Root) exists and is a directory. known is false when the
// walk did not list its directory, or the entry is a symbolic link: ask the file system.
func (l *Loaded) Listed(rel string) (exists, dir, known bool) {
	if l == nil {
		return false, false, false
	}
	rel = path.Clean(rel)
	if rel == "." {
		_, ok := l.listings["."]
		return ok, ok, ok
	}
	entries, ok := l.listings[path.Dir(rel)]
	if !ok {
		return false, false, false
	}
	name := path.Base(rel)
	i, found := slices.BinarySearchFunc(entries, name, func(e fs.DirEntry, name string) int { return strings.Compare(e.Name(), name) })
	if !found {
		return false, false, true
	}
	t := entries[i].Type()
	if t&fs.ModeSymlink != 0 {
		return false, false, false
	}
	return true, t.IsDir(), true
}

// Read returns what the load read of the regular file at rel (relative to Options.Root, as
// File.Rel), without a byte order mark; ok is false for a file it did not read. The bytes are
// the File's Data, shared: they must not be modified.
func (l *Loaded) Read(rel string) (data []byte, ok bool) {
	if l == nil {
		return nil, false
	}
	f, ok := l.read[path.Clean(rel)]
	if !ok {
		return nil, false
	}
	if _, _, known := l.Listed(rel); !known {
		return nil, false // reached through a link, or from outside the walk
	}
	return f.Data, true
}

// Load walks paths (files, directories walked recursively, "-" for stdin) and reads and
// parses the files found, in parallel while the walk goes on. A path that cannot be read is
// an error; every other problem (a file that does not parse, an object that does not decode)
// is a Problem.
func Load(ctx context.Context, paths []string, opts Options) (*Loaded, error) {
	results, w, err := load(ctx, opts.Exclude, opts.Decode, opts.KeepTrees, opts.Root, paths, opts.Stdin, opts.MaxFileSize)
	if err != nil {
		return nil, err
	}
	l := &Loaded{Problems: w.findings, listings: w.listings, read: map[string]*manifest.File{}}
	for _, r := range results {
		if r.file != nil {
			l.Files = append(l.Files, r.file)
			if r.file.Rel != "" {
				l.read[r.file.Rel] = r.file
			}
		}
		l.Objects = append(l.Objects, r.objects...)
		l.Problems = append(l.Problems, r.findings...)
	}
	return l, nil
}

// WalkFS returns the files of fsys that Load would read when walking dirs (slash-separated
// directories of fsys; "." for all of it), in the same order: .yaml, .yml and .json regular
// files, leaving out hidden directories below the walked ones, Helm chart directories, and
// what exclude leaves out. A dir that does not exist is skipped.
func WalkFS(fsys fs.FS, dirs []string, exclude func(rel string) bool) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(dir string, top bool)
	walk = func(dir string, top bool) {
		if seen[dir] || (!top && exclude != nil && exclude(dir)) {
			return
		}
		seen[dir] = true
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return
		}
		chart := isChart(entries)
		if chart && !top {
			return // a Helm chart: its templates are not YAML
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			p := path.Join(dir, name)
			switch {
			case e.IsDir():
				if top && chart && name == "templates" {
					continue
				}
				walk(p, false)
			case e.Type().IsRegular() && isManifestName(name):
				if !seen[p] && (exclude == nil || !exclude(p)) {
					seen[p] = true
					out = append(out, p)
				}
			}
		}
	}
	for _, d := range dirs {
		if fi, err := fs.Stat(fsys, d); err == nil && !fi.IsDir() {
			if !seen[d] && isManifestName(d) && (exclude == nil || !exclude(d)) {
				seen[d] = true
				out = append(out, d)
			}
			continue
		}
		walk(d, true)
	}
	return out
}

// Parse parses the documents of f (named like a .json file or not: JSON has no comments,
// and its messages say JSON) into objects, and returns them with the problems met.
func Parse(f *manifest.File) ([]*manifest.Object, []Problem) {
	var d decoder
	r := d.parseFile(f, langOf(f.Path))
	return r.objects, r.findings
}
