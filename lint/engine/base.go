package engine

import (
	"context"
	"fmt"
	"path"
	"path/filepath"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/manifest/gitrev"
	"github.com/ambientkit/ambientkit/manifest/load"
)

// A run with Options.Base lints a change: it also loads the tree as it was at a git revision
// (Pass.Base), which rules that compare two revisions read, and it reports only the findings
// whose file, or one of whose related locations, changed since that revision (ChangedFiles),
// unless Options.All is set.
//
// The revision is read through package gitrev, as a file system that the loader walks and
// the GitOps model reads: nothing is written to disk. A file that did not change since the
// revision is not read again: the base shares the working tree's parse of it, which the
// GitOps model does not modify.

// loadBase loads the tree at rev below absRoot for the run's paths: the files that changed
// since rev (changes) are read from git and named "REV:path"; the others are the working
// tree's own, as loaded.
func loadBase(ctx context.Context, rev *gitrev.Revision, changes map[string]byte, absRoot string, paths []string, working *load.Loaded, cfg *config.Config, maxSize int64) (*lint.Base, error) {
	byRel := map[string]*manifest.File{}
	for _, f := range working.Files {
		if f.Rel != "" {
			byRel[f.Rel] = f
		}
	}
	objectsOf := map[*manifest.File][]*manifest.Object{}
	for _, o := range working.Objects {
		objectsOf[o.File] = append(objectsOf[o.File], o)
	}
	var files []*manifest.File
	var objects []*manifest.Object
	for _, rel := range load.WalkFS(rev, baseDirs(absRoot, paths), excludeFunc(cfg)) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if _, changed := changes[rel]; !changed && byRel[rel] != nil {
			f := byRel[rel]
			files = append(files, f)
			objects = append(objects, objectsOf[f]...)
			continue
		}
		f, objs, err := readRevisionFile(rev, rel, maxSize)
		if err != nil {
			return nil, err
		}
		if f != nil {
			files = append(files, f)
			objects = append(objects, objs...)
		}
	}
	model, err := gitops.Build(rev, absRoot, objects, gitops.Options{RepoURLs: cfg.ArgoCD.RepoURLs, Unreached: cfg.LintUnreached,
		ProblemFiles: problemFiles(working)})
	if err != nil {
		return nil, fmt.Errorf("base revision %s: %w", rev.Name(), err)
	}
	return &lint.Base{Revision: rev.Name(), Inventory: manifest.NewInventory(files, model.Objects, model.Names), Model: model}, nil
}

// readRevisionFile reads and parses one file of rev; a file over maxSize is left out (the
// working tree's run reports its own files).
func readRevisionFile(rev *gitrev.Revision, rel string, maxSize int64) (*manifest.File, []*manifest.Object, error) {
	if fi, err := rev.Stat(rel); err == nil && fi.Size() > maxSize {
		return nil, nil, nil
	}
	data, err := rev.ReadFile(rel)
	if err != nil {
		return nil, nil, fmt.Errorf("base revision %s: %w", rev.Name(), err)
	}
	f := &manifest.File{Path: rev.Name() + ":" + rel, Data: load.TrimBOM(data), Rel: rel, Revision: rev.Name()}
	objs, _ := load.Parse(f)
	return f, objs, nil
}

// baseDirs maps the run's paths to paths of the revision's file system: stdin and paths
// outside the root have no base.
func baseDirs(absRoot string, paths []string) []string {
	var dirs []string
	for _, p := range paths {
		if p == "-" {
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		rel, err := filepath.Rel(absRoot, abs)
		if err != nil || !filepath.IsLocal(rel) && rel != "." {
			continue
		}
		dirs = append(dirs, filepath.ToSlash(rel))
	}
	return dirs
}

// LoadBase loads the tree as it was at the git revision rev (anything `git rev-parse`
// accepts, e.g. HEAD, HEAD~1, origin/main, a commit hash), with its GitOps model. root is the
// repository root, which must be inside a git working tree; opts.Paths (default ".") say
// what to load, as for Run: each is mapped to the same path at rev, paths that did not exist
// at rev are skipped, and stdin ("-") has no base. opts.Config applies as for Run (exclude
// globs, size limit, Argo CD repository addresses).
//
// Files are named "REV:path", path relative to root. It is an error when root is not in a
// git working tree, when git is not installed, or when rev names no commit; HEAD on a branch
// without commits is the empty tree.
func LoadBase(ctx context.Context, root, rev string, opts Options) (*lint.Base, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("base revision %s: repository root %s: %w", rev, root, err)
	}
	r, err := gitrev.Open(ctx, absRoot, rev)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cfg, maxSize := runConfig(opts.Config)
	paths := opts.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	return loadBase(ctx, r, nil, absRoot, paths, &load.Loaded{}, cfg, maxSize)
}

// ChangedFiles returns the files that differ between rev and the working tree, as paths
// relative to root (the repository root, inside a git working tree), slash-separated:
// what `git diff --name-only rev` lists (staged or not, both names of a rename, deleted
// files included) and the untracked files that .gitignore does not ignore. Files outside
// root are left out. For HEAD on a branch without commits every file counts as changed.
func ChangedFiles(ctx context.Context, root, rev string) (map[string]bool, error) {
	r, err := gitrev.Open(ctx, root, rev)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	st, err := r.Changes(ctx)
	if err != nil {
		return nil, err
	}
	changed := make(map[string]bool, len(st))
	for p := range st {
		changed[p] = true
	}
	return changed, nil
}

// changedOnly keeps the findings whose file or one of whose related locations is in
// changed (paths relative to absRoot), and counts the others. Findings about stdin or about
// no file are kept.
func changedOnly(findings []lint.Finding, absRoot string, changed map[string]byte) ([]lint.Finding, int) {
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
			if rel, err := filepath.Rel(absRoot, abs); err == nil && has(changed, filepath.ToSlash(rel)) {
				c = true
			} else if target, err := filepath.EvalSymlinks(abs); err == nil {
				// A file reached through a symbolic link changes when its target does.
				if rel, err := filepath.Rel(realRoot, target); err == nil && has(changed, filepath.ToSlash(rel)) {
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

// has reports whether path k, or a directory above it, is in m: a submodule whose commit
// changed is one entry, and every file in it changed with it.
func has(m map[string]byte, k string) bool {
	for ; k != "." && k != "/" && k != ""; k = path.Dir(k) {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}
