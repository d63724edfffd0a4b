package load_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/ambientkit/ambientkit/manifest/load"
)

// Loaded.Listed and Loaded.Read answer from what the walk read, and must agree with the
// file system (through an os.Root, as the GitOps model reads it) wherever they answer: for
// files and directories, missing names, hidden entries, and paths through symbolic links,
// which they leave to the file system.
func TestListedAgreesWithTheFileSystem(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	for name, data := range map[string]string{
		"apps/a/deploy.yaml":      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
		"apps/a/kustomization.md": "not read",
		"apps/.hidden/x.yaml":     "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: h\n",
		"apps/b/values.yml":       "\ufeffreplicas: 2\n",
		"top.yaml":                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: top\n",
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "o.yaml"), []byte("a: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"apps/linked": "a", "apps/out": outside, "apps/a/same.yaml": "deploy.yaml"} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Skip("no symbolic links here:", err)
		}
	}
	l, err := load.Load(context.Background(), []string{root}, load.Options{Root: root, MaxFileSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	tree, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	fsys := tree.FS()
	answered := 0
	for _, rel := range []string{".", "apps", "apps/a", "apps/a/deploy.yaml", "apps/a/kustomization.md", "apps/a/kustomization.yaml",
		"apps/.hidden", "apps/.hidden/x.yaml", "apps/b/values.yml", "apps/nothing", "apps/nothing/deeper", "top.yaml",
		"apps/linked", "apps/linked/deploy.yaml", "apps/out", "apps/out/o.yaml", "apps/a/same.yaml", "apps/a/"} {
		exists, dir, known := l.Listed(rel)
		fi, statErr := fs.Stat(fsys, filepath.ToSlash(filepath.Clean(rel)))
		if known {
			answered++
			if exists != (statErr == nil) || (exists && dir != fi.IsDir()) {
				t.Errorf("Listed(%q) = exists %v dir %v; the file system says %v, %v", rel, exists, dir, fi, statErr)
			}
		}
		if data, ok := l.Read(rel); ok {
			disk, err := fs.ReadFile(fsys, rel)
			if err != nil || string(load.TrimBOM(disk)) != string(data) {
				t.Errorf("Read(%q) = %q; the file system has %q, %v", rel, data, disk, err)
			}
		}
	}
	if answered < 10 {
		t.Errorf("Listed answered only %d paths", answered)
	}
	for _, rel := range []string{"apps/linked/deploy.yaml", "apps/out/o.yaml", "apps/a/same.yaml"} {
		if _, _, known := l.Listed(rel); known {
			t.Errorf("Listed(%q) answered for a path through a symbolic link", rel)
		}
	}
}
