package engine

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/lint/suppress"
	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/manifest/gitrev"
	"github.com/ambientkit/ambientkit/manifest/load"
)

// Options says what one run lints and how.
type Options struct {
	// Paths lists files, directories (walked recursively) and "-" for stdin; empty means ".".
	Paths []string
	// Stdin is read for the path "-"; nil means os.Stdin.
	Stdin io.Reader
	// Config is the configuration; nil means the defaults (DefaultConfig).
	Config *config.Config
	// Rules is the catalogue to run; the engine applies Config.Severity (by ID) to them. A
	// suppression naming a rule that is not in Rules is reported as naming an unknown rule.
	Rules []*lint.Rule
	// Root is the repository root; "" means the git top level of the first path (the
	// nearest directory above it holding .git), else that path (its directory, for a file).
	Root string
	// Base is a git revision (HEAD, HEAD~1, origin/main, a commit): when set, the run lints
	// the change since Base. It also loads the tree as it was at Base (LoadBase), which
	// rules read with Inventory.Base, and it reports only the findings whose file, or one of
	// whose related locations, changed since Base (ChangedFiles; stdin counts as changed).
	// Root must then be inside a git working tree.
	Base string
	// All keeps every finding of a run with Base, changed or not; rules still see the base.
	All bool
}

// Run loads the paths, runs every enabled rule once over the shared inventory, and returns the
// findings. An error means an unreadable input path or an internal failure; files that do not
// parse are findings (AMB001), not errors.
//
// Files are read and parsed in parallel while the walk goes on; rules then run in parallel
// over the finished inventory, which they only read. Late rules (AMB004) run last, after
// suppression. With Options.Base, the base revision is read alongside (an unknown revision
// or a root outside git is an error before anything is loaded), and the findings are
// filtered last.
func Run(ctx context.Context, opts Options) (*lint.Result, error) {
	cfg, maxSize := runConfig(opts.Config)
	paths := opts.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	root := opts.Root
	if root == "" {
		root = FindRoot(paths[0])
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("repository root %s: %w", root, err)
	}

	// The base revision is opened while the working tree loads: git's listing overlaps the
	// parsing. A base that cannot be resolved (no git repository, an unknown revision) is
	// the error reported, whatever the load found.
	var rev *gitrev.Revision
	var changes map[string]byte
	var revErr error
	revDone := make(chan struct{})
	if opts.Base != "" {
		go func() {
			defer close(revDone)
			if rev, revErr = gitrev.Open(ctx, absRoot, opts.Base); revErr == nil {
				changes, revErr = rev.Changes(ctx)
			}
		}()
		defer func() {
			<-revDone
			if rev != nil {
				rev.Close()
			}
		}()
	} else {
		close(revDone)
	}

	var enabled []*lint.Rule
	for _, r := range opts.Rules {
		if cfg.SeverityOf(r) != lint.Off {
			enabled = append(enabled, r)
		}
	}
	loaded, err := load.Load(ctx, paths, load.Options{Root: absRoot, Exclude: excludeFunc(cfg), MaxFileSize: maxSize,
		Stdin: opts.Stdin, Decode: decodeFor(enabled), KeepTrees: readsTrees(enabled)})
	<-revDone
	if revErr != nil {
		return nil, revErr
	}
	if err != nil {
		return nil, err
	}
	files, objects := loaded.Files, loaded.Objects
	// The model reads the tree (kustomizations, values files) through an os.Root, so that a
	// symbolic link leading out of the repository is not followed, as the loader does not.
	tree, err := os.OpenRoot(absRoot)
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	model, err := gitops.Build(tree.FS(), absRoot, objects, gitops.Options{RepoURLs: cfg.ArgoCD.RepoURLs, Unreached: cfg.LintUnreached,
		ProblemFiles: problemFiles(loaded), OnDisk: true, Listing: loaded})
	if err != nil {
		return nil, err
	}
	loadFindings := loadProblems(loaded, model, cfg.LintUnreached)
	inv := manifest.NewInventory(files, model.Objects, model.Names)
	directives := renderedDirectives(files, objects, model)
	lint.SortFindings(loadFindings)
	var baseTree *lint.Base
	if rev != nil {
		if baseTree, err = loadBase(ctx, rev, changes, absRoot, paths, loaded, cfg, maxSize); err != nil {
			return nil, err
		}
	}
	run := lint.NewRun(inv, model, baseTree, cfg.Settings(), loadFindings)
	findings, err := lintInventory(ctx, run, model.Objects, enabled, opts.Rules, cfg, directives)
	if err != nil {
		return nil, err
	}
	res := &lint.Result{Findings: findings, Files: len(files), Objects: len(objects), Inventory: inv, Model: model,
		LoadFindings: loadFindings, Root: absRoot, Unreached: len(model.Unreached), UnreachedLinted: cfg.LintUnreached}
	if rev != nil && !opts.All {
		res.Findings, res.Unchanged = changedOnly(findings, absRoot, changes)
	}
	return res, nil
}

// lintInventory runs the enabled rules over a run's inventory (objects are the objects it
// holds): the early rules in parallel, then suppression by directives, then the Late rules.
// It returns the findings sorted, each reported once.
func lintInventory(ctx context.Context, run *lint.Run, objects []*manifest.Object, enabled, catalogue []*lint.Rule,
	cfg *config.Config, directives []lint.Directive) ([]lint.Finding, error) {
	mkPass := run.Pass

	// A rule that declares the kinds it reads runs only when the tree has one of them; it
	// counts as run either way, since it would have found nothing.
	present := map[string]bool{}
	for _, o := range objects {
		present[o.GK()] = true
	}
	ran := map[string]bool{}
	var early, late []*lint.Rule
	for _, r := range enabled {
		switch {
		case r.Late:
			late = append(late, r)
		case len(r.Kinds) > 0 && !slices.ContainsFunc(r.Kinds, func(gk string) bool { return present[gk] }):
			ran[r.ID] = true
		default:
			early = append(early, r)
			ran[r.ID] = true
		}
	}
	findings, err := runRules(ctx, early, cfg, mkPass)
	if err != nil {
		return nil, err
	}

	sup := suppress.New(directives, catalogue, ran)
	findings = slices.DeleteFunc(findings, sup.Suppressed)
	run.SetSuppressions(sup.Result())
	for _, r := range late {
		if err := runRule(ctx, r, cfg, mkPass, &findings); err != nil {
			return nil, err
		}
	}
	lint.SortFindings(findings)
	// An object that several units apply (a base two clusters include) can give the same
	// finding once per unit: report it once.
	return slices.CompactFunc(findings, func(a, b lint.Finding) bool {
		return a.Rule == b.Rule && a.Pos == b.Pos && a.Message == b.Message
	}), nil
}

// problemFiles lists the files the loader reported a problem in.
func problemFiles(loaded *load.Loaded) []string {
	var out []string
	for _, p := range loaded.Problems {
		if !p.Note {
			out = append(out, p.Pos.File)
		}
	}
	return out
}

// loadProblems turns the loader's problems into AMB001 findings, with the rule's own
// severity (Off here: the configured one is set later) or Info for what was left out on
// purpose. Problems in files that no unit of the tree applies are dropped unless lintUnreached:
// nothing applies a file nobody deploys, not even one that does not parse.
func loadProblems(loaded *load.Loaded, model *gitops.Model, lintUnreached bool) []lint.Finding {
	byPath := make(map[string]*manifest.File, len(loaded.Files))
	for _, f := range loaded.Files {
		byPath[f.Path] = f
	}
	type objectIn struct {
		file string
		ref  manifest.ObjectRef
	}
	unreached := make(map[objectIn]bool, len(model.Unreached))
	for _, o := range model.Unreached {
		if o.Source != nil && o.Source.File != nil {
			unreached[objectIn{o.Source.File.Path, o.Source.Ref}] = true
		}
	}
	out := make([]lint.Finding, 0, len(loaded.Problems))
	for _, p := range loaded.Problems {
		if !lintUnreached && (unreached[objectIn{p.Pos.File, p.Object}] || !model.Applied(byPath[p.Pos.File])) {
			continue
		}
		sev := lint.Off // AMB001's own severity, as configured
		if p.Note {
			sev = lint.Info // left out on purpose, not unreadable
		}
		out = append(out, lint.Finding{Rule: lint.InvalidYAMLID, Name: lint.InvalidYAMLName, Severity: sev,
			Message: p.Message, Pos: p.Pos, Object: p.Object})
	}
	return out
}

// runConfig returns the configuration a run uses (the defaults for nil) and its file size
// limit.
func runConfig(cfg *config.Config) (*config.Config, int64) {
	if cfg == nil {
		cfg = config.Default()
	}
	maxSize := cfg.MaxFileSize
	if maxSize <= 0 {
		maxSize = config.DefaultMaxFileSize
	}
	return cfg, maxSize
}

// decodeFor returns the kinds a run decodes into Go types: those the enabled rules read. When
// AMB001 (invalid-yaml) is enabled, every known kind is, since an object that does not decode
// is one of its findings.
func decodeFor(enabled []*lint.Rule) func(gk string) bool {
	kinds := map[string]bool{}
	for _, r := range enabled {
		if r.ID == lint.InvalidYAMLID {
			return nil
		}
		for _, gk := range r.Kinds {
			kinds[gk] = true
		}
	}
	return func(gk string) bool { return kinds[gk] }
}

// readsTrees reports whether an enabled rule reads the node tree of every object.
func readsTrees(enabled []*lint.Rule) bool {
	for _, r := range enabled {
		if r.Trees {
			return true
		}
	}
	return false
}

// excludeFunc returns the loader's view of cfg's exclude globs.
func excludeFunc(cfg *config.Config) func(string) bool {
	if len(cfg.Exclude) == 0 {
		return nil
	}
	return cfg.Excluded
}

// runRules runs rules in parallel, at most GOMAXPROCS at a time: they only read the
// inventory, and Fact.Of builds shared facts once whichever rule asks first. Each rule
// keeps its own findings, merged in catalogue order, and the first error in catalogue order
// is returned, so the outcome does not depend on scheduling.
func runRules(ctx context.Context, rules []*lint.Rule, cfg *config.Config, mkPass func(*lint.Rule, func(lint.Finding)) *lint.Pass) ([]lint.Finding, error) {
	out := make([][]lint.Finding, len(rules))
	errs := make([]error, len(rules))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(rules)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(rules) {
					return
				}
				errs[i] = runRule(ctx, rules[i], cfg, mkPass, &out[i])
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	var all []lint.Finding
	for _, fs := range out {
		all = append(all, fs...)
	}
	return all, nil
}

// runRule runs one rule, appending its findings with their effective severity. A rule that
// panics is an internal failure, reported as an error naming it rather than crashing the
// run.
func runRule(ctx context.Context, r *lint.Rule, cfg *config.Config, mkPass func(*lint.Rule, func(lint.Finding)) *lint.Pass, out *[]lint.Finding) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	if r.Run == nil {
		return nil
	}
	override, has := cfg.Severity[r.ID]
	pass := mkPass(r, func(f lint.Finding) {
		if has {
			f.Severity = override
		}
		*out = append(*out, f)
	})
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("rule %s (%s) panicked: %v\n%s", r.ID, r.Name, p, debug.Stack())
		}
	}()
	if err := r.Run(pass); err != nil {
		return fmt.Errorf("rule %s (%s): %w", r.ID, r.Name, err)
	}
	return nil
}

// FindRoot returns the repository root for a path: the nearest directory at or above it
// that holds .git, else the path itself (its directory, for a file; the working directory
// for "-").
func FindRoot(path string) string {
	if path == "-" {
		path = "."
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		abs = filepath.Dir(abs)
	}
	for d := abs; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return abs
		}
		d = parent
	}
}

// renderedDirectives returns the ambientlint:ignore directives of files and objects, each
// about the object the model rendered from the loaded one it is written in: findings are
// about the rendered objects.
func renderedDirectives(files []*manifest.File, objects []*manifest.Object, model *gitops.Model) []lint.Directive {
	directives := suppress.Directives(files, objects)
	rendered := make(map[*manifest.Object]*manifest.Object, len(model.Objects))
	for _, o := range model.Objects {
		rendered[o.Source] = o
	}
	for i, d := range directives {
		if d.Object != nil {
			directives[i].Object = rendered[d.Object]
		}
	}
	return directives
}
