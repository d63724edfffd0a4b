package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// The README holds as written: every sh, console, yaml, json and mermaid block says, in the
// HTML comment on the line above it, how this test checks it, and the test checks it.
//
//	<!-- readme-test: run -->           a console transcript: each "$ " command runs (in one
//	                                    shell per block, all blocks in order in one copy of
//	                                    examples/), and its output (stdout and stderr) must be
//	                                    the lines below it; "go run ./cmd/ambientlint" is the
//	                                    binary this package builds
//	<!-- readme-test: output CMD -->    the block is CMD's output, run in a fresh copy
//	<!-- readme-test: config -->        a configuration file that ambientlint accepts
//	<!-- readme-test: pre-commit -->    a .pre-commit-config.yaml naming this repository's hooks
//	<!-- readme-test: json -->          a valid JSON document
//	<!-- readme-test: excerpt FILE -->  a verbatim piece of FILE (a program that is built and
//	                                    tested), so that the README's code cannot drift
//	<!-- readme-test: skip: REASON -->  what cannot run here (a cluster, the network)
func TestREADME(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeBlocks(string(data))
	if len(blocks) < 10 {
		t.Fatalf("found only %d code blocks in the README", len(blocks))
	}
	work := copyExamples(t)
	ran := 0
	for _, b := range blocks {
		name := fmt.Sprintf("line%d", b.line)
		switch {
		case b.marker == "" && b.lang != "":
			t.Errorf("README.md:%d: a %s block without a <!-- readme-test: … --> comment above it", b.line, b.lang)
		case b.marker == "run":
			t.Run(name, func(t *testing.T) {
				if strings.Contains(b.text, "$ conftest ") && conftestDir(t) == "" {
					t.Skip("conftest is not installed (hack/peers.sh conftest; AMBIENTKIT_CONFTEST)")
				}
				runTranscript(t, work, b)
			})
			ran++
		case strings.HasPrefix(b.marker, "output "):
			t.Run(name, func(t *testing.T) {
				cmd := strings.TrimPrefix(b.marker, "output ")
				got := shell(t, copyExamples(t), cmd)
				if diff := cmp.Diff(b.text, got); diff != "" {
					t.Errorf("README.md:%d: the output of %s (-README +now):\n%s", b.line, cmd, diff)
				}
			})
		case b.marker == "config":
			t.Run(name, func(t *testing.T) {
				p := filepath.Join(t.TempDir(), ".ambientlint.yaml")
				if err := os.WriteFile(p, []byte(b.text), 0o644); err != nil {
					t.Fatal(err)
				}
				if _, err := config.Load(p, rules.All()); err != nil {
					t.Errorf("README.md:%d: the configuration example does not load: %v", b.line, err)
				}
			})
		case b.marker == "pre-commit":
			t.Run(name, func(t *testing.T) { checkPreCommit(t, b) })
		case b.marker == "json":
			if !json.Valid([]byte(b.text)) {
				t.Errorf("README.md:%d: not valid JSON", b.line)
			}
		case strings.HasPrefix(b.marker, "excerpt "):
			// The block is a verbatim piece of a file that is built and tested.
			file := strings.TrimPrefix(b.marker, "excerpt ")
			src, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(file)))
			if err != nil {
				t.Errorf("README.md:%d: %v", b.line, err)
			} else if !strings.Contains(string(src), b.text) {
				t.Errorf("README.md:%d: the block is not a verbatim excerpt of %s", b.line, file)
			}
		case strings.HasPrefix(b.marker, "skip: "):
		case b.marker != "":
			t.Errorf("README.md:%d: unknown readme-test marker %q", b.line, b.marker)
		}
	}
	if ran == 0 {
		t.Error("no transcript ran")
	}
}

// readmeBlock is one fenced code block of the README.
type readmeBlock struct {
	line   int    // of the opening fence
	lang   string // its info string
	marker string // the readme-test comment above it, without the prefix
	text   string // its content, ending with a newline
}

var markerRE = regexp.MustCompile(`^<!-- readme-test: (.*?) -->$`)

// readmeBlocks returns the fenced code blocks of a Markdown text.
func readmeBlocks(md string) []readmeBlock {
	var out []readmeBlock
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		info, ok := strings.CutPrefix(lines[i], "```")
		if !ok {
			continue
		}
		b := readmeBlock{line: i + 1, lang: strings.TrimSpace(info)}
		for j := i - 1; j >= 0 && j >= i-1; j-- {
			if m := markerRE.FindStringSubmatch(lines[j]); m != nil {
				b.marker = m[1]
			}
		}
		var text strings.Builder
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			text.WriteString(lines[i] + "\n")
		}
		b.text = text.String()
		out = append(out, b)
	}
	return out
}

// copyExamples copies examples/ into a new directory, marked as a repository root as a clone
// is (Argo CD source paths resolve from it), and returns it.
func copyExamples(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "examples"), os.DirFS("../../examples")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runTranscript runs the commands of a console block in dir and compares each one's output
// with the lines the README shows below it. A command whose line ends in <<'EOF' takes the
// lines up to EOF as its here-document.
func runTranscript(t *testing.T, dir string, b readmeBlock) {
	type step struct{ cmd, want string }
	var steps []step
	lines := strings.Split(strings.TrimSuffix(b.text, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		cmd, ok := strings.CutPrefix(lines[i], "$ ")
		if !ok {
			if len(steps) == 0 {
				t.Fatalf("README.md:%d: a transcript must start with a $ command", b.line)
			}
			steps[len(steps)-1].want += lines[i] + "\n"
			continue
		}
		if strings.HasSuffix(cmd, "<<'EOF'") {
			for i++; i < len(lines) && lines[i] != "EOF"; i++ {
				cmd += "\n" + lines[i]
			}
			cmd += "\nEOF"
		}
		steps = append(steps, step{cmd: cmd})
	}
	// One shell runs the block, so that $? is the status of the command before (kept across
	// the marker line that splits the output between commands).
	var script strings.Builder
	for i, s := range steps {
		fmt.Fprintf(&script, "status=$?; echo '@@step %d@@'; (exit $status)\n%s\n", i, strings.ReplaceAll(s.cmd, "go run ./cmd/ambientlint", "ambientlint"))
	}
	out := shell(t, dir, script.String())
	parts := regexp.MustCompile(`(?m)^@@step \d+@@\n`).Split(out, -1)
	if len(parts) != len(steps)+1 {
		t.Fatalf("README.md:%d: the transcript's output does not split into its %d steps:\n%s", b.line, len(steps), out)
	}
	for i, s := range steps {
		if diff := cmp.Diff(s.want, parts[i+1]); diff != "" {
			t.Errorf("README.md:%d: $ %s (-README +now):\n%s", b.line, s.cmd, diff)
		}
	}
}

// shell runs a script with sh in dir, with this package's ambientlint binary first on PATH,
// and returns what it wrote to stdout and stderr, interleaved.
func shell(t *testing.T, dir, script string) string {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	path := filepath.Dir(binary) + string(os.PathListSeparator) + os.Getenv("PATH")
	if d := conftestDir(t); d != "" {
		path = filepath.Dir(binary) + string(os.PathListSeparator) + d + string(os.PathListSeparator) + os.Getenv("PATH")
	}
	cmd.Env = append(os.Environ(), "PATH="+path, "NO_COLOR=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	_ = cmd.Run() // a failing command's status is part of the transcript
	return out.String()
}

// conftestDir returns the directory of the conftest binary the README's conftest transcripts
// run (AMBIENTKIT_CONFTEST, which .ci/run sets, else hack/peers.sh's cache), or "" when there
// is none. In CI (CI or AMBIENTKIT_CONFTEST set) a missing binary fails the test.
func conftestDir(t *testing.T) string {
	t.Helper()
	p := os.Getenv("AMBIENTKIT_CONFTEST")
	if p == "" {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, ".cache", "ambientkit", "bin", "conftest")
		}
	}
	fi, err := os.Stat(p)
	if err != nil || fi.IsDir() {
		if os.Getenv("CI") != "" || os.Getenv("AMBIENTKIT_CONFTEST") != "" {
			t.Fatalf("conftest: %v (hack/peers.sh conftest installs it)", err)
		}
		return ""
	}
	if filepath.Base(p) != "conftest" {
		t.Fatalf("AMBIENTKIT_CONFTEST=%s does not name a binary called conftest", p)
	}
	return filepath.Dir(p)
}

// checkPreCommit checks a .pre-commit-config.yaml example: it names this repository, pins
// rev to a release tag (pre-commit warns about a branch), and uses hooks that
// .pre-commit-hooks.yaml defines.
func checkPreCommit(t *testing.T, b readmeBlock) {
	var cfg struct {
		Repos []struct {
			Repo  string `yaml:"repo"`
			Rev   string `yaml:"rev"`
			Hooks []struct {
				ID string `yaml:"id"`
			} `yaml:"hooks"`
		} `yaml:"repos"`
	}
	if err := yaml.Unmarshal([]byte(b.text), &cfg); err != nil || len(cfg.Repos) != 1 {
		t.Fatalf("README.md:%d: not a pre-commit configuration with one repository: %v", b.line, err)
	}
	data, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID string `yaml:"id"`
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	r := cfg.Repos[0]
	if r.Repo != "https://github.com/ambientkit/ambientkit" || !regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(r.Rev) {
		t.Errorf("README.md:%d: repo %q rev %q, want this repository at a release tag", b.line, r.Repo, r.Rev)
	}
	for _, h := range r.Hooks {
		found := false
		for _, d := range hooks {
			found = found || d.ID == h.ID
		}
		if !found {
			t.Errorf("README.md:%d: hook %q is not in .pre-commit-hooks.yaml", b.line, h.ID)
		}
	}
}
