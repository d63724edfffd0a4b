package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/fix"
	"github.com/ambientkit/ambientkit/lint/output"
	"github.com/ambientkit/ambientkit/lint/policy"
	"github.com/ambientkit/ambientkit/lint/rules"
	"github.com/ambientkit/ambientkit/manifest/load"
)

// lintOptions holds the flags of the lint command.
type lintOptions struct {
	config      string
	ruleOps     []ruleOp // --enable, --disable and --severity, in command-line order
	failOn      string
	format      string
	output      string
	noColor     bool
	color       string // auto, always or never
	quiet       bool
	maxFileSize string
	unreached   bool
	repoRoot    string
	base        string
	all         bool
	fix         bool
	diff        bool
	version     bool
	engine      string   // go or rego: which implementation runs the rules the bundle twins
	policies    []string // --policy: directories of a team's conftest-style policies
	namespaces  []string // --policy-namespace
	combine     bool     // --policy-combine
	cluster     bool     // --cluster: lint a live cluster's objects
	kubeconfig  string   // --kubeconfig, with --cluster
	context     string   // --context, with --cluster
	clusterNS   []string // -n, --namespace, with --cluster
}

// ruleOp is one --enable, --disable or --severity flag.
type ruleOp struct {
	flag, rule, level string
}

// register defines the lint command's flags on fs; a new flag is one line here.
func (o *lintOptions) register(fs *flag.FlagSet) {
	o.failOn, o.format, o.engine, o.color = "error", "text", "go", "auto"
	op := func(name string) listFlag {
		return listFlag{add: func(v string) { o.ruleOps = append(o.ruleOps, ruleOp{flag: name, rule: v}) }}
	}
	fs.StringVar(&o.config, "config", "", "read the configuration from `FILE` instead of the .ambientlint.yaml found\nfrom the first PATH up to the repository root")
	fs.Var(op("enable"), "enable", "turn on `RULE` (an ID or name); repeatable, or a comma-separated list")
	fs.Var(op("disable"), "disable", "turn off `RULE` (an ID or name); repeatable, or a comma-separated list")
	fs.Var(listFlag{add: func(v string) {
		r, l, _ := strings.Cut(v, "=")
		o.ruleOps = append(o.ruleOps, ruleOp{flag: "severity", rule: r, level: l})
	}}, "severity", "set the severity of a rule, as `RULE=LEVEL` (error, warning, info or off); repeatable")
	fs.Var(choiceFlag{&o.failOn, []string{"error", "warning", "info", "none"}}, "fail-on", "exit 1 when a finding is at or above `LEVEL`: error, warning, info or none")
	fs.Var(choiceFlag{&o.format, output.Formats}, "format", "write findings as `FORMAT`: "+strings.Join(output.Formats, ", "))
	fs.StringVar(&o.output, "output", "", "write findings to `FILE` instead of stdout")
	fs.Var(choiceFlag{&o.color, []string{"auto", "always", "never"}}, "color", "colour the text output: `WHEN` auto (on a terminal, unless NO_COLOR is set),\nalways or never")
	fs.BoolVar(&o.noColor, "no-color", false, "never colour the text output, as --color never")
	fs.BoolVar(&o.quiet, "quiet", false, "print no summary line; the findings and the exit status are unchanged")
	fs.BoolVar(&o.quiet, "q", false, "short for --quiet")
	fs.StringVar(&o.maxFileSize, "max-file-size", "", "report files larger than `SIZE` instead of reading them, e.g. 16MiB\n(default from the configuration, else 16MiB)")
	fs.StringVar(&o.repoRoot, "repo-root", "", "treat `DIR` as the repository root (default: the git top level of the\nfirst PATH); paths in the configuration, SARIF and GitHub output are\nrelative to it")
	fs.StringVar(&o.base, "base", "", "lint the change since the git revision `REV` (e.g. HEAD, origin/main): report\nonly findings in files changed since REV (or related to them), and run the\nrules that compare two revisions (AMB201)")
	fs.BoolVar(&o.unreached, "unreached", false, "lint also the files that no Argo CD Application or Flux Kustomization of\nthe tree applies, as if applied by hand (configuration: unreached: lint)")
	fs.BoolVar(&o.all, "all", false, "with --base, report every finding, changed or not")
	fs.BoolVar(&o.fix, "fix", false, "apply the suggested fixes to the files (atomically, touching nothing else),\nthen report what is left")
	fs.BoolVar(&o.diff, "diff", false, "print the suggested fixes as a unified diff instead of the findings;\nwrite nothing")
	fs.Var(choiceFlag{&o.engine, []string{"go", "rego"}}, "engine", "run the rules that have a Rego twin in the bundled policies with `ENGINE`:\ngo (the default) or rego (the bundle, evaluated in-process)")
	fs.Var(listFlag{add: func(v string) { o.policies = append(o.policies, v) }}, "policy", "also evaluate the conftest-style Rego policies in `DIR` (deny, violation\nand warn rules; findings are policy:<package>.<rule>); repeatable")
	fs.Var(listFlag{add: func(v string) { o.namespaces = append(o.namespaces, v) }}, "policy-namespace", "evaluate the --policy packages named `NS` (default main, as conftest;\nNS.* selects the packages below NS, * every package); repeatable")
	fs.BoolVar(&o.combine, "policy-combine", false, "give --policy rules all objects at once, as conftest's --combine does,\ninstead of one object at a time")
	fs.BoolVar(&o.cluster, "cluster", false, "lint the objects of a live cluster instead of files (the rules about what\nthe repository installs and in which order, AMB101-AMB114, and AMB201 do not apply); PATHs beside it name the repository\nthat deploys it, and findings about objects it also holds say where")
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "with --cluster, read the cluster from `FILE` (default: $KUBECONFIG, else\n~/.kube/config, else the Pod's ServiceAccount)")
	fs.StringVar(&o.context, "context", "", "with --cluster, use the kubeconfig context `NAME` instead of the current one")
	ns := listFlag{add: func(v string) { o.clusterNS = append(o.clusterNS, v) }}
	fs.Var(ns, "namespace", "with --cluster, read only the namespace `NS` (and cluster-scoped kinds);\nrepeatable, or a comma-separated list (default: every namespace)")
	fs.Var(ns, "n", "short for --namespace")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
}

const lintUsage = `Usage:
  ambientlint [flags] [PATH...]
  ambientlint --cluster [--kubeconfig FILE] [--context NAME] [-n NS]... [flags] [PATH...]
  ambientlint order [--format text|mermaid|dot] [PATH...]
  ambientlint rules [--format text|json|markdown]
  ambientlint explain RULE...
  ambientlint ready [flags] ...
  ambientlint policy export DIR
  ambientlint fn                       (a KRM function: a ResourceList on stdin)
  ambientlint completion bash|zsh|fish
  ambientlint version
  ambientlint help

ambientlint checks the Kubernetes manifests under each PATH (files, or directories
walked recursively; "-" reads stdin; default ".") for mistakes that break Istio
ambient mode in a GitOps repository. Flags may come before or after the paths.
With --cluster it lints the objects of a live cluster instead.

Flags:
`

const exitUsage = `
Exit status:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage error, unreadable path, bad configuration, unreachable cluster or internal failure

Run 'ambientlint rules' for the rules and 'ambientlint explain RULE' for one of them.
`

func lintFlagSet() (*flag.FlagSet, *lintOptions) {
	fs := newFlagSet("ambientlint")
	o := &lintOptions{}
	o.register(fs)
	return fs, o
}

func printLintUsage(w io.Writer) {
	fs, _ := lintFlagSet()
	io.WriteString(w, lintUsage)
	printFlags(w, fs)
	io.WriteString(w, exitUsage)
}

// runLint is the lint command: it loads the configuration, lints the paths, writes the
// findings and returns the exit status.
func runLint(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, o := lintFlagSet()
	paths, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		printLintUsage(stdout)
		return exitOK
	}
	if err != nil {
		return usageError(stderr, "ambientlint", flagError(fs, err))
	}
	if o.version {
		return runVersion(nil, stdout, stderr)
	}
	if o.cluster {
		return runCluster(ctx, o, paths, stdout, stderr)
	}
	if o.kubeconfig != "" || o.context != "" || len(o.clusterNS) > 0 {
		return usageError(stderr, "ambientlint", errors.New("--kubeconfig, --context and --namespace need --cluster"))
	}
	paths, err = inputPaths(paths)
	if err != nil {
		return failure(stderr, err)
	}

	catalogue, err := lintCatalogue(ctx, o)
	if err != nil {
		return failure(stderr, err)
	}
	root, err := repoRoot(o.repoRoot, paths[0])
	if err != nil {
		return failure(stderr, err)
	}
	cfg, err := loadConfig(o, paths[0], root, catalogue)
	if err != nil {
		return failure(stderr, err)
	}

	if o.all && o.base == "" {
		return usageError(stderr, "ambientlint", errors.New("--all needs --base REV"))
	}
	if o.fix && o.diff {
		return usageError(stderr, "ambientlint", errors.New("--fix writes the fixes and --diff prints them: choose one"))
	}
	if (o.fix || o.diff) && slices.Contains(paths, "-") {
		return usageError(stderr, "ambientlint", errors.New("--fix and --diff change files, not stdin"))
	}
	opts := engine.Options{Paths: paths, Stdin: stdin, Config: cfg, Rules: catalogue, Root: root, Base: o.base, All: o.all}
	res, err := engine.Run(ctx, opts)
	if err != nil {
		return failure(stderr, err)
	}
	if o.diff {
		original, fixed, err := fixFiles(res)
		if err != nil {
			return failure(stderr, err)
		}
		for _, p := range slices.Sorted(maps.Keys(fixed)) {
			io.WriteString(stdout, fix.Diff(p, original[p], fixed[p]))
		}
		fmt.Fprintf(stderr, "%d %s would change\n", len(fixed), plural(len(fixed), "file", "files"))
		return exitStatus(res, o.failOn)
	}
	if o.fix {
		// A fix can make another finding fixable (a misspelt key corrected is then checked
		// for its value), and edits that overlap one already taken wait for the next round:
		// fix and lint again until nothing more is fixable, at most maxFixRounds times.
		changed := map[string]bool{}
		for range maxFixRounds {
			original, fixed, err := fixFiles(res)
			if err != nil {
				return failure(stderr, err)
			}
			if len(fixed) == 0 {
				break
			}
			if err := fix.WriteFiles(root, original, fixed); err != nil {
				return failure(stderr, err)
			}
			for p := range fixed {
				changed[p] = true
			}
			// Report what the fixes left, as a second run would.
			if res, err = engine.Run(ctx, opts); err != nil {
				return failure(stderr, err)
			}
		}
		if len(changed) > 0 {
			fmt.Fprintf(stderr, "fixed %d %s\n", len(changed), plural(len(changed), "file", "files"))
		}
	}

	if err := writeFindings(o, res, catalogue, root, stdout); err != nil {
		return failure(stderr, err)
	}
	if o.format == "text" && !o.quiet {
		fmt.Fprintln(stderr, output.Summary(res))
		if res.Unchanged > 0 {
			fmt.Fprintf(stderr, "%d more %s in files unchanged since %s (--all shows them)\n",
				res.Unchanged, plural(res.Unchanged, "finding", "findings"), o.base)
		}
	}
	return exitStatus(res, o.failOn)
}

// maxFixRounds bounds the rounds of --fix: each round applies every fix that does not
// overlap another and lints again.
const maxFixRounds = 10

// lintCatalogue returns the rules a lint run has: the catalogue, its Rego twins in place of
// the Go rules with --engine rego, and the rules of each --policy directory.
func lintCatalogue(ctx context.Context, o *lintOptions) ([]*lint.Rule, error) {
	catalogue := rules.All()
	if o.engine == "rego" {
		var err error
		if catalogue, err = policy.Twins(ctx, catalogue); err != nil {
			return nil, fmt.Errorf("the bundled policies: %w", err)
		}
	}
	if (len(o.namespaces) > 0 || o.combine) && len(o.policies) == 0 {
		return nil, errors.New("--policy-namespace and --policy-combine need --policy DIR")
	}
	if len(o.policies) > 0 {
		var sources []policy.Source
		for _, dir := range o.policies {
			sources = append(sources, policy.Source{Name: filepath.ToSlash(filepath.Clean(dir)), FS: os.DirFS(dir)})
		}
		set, err := policy.Compile(ctx, sources, policy.Options{Namespaces: o.namespaces, Combine: o.combine})
		if err != nil {
			return nil, fmt.Errorf("--policy: %w", err)
		}
		catalogue = append(catalogue, set.Rules(strings.Join(o.policies, ", "))...)
	}
	return catalogue, nil
}

// fixFiles applies the first suggested fix of every reported finding to the files on disk
// and returns the original and the fixed content of each file that changes. Stdin and files
// of a --base revision are never fixed.
func fixFiles(res *lint.Result) (original, fixed map[string][]byte, err error) {
	linted := map[string][]byte{}
	for _, f := range res.Inventory.Files {
		linted[f.Path] = f.Data
	}
	original = map[string][]byte{}
	var fixable []lint.Finding
	for _, f := range res.Findings {
		if len(f.Fixes) == 0 {
			continue
		}
		edits := f.Fixes[0].Edits
		ok := len(edits) > 0
		for _, e := range edits {
			if e.File == "-" || !fileExists(e.File) {
				ok = false
				break
			}
			if _, seen := original[e.File]; !seen {
				// The loader keeps File.Data without a byte order mark; fixes apply to the bytes
				// on disk, which Apply reads BOM-aware.
				data, err := os.ReadFile(e.File)
				if err != nil {
					return nil, nil, fmt.Errorf("cannot read %s to fix it: %w", e.File, unwrapPathError(err))
				}
				// The edits' positions are those of the content linted: a file that another
				// program changed since (an editor, a formatter in another hook) is not fixed.
				if want, ok := linted[e.File]; !ok || !bytes.Equal(load.TrimBOM(data), want) {
					return nil, nil, fmt.Errorf("%s changed while it was linted: nothing fixed; run again", e.File)
				}
				original[e.File] = data
			}
		}
		if ok {
			fixable = append(fixable, f)
		}
	}
	fixed, err = fix.Apply(original, fixable)
	return original, fixed, err
}

// fileExists reports whether path names a regular file in the working tree (a file of a
// --base revision is named REV:path and is not one).
func fileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// inputPaths returns the PATH arguments, "." when there are none, after checking that each
// can be read ("-" is stdin).
func inputPaths(paths []string) ([]string, error) {
	if len(paths) == 0 {
		return []string{"."}, nil
	}
	for _, p := range paths {
		if p == "-" {
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", p, unwrapPathError(err))
		}
		// A named pipe blocks until another program opens it for writing, which may be never;
		// a device reads without end. Streams come in on stdin, as "-".
		if !fi.Mode().IsRegular() && !fi.IsDir() {
			return nil, fmt.Errorf("cannot read %s: not a regular file or directory (%s); pipe a stream to \"-\" instead", p, fileKind(fi.Mode()))
		}
	}
	return paths, nil
}

// fileKind names the type of a file that is neither regular nor a directory.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "mode " + m.Type().String()
}

// unwrapPathError drops the operation and path of an *os.PathError, which the message
// already names.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// repoRoot returns the repository root: dir when given, else the git top level above start,
// else "" (no repository).
func repoRoot(dir, start string) (string, error) {
	if dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", fmt.Errorf("--repo-root %s: %w", dir, err)
		}
		if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
			return "", fmt.Errorf("--repo-root %s: not a directory", dir)
		}
		return abs, nil
	}
	if start == "-" {
		start = "."
	}
	d, err := filepath.Abs(start)
	if err != nil {
		return "", fmt.Errorf("finding the repository root of %s: %w", start, err)
	}
	if fi, err := os.Stat(d); err == nil && !fi.IsDir() {
		d = filepath.Dir(d)
	}
	for {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", nil
		}
		d = parent
	}
}

// loadConfig reads the configuration (--config, or the file found from the first path up to
// the root) and applies the flags over it.
func loadConfig(o *lintOptions, start, root string, catalogue []*lint.Rule) (*config.Config, error) {
	path := o.config
	if path == "" {
		found, err := config.Find(start, root)
		if err != nil {
			return nil, err
		}
		path = relToWorkDir(found)
	}
	cfg := config.Default()
	if path != "" {
		var err error
		if cfg, err = config.Load(path, catalogue); err != nil {
			return nil, err
		}
	}
	if o.maxFileSize != "" {
		size, err := config.ParseSize(o.maxFileSize)
		if err != nil {
			return nil, fmt.Errorf("--max-file-size: %w", err)
		}
		cfg.MaxFileSize = size
	}
	if o.unreached {
		cfg.LintUnreached = true
	}
	for _, op := range o.ruleOps {
		var err error
		switch op.flag {
		case "enable":
			err = cfg.Enable(catalogue, op.rule)
		case "disable":
			err = cfg.SetSeverity(catalogue, op.rule, lint.Off)
		case "severity":
			var s lint.Severity
			if op.level == "" {
				err = fmt.Errorf("%q is not RULE=LEVEL", op.rule)
			} else if s, err = lint.ParseSeverity(op.level); err == nil {
				err = cfg.SetSeverity(catalogue, op.rule, s)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("--%s: %w", op.flag, err)
		}
	}
	return cfg, nil
}

// useColor says whether the text output is coloured: --color always colours it (also into
// --output), --color never and --no-color never do, and auto colours a terminal unless
// NO_COLOR is set (https://no-color.org).
func useColor(o *lintOptions, stdout io.Writer) bool {
	switch {
	case o.noColor || o.color == "never":
		return false
	case o.color == "always":
		return true
	}
	return o.output == "" && os.Getenv("NO_COLOR") == "" && isTerminal(stdout)
}

// writeFindings writes the findings to --output or stdout, coloured as useColor says.
func writeFindings(o *lintOptions, res *lint.Result, catalogue []*lint.Rule, root string, stdout io.Writer) (err error) {
	w := stdout
	if o.output != "" {
		f, err := os.Create(o.output)
		if err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		defer func() {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("--output: %w", cerr)
			}
		}()
		w = f
	}
	wd, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("finding the working directory: %w", err)
	}
	if root == "" {
		root = wd
	}
	opts := output.Options{
		Color:       useColor(o, stdout),
		Root:        root,
		WorkDir:     wd,
		ToolVersion: version(),
	}
	return output.Write(w, o.format, res, catalogue, opts)
}

// relToWorkDir shortens an absolute path below the working directory to a relative one, so
// that messages name files as the user would.
func relToWorkDir(p string) string {
	wd, err := os.Getwd()
	if p == "" || err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// exitStatus is exitFindings when a finding is at or above failOn.
func exitStatus(res *lint.Result, failOn string) int {
	if failOn == "none" {
		return exitOK
	}
	threshold, err := lint.ParseSeverity(failOn)
	if err != nil {
		threshold = lint.Error
	}
	for _, f := range res.Findings {
		if f.Severity >= threshold {
			return exitFindings
		}
	}
	return exitOK
}

// plural picks the singular or plural form for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
