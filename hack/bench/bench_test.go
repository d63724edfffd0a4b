package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []float64
		want stats
	}{
		{"none", nil, stats{}},
		{"one", []float64{3}, stats{3, 3, 3}},
		{"odd count, unsorted", []float64{5, 1, 4, 2, 3}, stats{3, 1, 5}},
		{"even count: the mean of the middle two", []float64{4, 1, 3, 2}, stats{2.5, 1, 4}},
		{"repeated values", []float64{2, 2, 9}, stats{2, 2, 9}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]float64(nil), tc.in...)
			if got := summarize(in); got != tc.want {
				t.Errorf("summarize(%v) = %+v, want %+v", tc.in, got, tc.want)
			}
			if !cmp.Equal(in, tc.in) {
				t.Errorf("summarize reordered its input: %v", in)
			}
		})
	}
}

func ms(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

func runs(wallMS, cpuMS []float64, rssMiB float64) []sample {
	var out []sample
	for i := range wallMS {
		out = append(out, sample{Wall: ms(wallMS[i]), CPU: ms(cpuMS[i]), RSS: int64(rssMiB * (1 << 20))})
	}
	return out
}

func TestRenderMarkdown(t *testing.T) {
	tooMany := sample{Wall: ms(900), CPU: ms(1200), RSS: 300 << 20, Code: 1, Exit: "exit 1", Outcome: failed,
		Stderr: "Error: open a|b.yaml: too many open files"}
	findings := func(s sample) sample { s.Outcome, s.Code, s.Exit = reported, 79, "findings (exit 79)"; return s }
	rep := report{
		Args: "-objects 10000,50000 -runs 3", Runs: 3, Warmup: 1, Scaling: []int{10000, 50000},
		Env: env{GoVersion: "go version go1.26.8 linux/amd64", NProc: 2, Ulimit: "1024 (hard 4096)",
			Source: "abc1234-dirty", LoadBefore: "0.50", LoadAfter: "1.25"},
		Builds: []string{"(cd /src && go build -o /t/bin/ambientlint ./cmd/ambientlint)"},
		Commands: []commandLine{
			{Name: "floor", Line: "/t/bin/floor DIR"},
			{Name: "istioctl analyze", Line: "/c/istioctl analyze --use-kube=false -A DIR", Version: "istio.io/istio v0.0.0-x"},
		},
		Missing: []string{"conftest: not installed (hack/peers.sh)"},
		Trees: []tree{
			{Objects: 10000, Files: 6072, Bytes: 4_400_000},
			{Objects: 50000, Files: 30358, Bytes: 22_000_000},
		},
		Results: []result{
			{Objects: 10000, Command: "floor", Samples: runs([]float64{310, 300, 320}, []float64{300, 290, 310}, 20)},
			{Objects: 10000, Command: "ambientlint", Samples: runs([]float64{700, 650, 810}, []float64{1300, 1200, 1400}, 182)},
			{Objects: 10000, Command: "istioctl analyze", Samples: []sample{
				findings(sample{Wall: ms(9000), CPU: ms(15000), RSS: 900 << 20}),
				findings(sample{Wall: ms(9500), CPU: ms(15500), RSS: 910 << 20}),
				findings(sample{Wall: ms(8800), CPU: ms(14500), RSS: 905 << 20}),
			}},
			{Objects: 50000, Command: "floor", Samples: runs([]float64{1500, 1550, 1600}, []float64{1450, 1500, 1550}, 60)},
			{Objects: 50000, Command: "ambientlint", Samples: runs([]float64{3600, 3500, 3700}, []float64{6000, 5900, 6100}, 700)},
			{Objects: 50000, Command: "istioctl analyze", Samples: []sample{tooMany, tooMany, tooMany}},
		},
	}
	var b strings.Builder
	renderMarkdown(&b, rep)
	want := "## ambientlint side by side with its peers and the floor\n" +
		"\n" +
		"`go -C hack run ./bench -objects 10000,50000 -runs 3`, 3 timed runs of each command on each tree, interleaved, after 1 warm-up run(s).\n" +
		"\n" +
		"| | |\n" +
		"|---|---|\n" +
		"| source | `abc1234-dirty` |\n" +
		"| go version | `go version go1.26.8 linux/amd64` |\n" +
		"| nproc | 2 |\n" +
		"| ulimit -n | 1024 (hard 4096) |\n" +
		"| load average (1 min) | 0.50 before, 1.25 after |\n" +
		"\n" +
		"| objects | files | MB | command | status | wall median (min–max) | CPU median (min–max) | peak RSS median (min–max) | wall ÷ floor | CPU ÷ floor |\n" +
		"|---:|---:|---:|---|---|---:|---:|---:|---:|---:|\n" +
		"| 10,000 | 6,072 | 4.40 | floor | ok | 310.0 ms (300.0–320.0) | 300.0 ms (290.0–310.0) | 20.0 MiB (20.0–20.0) | — | — |\n" +
		"| 10,000 | 6,072 | 4.40 | ambientlint | ok | 700.0 ms (650.0–810.0) | 1.30 s (1.20–1.40) | 182 MiB (182–182) | 2.3× | 4.3× |\n" +
		"| 10,000 | 6,072 | 4.40 | istioctl analyze | findings (exit 79) | 9.00 s (8.80–9.50) | 15.00 s (14.50–15.50) | 905 MiB (900–910) | 29.0× | 50.0× |\n" +
		"| 50,000 | 30,358 | 22.00 | floor | ok | 1.55 s (1.50–1.60) | 1.50 s (1.45–1.55) | 60.0 MiB (60.0–60.0) | — | — |\n" +
		"| 50,000 | 30,358 | 22.00 | ambientlint | ok | 3.60 s (3.50–3.70) | 6.00 s (5.90–6.10) | 700 MiB (700–700) | 2.3× | 4.0× |\n" +
		"| 50,000 | 30,358 | 22.00 | istioctl analyze | **failed** 3/3: exit 1: `Error: open a\\|b.yaml: too many open files` | 900.0 ms (900.0–900.0) | 1.20 s (1.20–1.20) | 300 MiB (300–300) | — | — |\n" +
		"\n" +
		"Growth of the medians (on a loaded machine CPU time is the steadier figure):\n" +
		"\n" +
		"- 10,000 → 50,000 objects (5.0× the objects): ambientlint wall 5.1×, CPU 4.6×; floor wall 5.0×, CPU 5.0×\n" +
		"\n" +
		"Not measured:\n" +
		"\n" +
		"- conftest: not installed (hack/peers.sh)\n" +
		"\n" +
		"Commands (DIR is the tree; trees from `gentree.GenerateTree(DIR, objects)`, as `go -C hack run ./gentree DIR OBJECTS`):\n" +
		"\n" +
		"```\n" +
		"(cd /src && go build -o /t/bin/ambientlint ./cmd/ambientlint)\n" +
		"/t/bin/floor DIR\n" +
		"/c/istioctl analyze --use-kube=false -A DIR\n" +
		"    # istioctl analyze: istio.io/istio v0.0.0-x\n" +
		"```\n" +
		"\n" +
		"Wall time is from start to exit of the process; CPU is its user+system time; peak RSS its maximum resident set size (getrusage). " +
		"Ratios compare medians with the floor's on the same tree. A failed run's times are times to failure; " +
		"the status gives the first failure's exit status and last line of standard error.\n"
	if got := b.String(); got != want {
		t.Errorf("renderMarkdown: (-want +got)\n%s", cmp.Diff(want, got))
	}
}

func TestSummarizeResultMixed(t *testing.T) {
	r := result{Command: "istioctl analyze", Samples: []sample{
		{Wall: ms(100), Outcome: ok},
		{Wall: ms(50), Outcome: failed, Exit: "signal: killed"},
		{Wall: ms(300), Outcome: reported, Exit: "findings (exit 79)"},
	}}
	s := summarizeResult(r)
	if want := "ok, findings (exit 79); **failed** 1/3: signal: killed"; s.Status != want {
		t.Errorf("status = %q, want %q", s.Status, want)
	}
	if want := (stats{Median: 0.2, Min: 0.1, Max: 0.3}); s.Wall != want {
		t.Errorf("wall = %+v, want %+v (the successful runs only)", s.Wall, want)
	}
	if !s.OK {
		t.Error("OK = false with two successful runs")
	}
}
