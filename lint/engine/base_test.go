package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ambientkit/ambientkit/manifest"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/internal/gentree"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/rules"

	"github.com/ambientkit/ambientkit/internal/gittest"
)

// gitTree makes a git repository in a new temporary directory with one commit per map
// (slash-separated path → content; "" deletes the file), and returns its directory.
func gitTree(t *testing.T, commits ...map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	gittest.Run(t, dir, "init", "--quiet", "--initial-branch=main")
	for i, files := range commits {
		gittest.Write(t, dir, files)
		gittest.Run(t, dir, "add", "--all")
		gittest.Run(t, dir, "commit", "--quiet", "--allow-empty", "-m", "commit "+fmtInt(i))
	}
	return dir
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestChangedFiles(t *testing.T) {
	dir := gitTree(t, map[string]string{
		".gitignore":      "ignored.yaml\n",
		"a.yaml":          nsDoc("a"),
		"b.yaml":          nsDoc("b"),
		"apps/c.yaml":     nsDoc("c"),
		"apps/same.yaml":  nsDoc("same"),
		"other/same.yaml": nsDoc("same"),
	})
	gittest.Write(t, dir, map[string]string{
		"a.yaml":           nsDoc("a2"),
		"b.yaml":           "",
		"new.yaml":         nsDoc("new"),
		"apps/new.yaml":    nsDoc("new"),
		"ignored.yaml":     nsDoc("ignored"),
		"other/same.yaml":  nsDoc("changed"),
		"apps/staged.yaml": nsDoc("staged"),
	})
	gittest.Run(t, dir, "add", "apps/staged.yaml")
	gittest.Run(t, dir, "mv", "apps/c.yaml", "apps/renamed.yaml")

	tests := []struct {
		name, root, rev string
		want            []string
	}{
		{"at the top, every change since the revision counts, untracked and staged included", dir, "HEAD",
			[]string{"a.yaml", "apps/c.yaml", "apps/new.yaml", "apps/renamed.yaml", "apps/staged.yaml", "b.yaml", "new.yaml", "other/same.yaml"}},
		{"below the top, paths are relative to the root and changes outside it are left out", filepath.Join(dir, "apps"), "HEAD",
			[]string{"c.yaml", "new.yaml", "renamed.yaml", "staged.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := engine.ChangedFiles(context.Background(), tt.root, tt.rev)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, keys(got)); diff != "" {
				t.Errorf("changed files (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadBase(t *testing.T) {
	dir := gitTree(t,
		map[string]string{
			"apps/ns.yaml":          nsDoc("old"),
			"apps/gone.yaml":        nsDoc("gone"),
			"apps/notes.txt":        "not read",
			"apps/chart/Chart.yaml": "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
			"apps/chart/templates/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n" +
				"  name: {{ .Values.name }}\n",
			"other/x.yaml": nsDoc("outside"),
		},
		map[string]string{"apps/ns.yaml": nsDoc("newer"), "apps/gone.yaml": "", "apps/later.yaml": nsDoc("later")},
	)
	gittest.Write(t, dir, map[string]string{"apps/ns.yaml": nsDoc("working"), "brand-new/x.yaml": nsDoc("brand-new")})

	names := func(b *lint.Base) []string {
		var out []string
		for _, o := range b.Inventory.Objects {
			out = append(out, o.File.Path+" "+o.Ref.Name)
		}
		return out
	}
	tests := []struct {
		name  string
		root  string
		rev   string
		paths []string
		want  []string
	}{
		{"the revision's files are loaded and named as git names them", dir, "HEAD~1", []string{dir},
			[]string{"HEAD~1:apps/gone.yaml gone", "HEAD~1:apps/ns.yaml old", "HEAD~1:other/x.yaml outside"}},
		{"the last commit, not the working tree", dir, "HEAD", []string{dir},
			[]string{"HEAD:apps/later.yaml later", "HEAD:apps/ns.yaml newer", "HEAD:other/x.yaml outside"}},
		{"only the paths asked for, and paths that did not exist are skipped", dir, "HEAD~1",
			[]string{filepath.Join(dir, "apps"), filepath.Join(dir, "brand-new"), "-"},
			[]string{"HEAD~1:apps/gone.yaml gone", "HEAD~1:apps/ns.yaml old"}},
		{"a root below the git top level holds only its part of the revision", filepath.Join(dir, "apps"), "HEAD~1",
			[]string{dir}, // outside the root: nothing to load
			nil},
		{"paths resolve from a root below the git top level", filepath.Join(dir, "apps"), "HEAD~1",
			[]string{filepath.Join(dir, "apps")},
			[]string{"HEAD~1:gone.yaml gone", "HEAD~1:ns.yaml old"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := engine.LoadBase(context.Background(), tt.root, tt.rev, engine.Options{Paths: tt.paths})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, names(inv)); diff != "" {
				t.Errorf("base objects (-want +got):\n%s", diff)
			}
			if m := inv.Model; m == nil || len(m.Units) == 0 {
				t.Errorf("no model attached")
			}
		})
	}
}

func TestLoadBaseErrors(t *testing.T) {
	repo := gitTree(t, map[string]string{"a.yaml": nsDoc("a")})
	plain := t.TempDir()
	tests := []struct {
		name, root, rev, want string
	}{
		{"an unknown revision", repo, "no-such-branch", `base revision no-such-branch: unknown revision in the git repository at ` + repo},
		{"a revision that looks like a flag", repo, "--all", `base revision --all: unknown revision`},
		{"a directory outside any git repository", plain, "HEAD", `base revision HEAD: ` + plain + ` is not in a git repository`},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is an error", func(t *testing.T) {
			_, err := engine.LoadBase(context.Background(), tt.root, tt.rev, engine.Options{Paths: []string{tt.root}})
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("LoadBase error = %v, want %q…", err, tt.want)
			}
			_, err = engine.ChangedFiles(context.Background(), tt.root, tt.rev)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("ChangedFiles error = %v, want %q…", err, tt.want)
			}
			_, err = engine.Run(context.Background(), engine.Options{Paths: []string{tt.root}, Root: tt.root, Base: tt.rev})
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Run error = %v, want %q…", err, tt.want)
			}
		})
	}
}

func TestLoadBaseBeforeTheFirstCommit(t *testing.T) {
	dir := t.TempDir()
	gittest.Run(t, dir, "init", "--quiet", "--initial-branch=main")
	gittest.Write(t, dir, map[string]string{"a.yaml": nsDoc("a")})
	inv, err := engine.LoadBase(context.Background(), dir, "HEAD", engine.Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Inventory.Objects) != 0 {
		t.Errorf("base of an unborn HEAD has %d objects, want none", len(inv.Inventory.Objects))
	}
	changed, err := engine.ChangedFiles(context.Background(), dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a.yaml"}, keys(changed)); diff != "" {
		t.Errorf("changed files (-want +got):\n%s", diff)
	}
}

// related reports every Namespace whose name starts with "bad", with the ConfigMap of the
// same name as a related location.
var related = &lint.Rule{
	ID: "AMB902", Name: "related", Severity: lint.Warning,
	Run: func(p *lint.Pass) error {
		for _, o := range p.Inventory.Kind("/Namespace") {
			if !strings.HasPrefix(o.Ref.Name, "bad") {
				continue
			}
			f := lint.Finding{Message: o.Ref.Name, Pos: o.Pos("metadata", "name"), Object: o.Ref}
			if cm := p.Inventory.Get("/ConfigMap", "default", o.Ref.Name); cm != nil {
				f.Related = []lint.Related{{Position: cm.Pos("metadata", "name"), Message: "its ConfigMap"}}
			}
			p.Report(f)
		}
		return nil
	},
}

func cmDoc(name string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: default\n"
}

func TestRunWithBase(t *testing.T) {
	dir := gitTree(t, map[string]string{
		"ns/bad-old.yaml":     nsDoc("bad-old"),
		"ns/bad-related.yaml": nsDoc("bad-related"),
		"cm/bad-related.yaml": cmDoc("bad-related"),
		"ns/bad-edited.yaml":  nsDoc("bad-edited"),
	})
	gittest.Write(t, dir, map[string]string{
		"ns/bad-edited.yaml":  nsDoc("bad-edited") + "  labels: {x: y}\n",
		"cm/bad-related.yaml": cmDoc("bad-related") + "data: {k: v}\n",
		"ns/bad-new.yaml":     nsDoc("bad-new"),
	})
	var sawBase []string
	probe := &lint.Rule{ID: "AMB903", Name: "probe", Severity: lint.Info, Run: func(p *lint.Pass) error {
		if b := p.Base; b != nil {
			for _, o := range b.Inventory.Objects {
				sawBase = append(sawBase, o.Ref.Name)
			}
		}
		return nil
	}}
	tests := []struct {
		name          string
		base          string
		all           bool
		want          []string
		wantUnchanged int
		wantBase      []string
	}{
		{"without a base every finding is reported and rules see no base", "", false,
			[]string{"ns/bad-edited.yaml", "ns/bad-new.yaml", "ns/bad-old.yaml", "ns/bad-related.yaml"}, 0, nil},
		{"with a base only findings in changed files or with a changed related location are reported", "HEAD", false,
			[]string{"ns/bad-edited.yaml", "ns/bad-new.yaml", "ns/bad-related.yaml"}, 1,
			[]string{"bad-related", "bad-edited", "bad-old", "bad-related"}},
		{"with a base and All every finding is reported", "HEAD", true,
			[]string{"ns/bad-edited.yaml", "ns/bad-new.yaml", "ns/bad-old.yaml", "ns/bad-related.yaml"}, 0,
			[]string{"bad-related", "bad-edited", "bad-old", "bad-related"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sawBase = nil
			res := run(t, engine.Options{Paths: []string{dir}, Root: dir, Base: tt.base, All: tt.all,
				Rules: []*lint.Rule{related, probe}})
			var got []string
			for _, f := range res.Findings {
				got = append(got, relTo(dir, f.Pos.File))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("reported files (-want +got):\n%s", diff)
			}
			if res.Unchanged != tt.wantUnchanged {
				t.Errorf("Unchanged = %d, want %d", res.Unchanged, tt.wantUnchanged)
			}
			if diff := cmp.Diff(tt.wantBase, sawBase); diff != "" {
				t.Errorf("base objects the rule saw (-want +got):\n%s", diff)
			}
		})
	}
}

// A file read from stdin has no history: its findings are always reported.
func TestRunWithBaseKeepsStdin(t *testing.T) {
	dir := gitTree(t, map[string]string{"ns/a.yaml": nsDoc("a")})
	res := run(t, engine.Options{Paths: []string{"-"}, Stdin: strings.NewReader(nsDoc("bad-stdin")), Root: dir, Base: "HEAD",
		Rules: []*lint.Rule{related}})
	if len(res.Findings) != 1 || res.Findings[0].Pos.File != "-" {
		t.Errorf("findings %+v, want one about stdin", res.Findings)
	}
}

// BenchmarkRunWithBase lints the generated 10,000-object tree, committed to git with one
// file changed since, without and with --base HEAD: the base doubles the loading, and only
// when it is asked for.
func BenchmarkRunWithBase(b *testing.B) {
	dir := b.TempDir()
	if err := gentree.GenerateTree(dir, 10000); err != nil {
		b.Fatal(err)
	}
	gittest.Run(b, dir, "init", "--quiet", "--initial-branch=main")
	gittest.Run(b, dir, "add", "--all")
	gittest.Run(b, dir, "commit", "--quiet", "-m", "tree")
	if err := os.WriteFile(filepath.Join(dir, "changed.yaml"), []byte(nsDoc("changed")), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, base := range []string{"", "HEAD"} {
		b.Run("base="+base, func(b *testing.B) {
			opts := engine.Options{Paths: []string{dir}, Root: dir, Rules: rules.All(), Base: base}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := engine.Run(context.Background(), opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The base shares the working tree's parse of the files that did not change since it, and
// reads the others from git, named as git names them; the GitOps model renders each tree
// apart, so the working tree's objects are untouched by the base's.
func TestRunWithBaseSharesUnchangedFiles(t *testing.T) {
	dir := gitTree(t, map[string]string{
		"same.yaml":    nsDoc("same"),
		"changed.yaml": nsDoc("before"),
	})
	gittest.Write(t, dir, map[string]string{"changed.yaml": nsDoc("after")})
	var got []string
	probe := &lint.Rule{ID: "AMB903", Name: "probe", Severity: lint.Info, Run: func(p *lint.Pass) error {
		working := map[string]*manifest.Object{}
		for _, o := range p.Inventory.Objects {
			working[o.Ref.Name] = o
		}
		for _, o := range p.Base.Inventory.Objects {
			shared := working[o.Ref.Name] != nil && working[o.Ref.Name].Source == o.Source
			got = append(got, fmt.Sprintf("%s %s shared=%v rendered apart=%v", relTo(dir, o.File.Path), o.Ref.Name,
				shared, working[o.Ref.Name] != o))
		}
		return nil
	}}
	run(t, engine.Options{Paths: []string{dir}, Root: dir, Base: "HEAD", Rules: []*lint.Rule{probe}})
	want := []string{
		"HEAD:changed.yaml before shared=false rendered apart=true",
		"same.yaml same shared=true rendered apart=true",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("base objects (-want +got):\n%s", diff)
	}
}

// Issue 12: a commit that bumps a git submodule changes every file in it, although git lists
// only the submodule's path.
func TestRunWithBaseSeesFilesOfABumpedSubmodule(t *testing.T) {
	sub := gitTree(t, map[string]string{"ns.yaml": nsDoc("bad-sub")})
	dir := gitTree(t, map[string]string{"top.yaml": nsDoc("bad-top")})
	gittest.Run(t, dir, "-c", "protocol.file.allow=always", "submodule", "add", "--quiet", sub, "vendored")
	gittest.Run(t, dir, "commit", "--quiet", "-m", "add the submodule")
	gittest.Write(t, sub, map[string]string{"ns.yaml": nsDoc("bad-sub") + "  labels: {x: y}\n"})
	gittest.Run(t, sub, "commit", "--quiet", "-am", "bump")
	gittest.Run(t, filepath.Join(dir, "vendored"), "pull", "--quiet", "origin", "main")
	res := run(t, engine.Options{Paths: []string{dir}, Root: dir, Base: "HEAD", Rules: []*lint.Rule{flagBad}})
	var got []string
	for _, f := range res.Findings {
		got = append(got, relTo(dir, f.Pos.File))
	}
	if diff := cmp.Diff([]string{"vendored/ns.yaml"}, got); diff != "" {
		t.Errorf("reported files (-want +got):\n%s", diff)
	}
}
