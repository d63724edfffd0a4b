package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/lint/engine"
)

func TestRunAppliesConfiguredSeverities(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.yaml": nsDoc("bad-a"), "b.yaml": "x: [\n"})
	ran := false
	never := &lint.Rule{ID: "AMB901", Name: "never", Severity: lint.Off, Run: func(*lint.Pass) error {
		ran = true
		return nil
	}}
	tests := []struct {
		name     string
		severity map[string]lint.Severity
		want     []string
		wantRan  bool
	}{
		{
			name: "rules report at their default severity",
			want: []string{"a.yaml:4:9: warning: AMB900", "b.yaml:2:1: error: AMB001"},
		},
		{
			name:     "an override changes the severity and Off stops the rule",
			severity: map[string]lint.Severity{"AMB900": lint.Error, "AMB001": lint.Off},
			want:     []string{"a.yaml:4:9: error: AMB900"},
		},
		{
			name:     "a rule off by default runs when configured on",
			severity: map[string]lint.Severity{"AMB901": lint.Info},
			want:     []string{"a.yaml:4:9: warning: AMB900", "b.yaml:2:1: error: AMB001"},
			wantRan:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran = false
			res := run(t, engine.Options{Paths: []string{dir}, Root: dir, Config: &config.Config{Severity: tt.severity},
				Rules: []*lint.Rule{invalidYAML, flagBad, never}})
			var got []string
			for _, f := range res.Findings {
				got = append(got, relTo(dir, f.Pos.String())+": "+f.Severity.String()+": "+f.Rule)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if ran != tt.wantRan {
				t.Errorf("AMB901 ran = %v, want %v", ran, tt.wantRan)
			}
			if res.Files != 2 || res.Objects != 1 {
				t.Errorf("Files, Objects = %d, %d; want 2, 1", res.Files, res.Objects)
			}
		})
	}
}

func TestRunReportsRuleFailuresAsErrors(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.yaml": nsDoc("a")})
	boom := errors.New("boom")
	tests := []struct {
		name string
		rule *lint.Rule
		want string
	}{
		{"an error returned by a rule names the rule", &lint.Rule{ID: "AMB902", Name: "fails", Severity: lint.Error,
			Run: func(*lint.Pass) error { return boom }}, "rule AMB902 (fails): boom"},
		{"a rule that panics is an error, not a crash", &lint.Rule{ID: "AMB903", Name: "panics", Severity: lint.Error,
			Run: func(p *lint.Pass) error { return p.Inventory.Objects[5].Root().Document().Encode(nil) }}, "rule AMB903 (panics) panicked: runtime error: index out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Rules: []*lint.Rule{tt.rule}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Run = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.yaml": nsDoc("a")})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := engine.Run(ctx, engine.Options{Paths: []string{dir}}); !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
}

func TestRunDefaultsTheRootToTheGitTopLevel(t *testing.T) {
	dir := writeTree(t, map[string]string{".git/HEAD": "ref: refs/heads/main\n", "apps/a/ns.yaml": nsDoc("a")})
	dir, _ = filepath.EvalSymlinks(dir)
	res := run(t, engine.Options{Paths: []string{filepath.Join(dir, "apps", "a")}})
	if res.Root != dir {
		t.Errorf("Root = %q, want %q", res.Root, dir)
	}
	if got := engine.FindRoot(filepath.Join(dir, "apps", "a", "ns.yaml")); got != dir {
		t.Errorf("FindRoot(file) = %q, want %q", got, dir)
	}
	outside := t.TempDir()
	if got := engine.FindRoot(outside); got != outside && !strings.HasPrefix(outside, got) {
		t.Errorf("FindRoot(%q) = %q, want the path itself or a repository above it", outside, got)
	}
}

func TestRunDefaultsToTheWorkingDirectory(t *testing.T) {
	dir := writeTree(t, map[string]string{"ns.yaml": nsDoc("bad-cwd")})
	t.Chdir(dir)
	res := run(t, engine.Options{})
	if diff := cmp.Diff([]string{"ns.yaml:4:9: AMB900: bad-cwd is bad"}, brief(dir, res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(res.Inventory.Files[0].Path); err != nil {
		t.Errorf("File.Path %q is not the path as reached: %v", res.Inventory.Files[0].Path, err)
	}
}
