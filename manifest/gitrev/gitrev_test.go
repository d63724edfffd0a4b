package gitrev_test

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/internal/gittest"
	"github.com/ambientkit/ambientkit/manifest/gitrev"
)

// repo commits two revisions and leaves a working-tree change on top.
func repo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	gittest.Run(t, dir, "init", "--quiet", "--initial-branch=main")
	gittest.Write(t, dir, map[string]string{
		"apps/ns.yaml":                "kind: Namespace\n",
		"apps/api/kustomization.yaml": "resources: []\n",
		"top.yaml":                    "old\n",
	})
	gittest.Run(t, dir, "add", "-A")
	gittest.Run(t, dir, "commit", "--quiet", "-m", "one")
	gittest.Write(t, dir, map[string]string{"top.yaml": "new\n", "apps/later.yaml": "x\n"})
	gittest.Run(t, dir, "add", "-A")
	gittest.Run(t, dir, "commit", "--quiet", "-m", "two")
	gittest.Write(t, dir, map[string]string{"apps/ns.yaml": "kind: Namespace # edited\n", "untracked.yaml": "u\n"})
	return dir
}

func open(t *testing.T, root, rev string) *gitrev.Revision {
	t.Helper()
	r, err := gitrev.Open(context.Background(), root, rev)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestRevisionIsAFileSystem(t *testing.T) {
	dir := repo(t)
	r := open(t, dir, "HEAD~1")
	if err := fstest.TestFS(r, "apps/ns.yaml", "apps/api/kustomization.yaml", "top.yaml"); err != nil {
		t.Fatal(err)
	}
	got, err := fs.ReadFile(r, "top.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "old\n" {
		t.Errorf("top.yaml at HEAD~1 = %q, want the committed %q", got, "old\n")
	}
	if _, err := fs.Stat(r, "apps/later.yaml"); !errorsIsNotExist(err) {
		t.Errorf("a file added later exists at HEAD~1: %v", err)
	}
}

func TestRevisionBelowTheTopLevel(t *testing.T) {
	dir := repo(t)
	r := open(t, filepath.Join(dir, "apps"), "HEAD")
	if err := fstest.TestFS(r, "ns.yaml", "api/kustomization.yaml", "later.yaml"); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Stat(r, "top.yaml"); !errorsIsNotExist(err) {
		t.Errorf("a file above the root is in the revision: %v", err)
	}
	ch, err := r.Changes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]byte{"ns.yaml": 'M'}, ch); diff != "" {
		t.Errorf("changes below the root (-want +got):\n%s", diff)
	}
}

func TestChangesSinceARevision(t *testing.T) {
	dir := repo(t)
	ch, err := open(t, dir, "HEAD~1").Changes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]byte{"apps/ns.yaml": 'M', "apps/later.yaml": 'A', "top.yaml": 'M', "untracked.yaml": 'A'}
	if diff := cmp.Diff(want, ch); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := repo(t)
	for _, tt := range []struct{ name, root, rev string }{
		{"an unknown revision", dir, "no-such-branch"},
		{"a directory outside git", t.TempDir(), "HEAD"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := gitrev.Open(context.Background(), tt.root, tt.rev); err == nil {
				t.Errorf("Open(%s) succeeded", tt.rev)
			}
		})
	}
	t.Run("HEAD of a branch without commits is the empty tree", func(t *testing.T) {
		empty := t.TempDir()
		gittest.Run(t, empty, "init", "--quiet", "--initial-branch=main")
		r := open(t, empty, "HEAD")
		if ents, err := fs.ReadDir(r, "."); err != nil || len(ents) != 0 {
			t.Errorf("ReadDir(.) = %v, %v; want nothing", ents, err)
		}
	})
}

func errorsIsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
