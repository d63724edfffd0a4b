package gitrev

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Revision is a git revision of the tree below a repository root. It is an fs.FS of that
// tree (fs.ReadFileFS, fs.ReadDirFS, fs.StatFS): paths are slash-separated and relative to
// the root, as the working tree's would be. Blobs are read as stored (no smudge filters or
// end-of-line conversion) through one `git cat-file --batch` process, started at the first
// read; Close stops it. Symbolic links and submodules are entries of their own type, never
// followed. A Revision is safe for concurrent use.
type Revision struct {
	top     string // the working tree's top level, as git reports it
	rootRel string // the repository root relative to top, slash-separated; "" at the top
	name    string // as the user wrote it, for messages
	tree    string // the tree object of the revision

	entries map[string]*entry   // root-relative path → entry; "." is the root
	kids    map[string][]string // directory → names of its entries, sorted

	mu    sync.Mutex
	batch *catFile
}

// entry is one file or directory of the revision.
type entry struct {
	name string
	mode fs.FileMode
	hash string
	size int64 // -1 when unknown (trees, submodules)
}

// Open resolves rev (anything `git rev-parse` accepts: HEAD, HEAD~1, origin/main, a commit)
// in the git working tree that holds root, and lists its files below root. HEAD on a branch
// without commits is the empty tree. It is an error when root is not in a git working tree,
// when git is not installed, or when rev names no commit.
func Open(ctx context.Context, root, rev string) (*Revision, error) {
	g, err := openRepo(ctx, root, rev)
	if err != nil {
		return nil, err
	}
	if g.tree, err = g.resolve(ctx); err != nil {
		return nil, err
	}
	if err := g.list(ctx); err != nil {
		return nil, err
	}
	return g, nil
}

// Name returns the revision as the user wrote it.
func (g *Revision) Name() string { return g.name }

// Close stops the git process that reads blobs, if one was started.
func (g *Revision) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.batch == nil {
		return nil
	}
	err := g.batch.close()
	g.batch = nil
	return err
}

// list reads the revision's entries below the root with one `git ls-tree`.
func (g *Revision) list(ctx context.Context) error {
	g.entries = map[string]*entry{".": {name: ".", mode: fs.ModeDir | 0o555, size: -1}}
	g.kids = map[string][]string{}
	args := []string{"ls-tree", "-r", "-t", "-l", "-z", g.tree}
	if g.rootRel != "" {
		args = append(args, "--", g.rootRel)
	}
	out, err := runGit(ctx, g.top, nil, args...)
	if err != nil {
		return fmt.Errorf("base revision %s: listing its files: %w", g.name, err)
	}
	for _, rec := range bytes.Split(out, []byte{0}) {
		e, ok := parseLsTree(string(rec))
		if !ok {
			continue
		}
		rel, ok := g.rootPath(e.path)
		if !ok || rel == "" {
			continue
		}
		var mode fs.FileMode
		switch {
		case e.typ == "tree":
			mode = fs.ModeDir | 0o555
		case e.mode == "120000":
			mode = fs.ModeSymlink | 0o777
		case e.typ == "commit":
			mode = fs.ModeIrregular // a submodule: its files are not in this repository
		case e.mode == "100755":
			mode = 0o555
		default:
			mode = 0o444
		}
		g.entries[rel] = &entry{name: path.Base(rel), mode: mode, hash: e.hash, size: e.size}
		dir := path.Dir(rel)
		g.kids[dir] = append(g.kids[dir], path.Base(rel))
	}
	for _, names := range g.kids {
		slices.Sort(names)
	}
	return nil
}

// Changes returns the files that differ between the revision and the working tree, as
// paths relative to the root, slash-separated, with git diff's status letter (M modified, A
// added, D deleted, T type changed, …): what `git diff --name-status REV` lists (staged or
// not, both names of a rename, deleted files included) and, as 'A', the untracked files
// that .gitignore does not ignore.
func (g *Revision) Changes(ctx context.Context) (map[string]byte, error) {
	return g.changes(ctx, g.tree)
}

func (g *Revision) lookup(op, name string) (*entry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	e := g.entries[name]
	if e == nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return e, nil
}

// Open opens a file or directory of the revision.
func (g *Revision) Open(name string) (fs.File, error) {
	e, err := g.lookup("open", name)
	if err != nil {
		return nil, err
	}
	if e.mode.IsDir() {
		ents, _ := g.ReadDir(name)
		return &openDir{info: e, entries: ents}, nil
	}
	data, err := g.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return &openFile{info: e, r: bytes.NewReader(data)}, nil
}

// ReadFile returns the content of a regular file of the revision.
func (g *Revision) ReadFile(name string) ([]byte, error) {
	e, err := g.lookup("read", name)
	if err != nil {
		return nil, err
	}
	if !e.mode.IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("not a regular file")}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.batch == nil {
		b, err := startCatFile(g.top)
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		g.batch = b
	}
	data, err := g.batch.read(e.hash)
	if err != nil {
		g.batch.close()
		g.batch = nil
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return data, nil
}

// Stat describes a file or directory of the revision.
func (g *Revision) Stat(name string) (fs.FileInfo, error) {
	e, err := g.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// ReadDir lists a directory of the revision, sorted by name.
func (g *Revision) ReadDir(name string) ([]fs.DirEntry, error) {
	e, err := g.lookup("readdir", name)
	if err != nil {
		return nil, err
	}
	if !e.mode.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	var out []fs.DirEntry
	for _, n := range g.kids[name] {
		p := n
		if name != "." {
			p = name + "/" + n
		}
		out = append(out, fs.FileInfoToDirEntry(g.entries[p]))
	}
	return out, nil
}

func (e *entry) Name() string       { return e.name }
func (e *entry) Size() int64        { return max(e.size, 0) }
func (e *entry) Mode() fs.FileMode  { return e.mode }
func (e *entry) ModTime() time.Time { return time.Time{} }
func (e *entry) IsDir() bool        { return e.mode.IsDir() }
func (e *entry) Sys() any           { return nil }

type openFile struct {
	info *entry
	r    *bytes.Reader
}

func (f *openFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *openFile) Read(b []byte) (int, error) { return f.r.Read(b) }
func (f *openFile) Close() error               { return nil }

type openDir struct {
	info    *entry
	entries []fs.DirEntry
}

func (d *openDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *openDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: errors.New("is a directory")}
}
func (d *openDir) Close() error { return nil }
func (d *openDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if n <= 0 {
		out := d.entries
		d.entries = nil
		return out, nil
	}
	if len(d.entries) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(d.entries))
	out := d.entries[:n]
	d.entries = d.entries[n:]
	return out, nil
}

// catFile is a running `git cat-file --batch`.
type catFile struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr bytes.Buffer
}

func startCatFile(top string) (*catFile, error) {
	c := &catFile{cmd: exec.Command("git", "-C", top, "cat-file", "--batch")}
	c.cmd.Env = gitEnv()
	c.cmd.Stderr = &c.stderr
	var err error
	if c.in, err = c.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c.out = bufio.NewReaderSize(stdout, 1<<16)
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("running git: %w", err)
	}
	return c, nil
}

// read returns the content of one blob: "<hash> blob <size>\n<content>\n".
func (c *catFile) read(hash string) ([]byte, error) {
	if _, err := io.WriteString(c.in, hash+"\n"); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	header, err := c.out.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w: %s", err, strings.TrimSpace(c.stderr.String()))
	}
	f := strings.Fields(header)
	if len(f) != 3 || f[1] != "blob" {
		return nil, fmt.Errorf("unexpected git cat-file output %q", strings.TrimSpace(header))
	}
	n, err := strconv.Atoi(f[2])
	if err != nil || n < 0 {
		return nil, fmt.Errorf("unexpected git cat-file output %q", strings.TrimSpace(header))
	}
	buf := make([]byte, n+1) // the content and its trailing newline
	if _, err := io.ReadFull(c.out, buf); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	return buf[:n], nil
}

func (c *catFile) close() error {
	c.in.Close()
	return c.cmd.Wait()
}

// gitEntry is one record of `git ls-tree -l`.
type gitEntry struct {
	mode, typ, hash, path string
	size                  int64 // -1 when unknown (trees, submodules)
}

// openRepo finds the git working tree holding root. It also resolves the tree of rev when
// one git command can do both (the common case), for resolve to return.
func openRepo(ctx context.Context, root, rev string) (*Revision, error) {
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
	g := &Revision{top: top, name: rev, tree: tree}
	if rel != "." {
		g.rootRel = filepath.ToSlash(rel)
	}
	return g, nil
}

// resolve returns the object name of the tree at g.name: the revision's commit tree, or the
// empty tree for HEAD on a branch that has no commit yet (the first commit of a repository,
// where everything is new).
func (g *Revision) resolve(ctx context.Context) (string, error) {
	if g.tree != "" {
		return g.tree, nil
	}
	out, err := runGit(ctx, g.top, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", g.name+"^{tree}")
	if err == nil {
		return strings.TrimSpace(string(out)), nil
	}
	if g.name == "HEAD" {
		if _, herr := runGit(ctx, g.top, nil, "rev-parse", "--verify", "--quiet", "HEAD"); herr != nil {
			if _, serr := runGit(ctx, g.top, nil, "symbolic-ref", "--quiet", "HEAD"); serr == nil {
				out, err := runGit(ctx, g.top, strings.NewReader(""), "hash-object", "-t", "tree", "--stdin")
				if err != nil {
					return "", fmt.Errorf("base revision %s: %w", g.name, err)
				}
				return strings.TrimSpace(string(out)), nil
			}
		}
	}
	if errors.Is(err, errGitFailed) {
		return "", fmt.Errorf("base revision %s: unknown revision in the git repository at %s", g.name, g.top)
	}
	return "", fmt.Errorf("base revision %s: %w", g.name, err)
}

// rootPath maps a path relative to the git top level to one relative to the repository
// root; ok is false for paths outside the root.
func (g *Revision) rootPath(p string) (string, bool) {
	if g.rootRel == "" {
		return p, true
	}
	rest, ok := strings.CutPrefix(p, g.rootRel+"/")
	return rest, ok
}

// changes is changed with each path's status: git diff's letter (M modified, A added, D
// deleted, T type changed, ...) or 'A' for an untracked file.
func (g *Revision) changes(ctx context.Context, tree string) (map[string]byte, error) {
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
		return nil, fmt.Errorf("base revision %s: listing the changed files: %w", g.name, err)
	}
	if uerr != nil {
		return nil, fmt.Errorf("base revision %s: listing the untracked files: %w", g.name, uerr)
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
