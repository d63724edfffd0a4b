package rules_test

import (
	"bufio"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/rules"

	"github.com/ambientkit/ambientkit/internal/gittest"
)

// AMB201 compares two revisions, so its testdata holds both: base/ is committed first,
// head/ (with the want comments) second, and the rule runs with Base HEAD~1.
func TestMissingRestart(t *testing.T) {
	tests := []struct {
		name, dir string
		cfg       *config.Config
	}{
		{"by default only workloads of namespaces that leave sidecar injection are reported", "changed", nil},
		{"with restarts: always workloads of newly enrolled namespaces are reported too", "always",
			&config.Config{Restarts: lint.RestartsAlways}},
		{"a namespace whose workloads come from charts or an operator is reported on the namespace and its chart installs", "charts", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := filepath.Join(testdata("missing-restart"), tt.dir)
			repo := twoCommits(t, filepath.Join(src, "base"), filepath.Join(src, "head"))
			res, err := engine.Run(context.Background(), engine.Options{Paths: []string{repo}, Root: repo,
				Config: tt.cfg, Rules: []*lint.Rule{rules.MissingRestart}, Base: "HEAD~1"})
			if err != nil {
				t.Fatal(err)
			}
			checkWants(t, repo, res.Findings)
			for _, f := range res.Findings {
				if f.Object.Kind == "Namespace" && len(f.Related) == 0 {
					continue // the enrollment itself, for workloads the tree does not hold
				}
				if len(f.Related) != 1 || !strings.HasSuffix(f.Related[0].Message, "is enrolled in ambient here") {
					t.Errorf("%s: related locations %+v, want the namespace's enrollment", f.Pos, f.Related)
				}
			}
		})
	}

	t.Run("without a base the rule is silent", func(t *testing.T) {
		dir := filepath.Join(testdata("missing-restart"), "changed", "head")
		res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Root: dir,
			Rules: []*lint.Rule{rules.MissingRestart}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != 0 {
			t.Errorf("findings without a base: %+v", res.Findings)
		}
	})

	t.Run("a finding whose workload file did not change is reported through its namespace", func(t *testing.T) {
		src := filepath.Join(testdata("missing-restart"), "changed")
		repo := twoCommits(t, filepath.Join(src, "base"), filepath.Join(src, "base"))
		copyTree(t, filepath.Join(src, "head", "namespaces.yaml"), filepath.Join(repo, "namespaces.yaml"))
		res, err := engine.Run(context.Background(), engine.Options{Paths: []string{repo}, Root: repo,
			Rules: []*lint.Rule{rules.MissingRestart}, Base: "HEAD"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range res.Findings {
			got = append(got, f.Object.String())
		}
		want := "Deployment example-api/web Deployment example-api/restarted StatefulSet example-db/db DaemonSet conflict/agent"
		if strings.Join(got, " ") != want {
			t.Errorf("findings about %q, want %q", strings.Join(got, " "), want)
		}
	})
}

// twoCommits makes a git repository in a temporary directory whose first commit holds the
// files of base and second those of head, and returns its directory.
func twoCommits(t *testing.T, base, head string) string {
	t.Helper()
	repo := t.TempDir()
	gittest.Run(t, repo, "init", "--quiet", "--initial-branch=main")
	copyTree(t, base, repo)
	gittest.Run(t, repo, "add", "--all")
	gittest.Run(t, repo, "commit", "--quiet", "-m", "base")
	gittest.Run(t, repo, "rm", "-r", "--quiet", ".")
	copyTree(t, head, repo)
	gittest.Run(t, repo, "add", "--all")
	gittest.Run(t, repo, "commit", "--quiet", "--allow-empty", "-m", "head")
	return repo
}

// copyTree copies the file or directory src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// wantComment finds a want comment, as in linttest.
var wantComment = regexp.MustCompile(`(?:^|[ \t])#[ \t]*want[ \t]+(.*)$`)

// checkWants matches findings against the want comments of the files under dir, as
// linttest.Run does for a tree linted without a base.
func checkWants(t *testing.T, dir string, findings []lint.Finding) {
	t.Helper()
	type want struct {
		re      *regexp.Regexp
		matched bool
	}
	wants := map[string][]*want{} // "file:line"
	var order []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if d != nil && d.IsDir() && d.Name() == ".git" {
				return filepath.SkipDir
			}
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			m := wantComment.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			q, err := strconv.Unquote(strings.TrimSpace(m[1]))
			if err != nil {
				t.Fatalf("%s:%d: bad want comment: %v", p, line, err)
			}
			k := p + ":" + strconv.Itoa(line)
			wants[k] = append(wants[k], &want{re: regexp.MustCompile(q)})
			order = append(order, k)
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		k := f.Pos.File + ":" + strconv.Itoa(f.Pos.Line)
		text := f.Rule + ": " + f.Message
		ok := false
		for _, w := range wants[k] {
			if !w.matched && w.re.MatchString(text) {
				w.matched, ok = true, true
				break
			}
		}
		if !ok {
			t.Errorf("%s: unexpected finding: %s", f.Pos, text)
		}
	}
	for _, k := range order {
		for _, w := range wants[k] {
			if !w.matched {
				t.Errorf("%s: no finding matched %q", k, w.re)
			}
		}
	}
}
