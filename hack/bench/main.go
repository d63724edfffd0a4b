// Command bench measures ambientlint side by side with its peers and with the floor, on
// generated GitOps trees, and prints the figures as a Markdown table:
//
//	go -C hack run ./bench                               # 80 (49 files), 1,000, 10,000 and 50,000 objects, 5 runs
//	go -C hack run ./bench -objects 1000,10000 -runs 3   # quicker
//	go -C hack run ./bench -out /tmp/bench.md            # also write the Markdown to a file
//
// Run it from inside the module. It generates the trees with package internal/gentree into a
// temporary directory, builds ambientlint (go build ./cmd/ambientlint) and the floor
// (hack/bench/floor: reads and decodes every YAML document with gopkg.in/yaml.v3 on one
// goroutine, the least any YAML linter must do) and the start-up floor (hack/bench/startup:
// links the libraries ambientlint calls and exits, what any program calling them pays
// before its main function runs) fresh into the same directory, and runs every
// command on every tree -runs times, interleaved (A B C A B C, not A A B B C C), after -warmup
// untimed runs. For each run it records the wall time, the user+system CPU time and the peak
// resident set size of the child process (getrusage), and it reports the medians, their
// minimum and maximum, and the ratios to the floor.
//
// ambientlint runs twice: with its Go rules, and with --engine rego (the bundled Rego twins
// evaluated in-process). The peers, measured when they are installed (hack/peers.sh installs
// both):
//
//   - istioctl analyze --use-kube=false -A DIR: found with -istioctl, else in
//     ${AMBIENTKIT_CACHE:-$HOME/.cache/ambientkit}/bin, else on PATH.
//   - conftest test --combine --all-namespaces -p REPO/rego/policy DIR: the same bundle, every
//     rule (--combine); found with -conftest, else in the same cache folder, else on PATH.
//
// A peer that is not installed is listed as such, with how to install it. A run that fails
// (an exit status that is not the command's "ran and reported findings" status, or a crash,
// or "too many open files" on standard error) is a result too: the table gives its exit status
// and the last line of its standard error, and its times are the times to failure.
//
// ambientlint runs with --fail-on none, so only exit status 0 is success. istioctl analyze
// exits 0 when it found nothing, 79 when its analyzers found issues and 65 when some files
// could not be parsed (istioctl/cmd/sysexits.go); 1 and 64 are failures. conftest exits 1 both
// for policy failures and for errors; an "Error:" line on standard error tells them apart.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ambientkit/ambientkit/internal/gentree"
)

// Versions that hack/peers.sh installs; the bench names them in its "not installed" advice.
const (
	istioctlModule = "istio.io/istio/istioctl/cmd/istioctl@v0.0.0-20260827124520-eed52ebb66ad"
	conftestModule = "github.com/open-policy-agent/conftest@v0.71.1"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

type options struct {
	objects  []int
	small    int
	runs     int
	warmup   int
	out      string
	istioctl string
	conftest string
	src      string
	keep     bool
	timeout  time.Duration
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	objects := fs.String("objects", "1000,10000,50000", "comma-separated object counts of the generated `trees`")
	fs.IntVar(&o.small, "small", 80, "objects in the extra small tree (80 objects make 49 files); 0 for none")
	fs.IntVar(&o.runs, "runs", 5, "timed runs of each command on each tree")
	fs.IntVar(&o.warmup, "warmup", 1, "untimed runs of each command on each tree before the timed ones")
	fs.StringVar(&o.out, "out", "", "also write the Markdown report to `FILE`")
	fs.StringVar(&o.istioctl, "istioctl", "", "istioctl binary (`PATH`); default: the ambientkit cache, then $PATH")
	fs.StringVar(&o.conftest, "conftest", "", "conftest binary (`PATH`); default: the ambientkit cache, then $PATH")
	fs.StringVar(&o.src, "src", "", "module `DIR` to build ambientlint from (e.g. a git worktree); default: this module")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory with the trees and binaries")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "kill a single run after this `duration` (it then counts as failed)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go -C hack run ./bench [flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for f := range strings.SplitSeq(*objects, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return o, fmt.Errorf("-objects: %q is not a positive number", f)
		}
		if !slices.Contains(o.objects, n) {
			o.objects = append(o.objects, n)
		}
	}
	slices.Sort(o.objects)
	if o.runs < 1 {
		return o, fmt.Errorf("-runs must be at least 1, not %d", o.runs)
	}
	if o.warmup < 0 || o.small < 0 {
		return o, errors.New("-warmup and -small must not be negative")
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	root, hack, err := moduleRoots()
	if err != nil {
		return err
	}
	src := root
	if o.src != "" {
		if src, err = filepath.Abs(o.src); err != nil {
			return err
		}
	}
	tmp, err := os.MkdirTemp("", "ambientlint-bench-")
	if err != nil {
		return fmt.Errorf("creating the temporary directory: %w", err)
	}
	if o.keep {
		fmt.Fprintf(stderr, "bench: keeping %s\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}

	rep := report{Args: strings.Join(args, " "), Runs: o.runs, Warmup: o.warmup, Scaling: o.objects}
	rep.Env = environment(src)

	// Binaries, built fresh: a binary that has sat in the page cache for long runs measurably
	// slower on this project's reference VM (BENCHMARKS.md).
	bin := filepath.Join(tmp, "bin")
	lint := filepath.Join(bin, "ambientlint")
	floor := filepath.Join(bin, "floor")
	startup := filepath.Join(bin, "startup")
	for _, b := range []struct{ dir, out, pkg string }{
		{src, lint, "./cmd/ambientlint"},
		{hack, floor, "./bench/floor"},
		{hack, startup, "./bench/startup"},
	} {
		line, err := goBuild(b.dir, b.out, b.pkg)
		if err != nil {
			return err
		}
		rep.Builds = append(rep.Builds, line)
	}

	cmds := []command{
		{Name: "floor", Path: floor, Args: []string{"DIR"}, Classify: classifyZero},
		{Name: "start-up floor", Path: startup, Classify: classifyZero},
		{Name: "ambientlint", Path: lint, Args: []string{"--fail-on", "none", "DIR"}, Classify: classifyZero},
		{Name: "ambientlint --engine rego", Path: lint, Args: []string{"--fail-on", "none", "--engine", "rego", "DIR"}, Classify: classifyZero},
	}
	if p, how := findPeer(o.istioctl, "istioctl", istioctlModule); p != "" {
		cmds = append(cmds, command{Name: "istioctl analyze", Path: p, Version: moduleVersion(p),
			Args: []string{"analyze", "--use-kube=false", "-A", "DIR"}, Classify: classifyIstioctl})
	} else {
		rep.Missing = append(rep.Missing, "istioctl analyze: "+how)
	}
	rego := filepath.Join(root, "rego", "policy")
	if st, err := os.Stat(rego); err != nil || !st.IsDir() {
		rep.Missing = append(rep.Missing, "conftest: skipped, the repository has no rego/ directory ("+rego+")")
	} else if p, how := findPeer(o.conftest, "conftest", conftestModule); p != "" {
		cmds = append(cmds, command{Name: "conftest", Path: p, Version: moduleVersion(p),
			Args: []string{"test", "--combine", "--all-namespaces", "-p", rego, "DIR"}, Classify: classifyConftest})
	} else {
		rep.Missing = append(rep.Missing, "conftest: "+how)
	}
	for _, c := range cmds {
		rep.Commands = append(rep.Commands, commandLine{Name: c.Name, Line: c.line("DIR"), Version: c.Version})
	}

	// Trees.
	counts := slices.Clone(o.objects)
	if o.small > 0 && !slices.Contains(counts, o.small) {
		counts = append(counts, o.small)
	}
	slices.Sort(counts)
	var trees []tree
	for _, n := range counts {
		dir := filepath.Join(tmp, "trees", strconv.Itoa(n))
		fmt.Fprintf(stderr, "bench: generating %d objects into %s\n", n, dir)
		if err := gentree.GenerateTree(dir, n); err != nil {
			return fmt.Errorf("generating the %d-object tree: %w", n, err)
		}
		t, err := measureTree(dir, n)
		if err != nil {
			return err
		}
		trees = append(trees, t)
	}
	rep.Trees = trees

	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer devnull.Close()

	rep.Env.LoadBefore = loadAverage()
	for _, t := range trees {
		results := make([]result, len(cmds))
		for i, c := range cmds {
			results[i] = result{Objects: t.Objects, Command: c.Name}
		}
		for r := -o.warmup; r < o.runs; r++ {
			for i, c := range cmds {
				s := c.measure(t.Dir, devnull, o.timeout)
				what := "warm-up"
				if r >= 0 {
					what = fmt.Sprintf("run %d/%d", r+1, o.runs)
					results[i].Samples = append(results[i].Samples, s)
				}
				fmt.Fprintf(stderr, "bench: %d objects, %s, %s: %s, %s CPU, %s\n", t.Objects, c.Name, what,
					s.Wall.Round(time.Millisecond), s.CPU.Round(time.Millisecond), s.describe())
			}
		}
		rep.Results = append(rep.Results, results...)
	}
	rep.Env.LoadAfter = loadAverage()

	var md bytes.Buffer
	renderMarkdown(&md, rep)
	if _, err := stdout.Write(md.Bytes()); err != nil {
		return err
	}
	if o.out != "" {
		if err := os.WriteFile(o.out, md.Bytes(), 0o644); err != nil {
			return fmt.Errorf("writing -out: %w", err)
		}
	}
	return nil
}

// command is one of the programs measured.
type command struct {
	Name    string
	Path    string
	Version string   // module and version of a peer, from go version -m
	Args    []string // "DIR" stands for the tree's directory
	// Classify judges a finished run by its exit status and standard error.
	Classify func(code int, stderr string) (outcome, string)
}

func (c command) args(dir string) []string {
	out := make([]string, len(c.Args))
	for i, a := range c.Args {
		if a == "DIR" {
			a = dir
		}
		out[i] = a
	}
	return out
}

func (c command) line(dir string) string {
	return strings.Join(append([]string{c.Path}, c.args(dir)...), " ")
}

// measure runs c once on dir, its standard output discarded.
func (c command) measure(dir string, devnull *os.File, timeout time.Duration) sample {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.Path, c.args(dir)...)
	cmd.Stdout = devnull
	errTail := &tailBuffer{max: 16 << 10}
	cmd.Stderr = errTail
	start := time.Now()
	err := cmd.Run()
	s := sample{Wall: time.Since(start)}
	if ps := cmd.ProcessState; ps != nil {
		s.CPU = ps.UserTime() + ps.SystemTime()
		s.RSS = maxRSS(ps)
		s.Code = ps.ExitCode()
		s.Exit = exitDescription(ps)
	}
	s.Stderr = lastLine(errTail.String())
	switch {
	case ctx.Err() != nil:
		s.Outcome, s.Exit = failed, "timed out after "+timeout.String()
	case cmd.ProcessState == nil:
		s.Outcome, s.Exit, s.Stderr = failed, "did not start", err.Error()
	case crashed(errTail.String()):
		s.Outcome = failed
	default:
		var label string
		s.Outcome, label = c.Classify(s.Code, errTail.String())
		if label != "" {
			s.Exit = label
		}
	}
	return s
}

func exitDescription(ps *os.ProcessState) string {
	if ps.ExitCode() >= 0 {
		return "exit " + strconv.Itoa(ps.ExitCode())
	}
	return ps.String() // "signal: killed"
}

// crashed reports whether standard error shows a failure whatever the exit status.
func crashed(stderr string) bool {
	for _, s := range []string{"too many open files", "panic: ", "fatal error: ", "out of memory"} {
		if strings.Contains(strings.ToLower(stderr), s) {
			return true
		}
	}
	return false
}

// classifyZero: exit status 0 is success, anything else a failure.
func classifyZero(code int, _ string) (outcome, string) {
	if code == 0 {
		return ok, ""
	}
	return failed, ""
}

// classifyIstioctl follows istioctl/cmd/sysexits.go: 79 means the analyzers found issues, 65
// that some files could not be parsed (the rest were analysed); 1 (unknown error) and 64
// (usage) are failures.
func classifyIstioctl(code int, _ string) (outcome, string) {
	switch code {
	case 0:
		return ok, ""
	case 79:
		return reported, "findings (exit 79)"
	case 65:
		return reported, "some files not parsed (exit 65)"
	}
	return failed, ""
}

// classifyConftest: conftest exits 1 both when a policy fails and on an error; only an error
// prints "Error:" on standard error.
func classifyConftest(code int, stderr string) (outcome, string) {
	switch {
	case code == 0:
		return ok, ""
	case code == 1 && !strings.Contains(stderr, "Error:"):
		return reported, "findings (exit 1)"
	}
	return failed, ""
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.buf) }

// lastLine returns the last non-blank line of s, trimmed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// measureTree counts the files and bytes of the generated tree in dir.
func measureTree(dir string, objects int) (tree, error) {
	t := tree{Objects: objects, Dir: dir}
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		t.Files++
		t.Bytes += info.Size()
		return nil
	})
	if err != nil {
		return t, fmt.Errorf("measuring the %d-object tree: %w", objects, err)
	}
	return t, nil
}

// goBuild builds pkg in the module at dir into out, and returns the command line.
func goBuild(dir, out, pkg string) (string, error) {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	line := fmt.Sprintf("(cd %s && go build -o %s %s)", dir, out, pkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		return line, fmt.Errorf("building %s in %s: %v\n%s(to measure a committed version while the work tree does not build: "+
			"git worktree add /tmp/bench-wt HEAD, then -src /tmp/bench-wt)", pkg, dir, err, b)
	}
	return line, nil
}

// moduleRoots returns the directories of the ambientkit module (which the bench builds
// ambientlint from) and of the hack module beside it (which holds the floor): hack is a
// module of its own so that the root module's only commands are the ones it ships.
func moduleRoots() (root, hack string, err error) {
	b, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(b))
	usage := errors.New("run it from the hack module of ambientkit: go -C hack run ./bench")
	if gomod == "" || gomod == os.DevNull {
		return "", "", usage
	}
	hack = filepath.Dir(gomod)
	root = filepath.Dir(hack)
	if _, err := os.Stat(filepath.Join(root, "cmd", "ambientlint")); err != nil {
		return "", "", usage
	}
	return root, hack, nil
}

// findPeer returns the peer's path, or "" and what to do about it. An explicit path must
// exist; otherwise the ambientkit cache (where hack/peers.sh installs) comes before $PATH.
func findPeer(flagPath, name, module string) (path, how string) {
	install := fmt.Sprintf("not installed (hack/peers.sh, or GOBIN=DIR go install %s)", module)
	if flagPath != "" {
		if p, err := exec.LookPath(flagPath); err == nil {
			return p, ""
		}
		return "", fmt.Sprintf("not found at -%s %s; %s", name, flagPath, install)
	}
	cache := os.Getenv("AMBIENTKIT_CACHE")
	if cache == "" {
		if home, err := os.UserHomeDir(); err == nil {
			cache = filepath.Join(home, ".cache", "ambientkit")
		}
	}
	if cache != "" {
		if p, err := exec.LookPath(filepath.Join(cache, "bin", name)); err == nil {
			return p, ""
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, ""
	}
	return "", install
}

// moduleVersion returns the main module and version recorded in a Go binary, or "".
func moduleVersion(path string) string {
	b, err := exec.Command("go", "version", "-m", path).Output()
	if err != nil {
		return ""
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == "mod" {
			return f[1] + " " + f[2]
		}
	}
	return ""
}

func environment(src string) env {
	e := env{NProc: runtime.NumCPU(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := exec.Command("go", "version").Output(); err == nil {
		e.GoVersion = strings.TrimSpace(string(b))
	}
	// Ask a child: a Go program raises its own soft limit of open files at start, and gives its
	// children the limit it was started with.
	if b, err := exec.Command("sh", "-c", "echo $(ulimit -Sn) $(ulimit -Hn)").Output(); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			e.Ulimit = f[0] + " (hard " + f[1] + ")"
		}
	}
	if e.Ulimit == "" {
		e.Ulimit = "unknown"
	}
	cmd := exec.Command("git", "describe", "--always", "--dirty")
	cmd.Dir = src
	if b, err := cmd.Output(); err == nil {
		e.Source = strings.TrimSpace(string(b))
	}
	return e
}

// loadAverage returns the one-minute load average, or "" where /proc/loadavg is missing.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return ""
}
