package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// outcome is how a run ended.
type outcome int

const (
	ok       outcome = iota // exit status 0
	reported                // the command's "ran and reported findings" status
	failed                  // anything else: an error, a crash, a timeout
)

// sample is one timed run.
type sample struct {
	Wall, CPU time.Duration
	RSS       int64 // peak resident set size in bytes; 0 when unknown
	Code      int
	Exit      string // "exit 1", "findings (exit 79)", "signal: killed"
	Outcome   outcome
	Stderr    string // the last line of standard error
}

func (s sample) describe() string {
	if s.Exit == "" {
		return "exit 0"
	}
	if s.Outcome == failed && s.Stderr != "" {
		return s.Exit + ": " + s.Stderr
	}
	return s.Exit
}

// tree is a generated tree.
type tree struct {
	Objects int
	Files   int
	Bytes   int64
	Dir     string
}

// result is every timed run of one command on one tree.
type result struct {
	Objects int
	Command string
	Samples []sample
}

type commandLine struct{ Name, Line, Version string }

type env struct {
	GoVersion, Platform, Ulimit, Source string
	NProc                               int
	LoadBefore, LoadAfter               string
}

// report is everything the Markdown shows.
type report struct {
	Args     string // the flags bench ran with
	Runs     int
	Warmup   int
	Scaling  []int // the -objects counts, ascending, between which growth is reported
	Env      env
	Builds   []string
	Commands []commandLine
	Missing  []string // peers not measured, and why
	Trees    []tree
	Results  []result // by tree, then in the order of Commands
}

// stats are the median, minimum and maximum of a series.
type stats struct{ Median, Min, Max float64 }

// summarize returns the median (the mean of the middle two for an even count), minimum and
// maximum of xs; all zero for none.
func summarize(xs []float64) stats {
	if len(xs) == 0 {
		return stats{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stats{Median: m, Min: s[0], Max: s[len(s)-1]}
}

// summary condenses a result: statistics over its successful runs (those that ran and
// reported), or over all runs, as times to failure, when none succeeded.
type summary struct {
	Wall, CPU, RSS stats
	OK             bool   // at least one run succeeded
	Status         string // Markdown
}

func summarizeResult(r result) summary {
	var good, bad []sample
	for _, s := range r.Samples {
		if s.Outcome == failed {
			bad = append(bad, s)
		} else {
			good = append(good, s)
		}
	}
	use := good
	if len(good) == 0 {
		use = bad
	}
	var wall, cpu, rss []float64
	for _, s := range use {
		wall = append(wall, s.Wall.Seconds())
		cpu = append(cpu, s.CPU.Seconds())
		rss = append(rss, float64(s.RSS))
	}
	sum := summary{Wall: summarize(wall), CPU: summarize(cpu), RSS: summarize(rss), OK: len(good) > 0}
	var parts []string
	if len(good) > 0 {
		// The exit labels of the successful runs, in order of first appearance.
		var labels []string
		for _, s := range good {
			l := s.Exit
			if s.Outcome == ok {
				l = "ok"
			}
			if !slices.Contains(labels, l) {
				labels = append(labels, l)
			}
		}
		parts = append(parts, strings.Join(labels, ", "))
	}
	if len(bad) > 0 {
		// The first failure speaks for the others.
		parts = append(parts, fmt.Sprintf("**failed** %d/%d: %s", len(bad), len(r.Samples), bad[0].Exit))
		if bad[0].Stderr != "" {
			parts[len(parts)-1] += ": " + code(truncate(bad[0].Stderr, 120))
		}
	}
	sum.Status = strings.Join(parts, "; ")
	return sum
}

// renderMarkdown writes the report as Markdown.
func renderMarkdown(w io.Writer, rep report) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("## ambientlint side by side with its peers and the floor\n\n")
	cmdline := "go -C hack run ./bench"
	if rep.Args != "" {
		cmdline += " " + rep.Args
	}
	p("`%s`, %d timed runs of each command on each tree, interleaved, after %d warm-up run(s).\n\n",
		cmdline, rep.Runs, rep.Warmup)
	p("| | |\n|---|---|\n")
	if rep.Env.Source != "" {
		p("| source | %s |\n", code(rep.Env.Source))
	}
	p("| go version | %s |\n", code(rep.Env.GoVersion))
	p("| nproc | %d |\n", rep.Env.NProc)
	p("| ulimit -n | %s |\n", rep.Env.Ulimit)
	if rep.Env.LoadBefore != "" {
		p("| load average (1 min) | %s before, %s after |\n", rep.Env.LoadBefore, rep.Env.LoadAfter)
	}
	p("\n")

	p("| objects | files | MB | command | status | wall median (min–max) | CPU median (min–max) | peak RSS median (min–max) | wall ÷ floor | CPU ÷ floor |\n")
	p("|---:|---:|---:|---|---|---:|---:|---:|---:|---:|\n")
	sums := make(map[[2]string]summary)
	key := func(objects int, cmd string) [2]string { return [2]string{fmt.Sprint(objects), cmd} }
	for _, r := range rep.Results {
		sums[key(r.Objects, r.Command)] = summarizeResult(r)
	}
	for _, t := range rep.Trees {
		floor, haveFloor := sums[key(t.Objects, "floor")]
		haveFloor = haveFloor && floor.OK
		for _, r := range rep.Results {
			if r.Objects != t.Objects {
				continue
			}
			s := sums[key(r.Objects, r.Command)]
			wallRatio, cpuRatio := "—", "—"
			if r.Command != "floor" && s.OK && haveFloor {
				wallRatio = ratio(s.Wall.Median, floor.Wall.Median)
				cpuRatio = ratio(s.CPU.Median, floor.CPU.Median)
			}
			p("| %s | %s | %.2f | %s | %s | %s | %s | %s | %s | %s |\n",
				thousands(t.Objects), thousands(t.Files), float64(t.Bytes)/1e6, r.Command, s.Status,
				durations(s.Wall), durations(s.CPU), mebibytes(s.RSS), wallRatio, cpuRatio)
		}
	}
	p("\n")

	// Growth of the wall and CPU time between consecutive -objects trees.
	var growth []string
	for i := 1; i < len(rep.Scaling); i++ {
		a, b := rep.Scaling[i-1], rep.Scaling[i]
		la, oka := sums[key(a, "ambientlint")]
		lb, okb := sums[key(b, "ambientlint")]
		if !oka || !okb || !la.OK || !lb.OK {
			continue
		}
		g := fmt.Sprintf("%s → %s objects (%s the objects): ambientlint wall %s, CPU %s", thousands(a), thousands(b),
			ratio(float64(b), float64(a)), ratio(lb.Wall.Median, la.Wall.Median), ratio(lb.CPU.Median, la.CPU.Median))
		if fa, fb := sums[key(a, "floor")], sums[key(b, "floor")]; fa.OK && fb.OK {
			g += fmt.Sprintf("; floor wall %s, CPU %s", ratio(fb.Wall.Median, fa.Wall.Median), ratio(fb.CPU.Median, fa.CPU.Median))
		}
		growth = append(growth, g)
	}
	if len(growth) > 0 {
		p("Growth of the medians (on a loaded machine CPU time is the steadier figure):\n\n")
		for _, g := range growth {
			p("- %s\n", g)
		}
		p("\n")
	}

	if len(rep.Missing) > 0 {
		p("Not measured:\n\n")
		for _, m := range rep.Missing {
			p("- %s\n", m)
		}
		p("\n")
	}

	p("Commands (DIR is the tree; trees from `gentree.GenerateTree(DIR, objects)`, as `go -C hack run ./gentree DIR OBJECTS`):\n\n```\n")
	for _, b := range rep.Builds {
		p("%s\n", b)
	}
	for _, c := range rep.Commands {
		p("%s\n", c.Line)
		if c.Version != "" {
			p("    # %s: %s\n", c.Name, c.Version)
		}
	}
	p("```\n\n")
	p("Wall time is from start to exit of the process; CPU is its user+system time; peak RSS its " +
		"maximum resident set size (getrusage). Ratios compare medians with the floor's on the same tree. " +
		"A failed run's times are times to failure; the status gives the first failure's exit status and " +
		"last line of standard error.\n")
}

// durations formats stats in seconds as "43.2 ms (40.1–47.0)", in the median's unit.
func durations(s stats) string {
	unit, scale, prec := "s", 1.0, 2
	if s.Median < 1 {
		unit, scale, prec = "ms", 1e3, 1
	}
	return fmt.Sprintf("%.*f %s (%.*f–%.*f)", prec, s.Median*scale, unit, prec, s.Min*scale, prec, s.Max*scale)
}

// mebibytes formats stats in bytes as "182 MiB (180–190)"; "—" when unknown.
func mebibytes(s stats) string {
	if s.Max == 0 {
		return "—"
	}
	const mib = 1 << 20
	prec := 1
	if s.Median >= 100*mib {
		prec = 0
	}
	return fmt.Sprintf("%.*f MiB (%.*f–%.*f)", prec, s.Median/mib, prec, s.Min/mib, prec, s.Max/mib)
}

func ratio(a, b float64) string {
	if b == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f×", a/b)
}

// thousands formats n with comma separators.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// code quotes s as inline Markdown code that is safe in a table cell.
func code(s string) string {
	s = strings.ReplaceAll(s, "`", "'")
	s = strings.ReplaceAll(s, "|", `\|`)
	return "`" + s + "`"
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
