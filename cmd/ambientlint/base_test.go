package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/ambientkit/ambientkit/internal/gittest"
)

// commitFiles writes files (slash-separated path → content) into dir and commits them.
func commitFiles(t *testing.T, dir, message string, files map[string]string) {
	t.Helper()
	gittest.Write(t, dir, files)
	gittest.Run(t, dir, "add", "--all")
	gittest.Run(t, dir, "commit", "--quiet", "-m", message)
}

const (
	sidecarNamespace = `apiVersion: v1
kind: Namespace
metadata:
  name: example-api
  labels:
    istio-injection: enabled
`
	ambientNamespace = `apiVersion: v1
kind: Namespace
metadata:
  name: example-api
  labels:
    istio.io/dataplane-mode: ambient
`
	webDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: example-api
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: example/web:1
`
)

// The change under review moves example-api from sidecars to ambient and leaves the
// Deployment alone; a wildcard ServiceEntry that is older than the change stays out of the
// report unless --all asks for it.
func TestBase(t *testing.T) {
	repo := t.TempDir()
	gittest.Run(t, repo, "init", "--quiet", "--initial-branch=main")
	commitFiles(t, repo, "sidecars", map[string]string{
		"apps/example-api/namespace.yaml":    sidecarNamespace,
		"apps/example-api/deployment.yaml":   webDeployment,
		"apps/example-api/serviceentry.yaml": wildcardServiceEntry,
	})
	commitFiles(t, repo, "ambient", map[string]string{"apps/example-api/namespace.yaml": ambientNamespace})
	outside := t.TempDir()

	const amb201 = `(?m)^apps/example-api/deployment\.yaml:9:3: warning: Deployment example-api/web keeps the same pod template while namespace example-api moves from sidecar injection \(at HEAD~1\) to ambient: .*` +
		"`kubectl -n example-api rollout restart deployment/web`" + `.* \[AMB201 missing-restart\]\n    apps/example-api/namespace\.yaml:6:30: namespace example-api is enrolled in ambient here$`
	tests := []struct {
		name       string
		dir        string
		args       []string
		wantCode   int
		wantStdout string // a regexp the output must match
		notStdout  string // a regexp the output must not match
		wantStderr string
	}{
		{name: "--base reports the workload that needs a restart and hides older findings",
			args: []string{"--base", "HEAD~1"}, wantCode: 0,
			wantStdout: amb201, notStdout: `AMB301`,
			wantStderr: `(?m)^0 errors, 1 warning, 0 infos in 3 files \(3 objects\)\n1 more finding in files unchanged since HEAD~1 \(--all shows them\)$`},
		{name: "the missing restart fails with --fail-on warning",
			args: []string{"--base", "HEAD~1", "--fail-on", "warning", "."}, wantCode: 1, wantStdout: amb201},
		{name: "--all reports the findings of unchanged files too",
			args: []string{"--base", "HEAD~1", "--all"}, wantCode: 1,
			wantStdout: `(?s)serviceentry\.yaml:\d+:\d+: error: .*\[AMB301 wildcard-egress\].*\[AMB201 missing-restart\]|\[AMB201 missing-restart\].*\[AMB301 wildcard-egress\]`},
		{name: "without --base nothing is compared",
			args: []string{"."}, wantCode: 1, wantStdout: `\[AMB301 wildcard-egress\]`, notStdout: `AMB201`},
		{name: "--base HEAD reports nothing when the working tree is clean",
			args: []string{"--base", "HEAD"}, wantCode: 0, notStdout: `.`,
			wantStderr: `1 more finding in files unchanged since HEAD`},
		{name: "json carries the namespace as a related location",
			args: []string{"--base", "HEAD~1", "--format", "json"}, wantCode: 0,
			wantStdout: `"related": \[\s*\{\s*"file": "apps/example-api/namespace\.yaml",\s*"line": 6`},
		{name: "an unknown revision exits 2 with a clear message",
			args: []string{"--base", "no-such-rev"}, wantCode: 2,
			wantStderr: `^ambientlint: base revision no-such-rev: unknown revision in the git repository at .+\n$`},
		{name: "--base outside a git repository exits 2",
			dir: outside, args: []string{"--base", "HEAD"}, wantCode: 2,
			wantStderr: `^ambientlint: base revision HEAD: .+ is not in a git repository\n$`},
		{name: "--all without --base is a usage error",
			args: []string{"--all"}, wantCode: 2, wantStderr: `^ambientlint: --all needs --base REV\n`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.dir
			if dir == "" {
				dir = repo
			}
			r := ambientlint(t, dir, "", tt.args...)
			if r.code != tt.wantCode {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			if tt.wantStdout != "" && !regexp.MustCompile(tt.wantStdout).MatchString(r.stdout) {
				t.Errorf("stdout does not match %s:\n%s", tt.wantStdout, r.stdout)
			}
			if tt.notStdout != "" && regexp.MustCompile(tt.notStdout).MatchString(r.stdout) {
				t.Errorf("stdout matches %s:\n%s", tt.notStdout, r.stdout)
			}
			if tt.wantStderr != "" && !regexp.MustCompile(tt.wantStderr).MatchString(r.stderr) {
				t.Errorf("stderr does not match %s:\n%s", tt.wantStderr, r.stderr)
			}
		})
	}
}

// The hooks of .pre-commit-hooks.yaml run this binary with flags it accepts, on the whole
// repository, comparing with HEAD.
func TestPreCommitHooks(t *testing.T) {
	data, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string   `json:"id"`
		Entry         string   `json:"entry"`
		Args          []string `json:"args"`
		Language      string   `json:"language"`
		PassFilenames *bool    `json:"pass_filenames"`
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	type hook struct {
		ID, Entry, Language, Base string
		All, PassFilenames        bool
	}
	var got []hook
	for _, h := range hooks {
		fs, o := lintFlagSet()
		paths, err := parseInterspersed(fs, h.Args)
		if err != nil || len(paths) > 0 {
			t.Errorf("hook %s: args %q: paths %q, error %v", h.ID, h.Args, paths, err)
		}
		got = append(got, hook{ID: h.ID, Entry: h.Entry, Language: h.Language, Base: o.base, All: o.all,
			PassFilenames: h.PassFilenames == nil || *h.PassFilenames})
	}
	want := []hook{
		{ID: "ambientlint", Entry: "ambientlint", Language: "golang", Base: "HEAD"},
		{ID: "ambientlint-all", Entry: "ambientlint", Language: "golang", Base: "HEAD", All: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hooks (-want +got):\n%s", diff)
	}
}

// pre-commit installs a golang hook with "go install ./..." at the repository's root (its
// languages/golang.py), so every main package of the root module is built on a user's first
// commit. The root module's mains are the two commands it ships; the benchmark, the tree
// generator and the SDK example live in modules of their own.
func TestPreCommitInstallBuildsOnlyTheCommands(t *testing.T) {
	cmd := exec.Command("go", "list", "-f", `{{if eq .Name "main"}}{{.ImportPath}}{{end}}`, "./...")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	got := strings.Fields(string(out))
	want := []string{
		"github.com/ambientkit/ambientkit/cmd/ambientlint",
		"github.com/ambientkit/ambientkit/cmd/ambientvet",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("main packages that go install ./... builds at the root (-want +got):\n%s", diff)
	}
}
