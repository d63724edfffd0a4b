package lint

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/ambientkit/ambientkit/manifest"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// A run with Options.Base lints a change: it also loads the tree as it was at a git revision
// (LoadBase), which rules that compare two revisions read with Inventory.Base, and it reports
// only the findings whose file, or one of whose related locations, changed since that
// revision (ChangedFiles), unless Options.All is set.
//
// The revision is read through the git command, which must be on PATH: `git ls-tree` lists
// the revision's files below the repository root and `git cat-file --batch` streams their
// contents into a temporary directory, which the usual loader and model then read. Blobs are
// taken as stored (no smudge filters or end-of-line conversion), and only the files the
// loader and the GitOps model read are written: .yaml, .yml and .json files and
// kustomize's Kustomization, plus every directory, so that source paths resolve as they did.
// A run usually avoids that copy: when only manifests changed, its base is the working
// tree's load with the changed files read from git as they were (see overlay).

// gitRepo is a git working tree seen from a repository root inside it.
type gitRepo struct {
	top     string // the working tree's top level, as git reports it
	rootRel string // the repository root relative to top, slash-separated; "" at the top
	rev     string // as the user wrote it, for messages
	tree    string // the tree of rev when openGit resolved it, else ""
}

// openGit finds the git working tree holding root. It also resolves the tree of rev when
// one git command can do both (the common case), for resolve to return.
func openGit(ctx context.Context, root, rev string) (*gitRepo, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("base revision %s: repository root %s: %w", rev, root, err)
	}
	var top, tree string
	out, err := runGit(ctx, abs, nil, "rev-parse", "--show-toplevel", "--verify", "--quiet", "--end-of-options", rev+"^{tree}")
	if lines := strings.Split(strings.TrimRight(string(out), "\r\n"), "\n"); err == nil && len(lines) == 2 {
		top, tree = strings.TrimRight(lines[0], "\r"), strings.TrimSpace(lines[1])
	} else {
		// Not a repository, an unknown revision or a branch without commits: ask again
		// step by step, for the message or the empty tree.
		out, err := runGit(ctx, abs, nil, "rev-parse", "--show-toplevel")
		if err != nil {
			if isNotRepo(err) {
				return nil, fmt.Errorf("base revision %s: %s is not in a git repository", rev, abs)
			}
			return nil, fmt.Errorf("base revision %s: %w", rev, err)
		}
		top = strings.TrimRight(string(out), "\r\n")
	}
	resolved := abs
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		resolved = r
	}
	if t, err := filepath.EvalSymlinks(top); err == nil {
		top = t
	}
	rel, err := filepath.Rel(top, resolved)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("base revision %s: repository root %s is outside the git working tree %s", rev, abs, top)
	}
	g := &gitRepo{top: top, rev: rev, tree: tree}
	if rel != "." {
		g.rootRel = filepath.ToSlash(rel)
	}
	return g, nil
}

// resolve returns the object name of the tree at g.rev: the revision's commit tree, or the
// empty tree for HEAD on a branch that has no commit yet (the first commit of a repository,
// where everything is new).
func (g *gitRepo) resolve(ctx context.Context) (string, error) {
	if g.tree != "" {
		return g.tree, nil
	}
	out, err := runGit(ctx, g.top, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", g.rev+"^{tree}")
	if err == nil {
		return strings.TrimSpace(string(out)), nil
	}
	if g.rev == "HEAD" {
		if _, herr := runGit(ctx, g.top, nil, "rev-parse", "--verify", "--quiet", "HEAD"); herr != nil {
			if _, serr := runGit(ctx, g.top, nil, "symbolic-ref", "--quiet", "HEAD"); serr == nil {
				out, err := runGit(ctx, g.top, strings.NewReader(""), "hash-object", "-t", "tree", "--stdin")
				if err != nil {
					return "", fmt.Errorf("base revision %s: %w", g.rev, err)
				}
				return strings.TrimSpace(string(out)), nil
			}
		}
	}
	if errors.Is(err, errGitFailed) {
		return "", fmt.Errorf("base revision %s: unknown revision in the git repository at %s", g.rev, g.top)
	}
	return "", fmt.Errorf("base revision %s: %w", g.rev, err)
}

// rootPath maps a path relative to the git top level to one relative to the repository
// root; ok is false for paths outside the root.
func (g *gitRepo) rootPath(p string) (string, bool) {
	if g.rootRel == "" {
		return p, true
	}
	rest, ok := strings.CutPrefix(p, g.rootRel+"/")
	return rest, ok
}

// ChangedFiles returns the files that differ between rev and the working tree, as paths
// relative to root (the repository root, inside a git working tree), slash-separated:
// what `git diff --name-only rev` lists (staged or not, both names of a rename, deleted
// files included) and the untracked files that .gitignore does not ignore. Files outside
// root are left out. For HEAD on a branch without commits every file counts as changed.
func ChangedFiles(ctx context.Context, root, rev string) (map[string]bool, error) {
	g, err := openGit(ctx, root, rev)
	if err != nil {
		return nil, err
	}
	tree, err := g.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return g.changed(ctx, tree)
}

func (g *gitRepo) changed(ctx context.Context, tree string) (map[string]bool, error) {
	st, err := g.changes(ctx, tree)
	if err != nil {
		return nil, err
	}
	changed := make(map[string]bool, len(st))
	for p := range st {
		changed[p] = true
	}
	return changed, nil
}

// changes is changed with each path's status: git diff's letter (M modified, A added, D
// deleted, T type changed, ...) or 'A' for an untracked file.
func (g *gitRepo) changes(ctx context.Context, tree string) (map[string]byte, error) {
	st := map[string]byte{}
	var spec []string
	if g.rootRel != "" {
		spec = []string{"--", g.rootRel}
	}
	var untracked []byte
	var uerr error
	var wg sync.WaitGroup
	wg.Go(func() {
		untracked, uerr = runGit(ctx, g.top, nil, append([]string{"ls-files", "--others", "--exclude-standard", "-z"}, spec...)...)
	})
	diff, err := runGit(ctx, g.top, nil, append([]string{"diff", "--name-status", "--no-renames", "--no-ext-diff", "-z", tree}, spec...)...)
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("base revision %s: listing the changed files: %w", g.rev, err)
	}
	if uerr != nil {
		return nil, fmt.Errorf("base revision %s: listing the untracked files: %w", g.rev, uerr)
	}
	// --name-status -z writes "<status>\0<path>\0" per file.
	fields := bytes.Split(diff, []byte{0})
	for i := 0; i+1 < len(fields); i += 2 {
		if len(fields[i]) == 0 {
			continue
		}
		if rel, ok := g.rootPath(string(fields[i+1])); ok {
			st[rel] = fields[i][0]
		}
	}
	for _, p := range bytes.Split(untracked, []byte{0}) {
		if len(p) == 0 {
			continue
		}
		if rel, ok := g.rootPath(string(p)); ok {
			st[rel] = 'A'
		}
	}
	return st, nil
}

// LoadBase loads the tree as it was at the git revision rev (anything `git rev-parse`
// accepts, e.g. HEAD, HEAD~1, origin/main, a commit hash) and returns its inventory, with
// its GitOps model attached. root is the repository root, which must be inside a git working
// tree; opts.Paths (default ".") say what to load, as for Run: each is mapped to the same
// path at rev, paths that did not exist at rev are skipped, and stdin ("-") has no base.
// opts.Config applies as for Run (exclude globs, size limit, Argo CD repository addresses).
//
// Files are named "REV:path", path relative to root. It is an error when root is not in a
// git working tree, when git is not installed, or when rev names no commit; HEAD on a branch
// without commits is the empty tree.
func LoadBase(ctx context.Context, root, rev string, opts Options) (*Base, error) {
	g, err := openGit(ctx, root, rev)
	if err != nil {
		return nil, err
	}
	tree, err := g.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return g.load(ctx, tree, root, opts)
}

func (g *gitRepo) load(ctx context.Context, tree, root string, opts Options) (*Base, error) {
	cfg, maxSize := runConfig(opts.Config)
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("base revision %s: repository root %s: %w", g.rev, root, err)
	}
	var baseRoot string
	dirs := baseTempDirs()
	for i, d := range dirs {
		tmp, err := os.MkdirTemp(d, "ambientlint-base-")
		if err != nil {
			if i == len(dirs)-1 {
				return nil, fmt.Errorf("base revision %s: %w", g.rev, err)
			}
			continue
		}
		defer os.RemoveAll(tmp)
		baseRoot = filepath.Join(tmp, "tree")
		err = g.extract(ctx, tree, baseRoot, maxSize)
		if err == nil {
			break
		}
		os.RemoveAll(tmp)
		if i == len(dirs)-1 || ctx.Err() != nil {
			return nil, err
		}
		// Try the next directory: a memory-backed one may be too small.
	}

	paths := opts.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var basePaths []string
	for _, p := range paths {
		if p == "-" {
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		rel, err := filepath.Rel(absRoot, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue // outside the repository root: no base to compare with
		}
		bp := filepath.Join(baseRoot, rel)
		if _, err := os.Lstat(bp); err != nil {
			continue // new since rev
		}
		basePaths = append(basePaths, bp)
	}

	var results []fileResult
	if len(basePaths) > 0 {
		results, _, err = load(ctx, excludeFunc(cfg), baseRoot, basePaths, nil, maxSize)
		if err != nil {
			return nil, fmt.Errorf("base revision %s: %w", g.rev, err)
		}
	}
	var files []*manifest.File
	var objects []*manifest.Object
	for _, r := range results {
		if r.file != nil {
			files = append(files, r.file)
		}
		objects = append(objects, r.objects...)
	}
	model, err := BuildModel(baseRoot, objects, cfg)
	if err != nil {
		return nil, fmt.Errorf("base revision %s: %w", g.rev, err)
	}
	// Name the files as git does, now that the model no longer needs their location.
	for _, f := range files {
		if rel, err := filepath.Rel(baseRoot, f.Path); err == nil {
			f.Path = g.rev + ":" + filepath.ToSlash(rel)
		}
	}
	return &Base{Revision: g.rev, Inventory: manifest.NewInventory(files, objects, model.Names), Model: model}, nil
}

// baseTempDirs lists where the copy of the base revision may go, in order of preference:
// a memory-backed directory (/dev/shm, where there is one and TMPDIR does not say otherwise),
// since creating thousands of small files on a disk file system costs seconds of system
// time, then the system's temporary directory.
func baseTempDirs() []string {
	var dirs []string
	if os.Getenv("TMPDIR") == "" {
		if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
			dirs = append(dirs, "/dev/shm")
		}
	}
	return append(dirs, os.TempDir())
}

// gitEntry is one entry of `git ls-tree -r -t`.
type gitEntry struct {
	mode, typ, hash, path string
	size                  int64 // -1 when unknown (trees, submodules)
}

// extract writes the part of tree below the repository root into dir: every directory, and
// the files the loader and model read (see wanted).
func (g *gitRepo) extract(ctx context.Context, tree, dir string, maxSize int64) error {
	args := []string{"ls-tree", "-r", "-t", "-l", "-z", tree}
	if g.rootRel != "" {
		args = append(args, "--", g.rootRel)
	}
	out, err := runGit(ctx, g.top, nil, args...)
	if err != nil {
		return fmt.Errorf("base revision %s: listing its files: %w", g.rev, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("base revision %s: %w", g.rev, err)
	}
	var blobs []gitEntry // files to write, in listing order
	for _, rec := range bytes.Split(out, []byte{0}) {
		e, ok := parseLsTree(string(rec))
		if !ok {
			continue
		}
		rel, ok := g.rootPath(e.path)
		if !ok || !safeRel(rel) {
			continue
		}
		target := filepath.Join(dir, filepath.FromSlash(rel))
		switch {
		case e.typ == "tree", e.typ == "commit": // a directory, or a submodule's
			if err := os.MkdirAll(target, 0o755); err != nil {
				return fmt.Errorf("base revision %s: %w", g.rev, err)
			}
		case e.typ == "blob" && (e.mode == "120000" || wanted(rel)):
			e.path = rel
			blobs = append(blobs, e)
		}
	}
	return g.writeBlobs(ctx, dir, blobs, maxSize)
}

// wanted reports whether a file at rel is one the loader or the GitOps model reads.
func wanted(rel string) bool {
	name := path.Base(rel)
	return isManifestName(name) || name == "Kustomization"
}

// safeRel reports whether a slash-separated relative path stays below its root.
func safeRel(rel string) bool {
	if rel == "" || path.IsAbs(rel) {
		return false
	}
	for _, s := range strings.Split(rel, "/") {
		if s == ".." || s == "" || s == ".git" {
			return false
		}
	}
	return true
}

// parseLsTree parses "<mode> SP <type> SP <object> SP+ <size> TAB <path>".
func parseLsTree(rec string) (gitEntry, bool) {
	meta, p, ok := strings.Cut(rec, "\t")
	if !ok {
		return gitEntry{}, false
	}
	f := strings.Fields(meta)
	if len(f) != 4 {
		return gitEntry{}, false
	}
	e := gitEntry{mode: f[0], typ: f[1], hash: f[2], path: p, size: -1}
	if n, err := strconv.ParseInt(f[3], 10, 64); err == nil {
		e.size = n
	}
	return e, true
}

// writeBlobs streams the blobs through one `git cat-file --batch` and writes each to its
// path below dir. A blob over maxSize is written empty, so that the file exists without
// being read; a symbolic link is made only when it points inside dir.
func (g *gitRepo) writeBlobs(ctx context.Context, dir string, blobs []gitEntry, maxSize int64) error {
	if len(blobs) == 0 {
		return nil
	}
	var want []gitEntry // blobs whose content is needed
	for _, e := range blobs {
		if e.mode != "120000" && e.size > maxSize {
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(e.path)), nil, 0o644); err != nil {
				return fmt.Errorf("base revision %s: %w", g.rev, err)
			}
			continue
		}
		want = append(want, e)
	}
	if len(want) == 0 {
		return nil
	}
	specs := make([]string, len(want))
	for i, e := range want {
		specs[i] = e.hash
	}
	return g.catBatch(ctx, specs, func(i int, data []byte) error {
		e := want[i]
		target := filepath.Join(dir, filepath.FromSlash(e.path))
		if e.mode == "120000" {
			link := string(data)
			if !filepath.IsAbs(link) && strings.HasPrefix(filepath.Join(filepath.Dir(target), link), dir+string(filepath.Separator)) {
				_ = os.Symlink(link, target) // a link git could not have made is no reason to stop
			}
			return nil
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// catBatch streams object specs (hashes, or "tree:path") through one `git cat-file
// --batch` and hands each blob's content to fn, which must not keep it.
func (g *gitRepo) catBatch(ctx context.Context, specs []string, fn func(i int, data []byte) error) error {
	cmd := exec.CommandContext(ctx, "git", "-C", g.top, "cat-file", "--batch")
	cmd.Env = gitEnv()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("base revision %s: %w", g.rev, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("base revision %s: %w", g.rev, err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("base revision %s: running git: %w", g.rev, err)
	}
	var wg sync.WaitGroup
	var werr error
	wg.Go(func() {
		bw := bufio.NewWriter(stdin)
		for _, spec := range specs {
			if _, werr = io.WriteString(bw, spec+"\n"); werr != nil {
				break
			}
		}
		if werr == nil {
			werr = bw.Flush()
		}
		stdin.Close()
	})
	rerr := readBatch(bufio.NewReaderSize(stdout, 1<<16), specs, fn)
	if rerr != nil {
		io.Copy(io.Discard, stdout) // let git finish writing, so Wait returns
	}
	wg.Wait()
	err = cmd.Wait()
	switch {
	case rerr != nil:
		return fmt.Errorf("base revision %s: reading its files: %w", g.rev, rerr)
	case err != nil:
		return fmt.Errorf("base revision %s: git cat-file: %v: %s", g.rev, err, strings.TrimSpace(stderr.String()))
	case werr != nil:
		return fmt.Errorf("base revision %s: git cat-file: %w", g.rev, werr)
	}
	return nil
}

// readBatch reads `git cat-file --batch` output, one "<hash> <type> <size>\n<content>\n"
// per requested spec, and hands each content to fn.
func readBatch(r *bufio.Reader, specs []string, fn func(i int, data []byte) error) error {
	var buf []byte
	for i, spec := range specs {
		header, err := r.ReadString('\n')
		if err != nil {
			return fmt.Errorf("%s: %w", spec, err)
		}
		f := strings.Fields(header)
		if len(f) != 3 || f[1] != "blob" {
			return fmt.Errorf("%s: unexpected git cat-file output %q", spec, strings.TrimSpace(header))
		}
		n, err := strconv.Atoi(f[2])
		if err != nil || n < 0 {
			return fmt.Errorf("%s: unexpected git cat-file output %q", spec, strings.TrimSpace(header))
		}
		if cap(buf) < n+1 {
			buf = make([]byte, n+1)
		}
		buf = buf[:n+1] // the content and its trailing newline
		if _, err := io.ReadFull(r, buf); err != nil {
			return fmt.Errorf("%s: %w", spec, err)
		}
		if err := fn(i, buf[:n]); err != nil {
			return err
		}
	}
	return nil
}

// errGitFailed marks a git command that ran and failed.
var errGitFailed = errors.New("git failed")

// gitError is a failed git command with what it wrote to stderr.
type gitError struct {
	args   []string
	stderr string
	err    error
}

func (e *gitError) Error() string {
	msg := strings.TrimSpace(e.stderr)
	msg = strings.TrimPrefix(msg, "fatal: ")
	if msg == "" {
		msg = e.err.Error()
	}
	return "git " + e.args[0] + ": " + msg
}

func (e *gitError) Is(target error) bool { return target == errGitFailed }

func (e *gitError) Unwrap() error { return e.err }

// isNotRepo reports whether git failed because the directory is not in a repository.
func isNotRepo(err error) bool {
	var ge *gitError
	return errors.As(err, &ge) && strings.Contains(ge.stderr, "not a git repository")
}

// runGit runs git in dir and returns its stdout.
func runGit(ctx context.Context, dir string, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir, "--literal-pathspecs"}, args...)...)
	cmd.Env = gitEnv()
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, &gitError{args: args, stderr: stderr.String(), err: err}
		}
		return nil, fmt.Errorf("running git: %w", err)
	}
	return stdout.Bytes(), nil
}

// gitEnv is the environment of the git commands: the user's, with messages in English (they
// are matched) and no pager or prompt.
func gitEnv() []string {
	return append(os.Environ(), "LC_ALL=C", "GIT_PAGER=cat", "GIT_TERMINAL_PROMPT=0")
}

// baseRun is the base revision of a run, read in the background.
type baseRun struct {
	opened  chan struct{} // closed once openErr is known
	openErr error         // not a git repository, unknown revision
	working chan *workingSnapshot
	provide func(*workingSnapshot) // hands over the working tree's load (nil: the run failed)
	done    chan struct{}
	tree    *Base
	changed map[string]bool
	err     error
}

// startBase resolves the base revision of opts, then reads it and what changed since it,
// all in the background: the git commands run while the working tree loads. Once the run
// provides its load, the base is that load with the changed files as they were (overlay)
// when it can be, else the revision loaded whole (gitRepo.load).
func startBase(ctx context.Context, absRoot string, opts Options, cfg *Config) *baseRun {
	b := &baseRun{opened: make(chan struct{}), done: make(chan struct{}), working: make(chan *workingSnapshot, 1)}
	var once sync.Once
	b.provide = func(ws *workingSnapshot) { once.Do(func() { b.working <- ws }) }
	go func() {
		defer close(b.done)
		g, err := openGit(ctx, absRoot, opts.Base)
		var tree string
		if err == nil {
			tree, err = g.resolve(ctx)
		}
		b.openErr, b.err = err, err
		close(b.opened)
		if err != nil {
			return
		}
		st, cerr := g.changes(ctx, tree)
		if cerr == nil && !opts.All {
			b.changed = make(map[string]bool, len(st))
			for p := range st {
				b.changed[p] = true
			}
		}
		var ws *workingSnapshot
		select {
		case ws = <-b.working:
		case <-ctx.Done():
		}
		if ws == nil {
			return // the run failed or was cancelled: it reads nothing of the base
		}
		_, maxSize := runConfig(cfg)
		if cerr == nil {
			if inv, ok := g.overlay(ctx, tree, absRoot, cfg, maxSize, ws, st); ok {
				b.tree = inv
				return
			}
		}
		opts.Config = cfg
		b.tree, b.err = g.load(ctx, tree, absRoot, opts)
		if b.err == nil && !opts.All {
			b.err = cerr
		}
	}()
	return b
}

// open waits until the base revision is resolved and returns the error that prevented it:
// the root is not in a git working tree, or the revision names no commit.
func (b *baseRun) open() error {
	<-b.opened
	return b.openErr
}

// wait waits for the base revision and returns its error.
func (b *baseRun) wait() error {
	<-b.done
	return b.err
}

// changedOnly keeps the findings whose file or one of whose related locations is in
// changed (paths relative to absRoot), and counts the others. Findings about stdin or about
// no file are kept.
func changedOnly(findings []Finding, absRoot string, changed map[string]bool) ([]Finding, int) {
	realRoot := absRoot
	if r, err := filepath.EvalSymlinks(absRoot); err == nil {
		realRoot = r
	}
	memo := map[string]bool{}
	isChanged := func(file string) bool {
		if file == "" || file == "-" {
			return true
		}
		if c, ok := memo[file]; ok {
			return c
		}
		c := false
		if abs, err := filepath.Abs(file); err == nil {
			if rel, err := filepath.Rel(absRoot, abs); err == nil && changed[filepath.ToSlash(rel)] {
				c = true
			} else if target, err := filepath.EvalSymlinks(abs); err == nil {
				// A file reached through a symbolic link changes when its target does.
				if rel, err := filepath.Rel(realRoot, target); err == nil && changed[filepath.ToSlash(rel)] {
					c = true
				}
			}
		}
		memo[file] = c
		return c
	}
	kept := findings[:0:0]
	for _, f := range findings {
		keep := isChanged(f.Pos.File)
		for _, r := range f.Related {
			if keep {
				break
			}
			keep = r.File != "" && isChanged(r.File)
		}
		if keep {
			kept = append(kept, f)
		}
	}
	return kept, len(findings) - len(kept)
}
