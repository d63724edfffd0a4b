package fix_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/fix"
	"github.com/ambientkit/ambientkit/lint/rules"

	"github.com/ambientkit/ambientkit/internal/golden"
)

var updateGoldens = flag.Bool("update-fix", false, "rewrite the goldens of testdata")

// fxRules are the rules whose fixes the golden test applies, with rules that report without
// a fix.
var fxRules = []*lint.Rule{
	rules.SidecarAmbientConflict, rules.WaypointNotFound, rules.MalformedWaypoint, rules.KialiExposed,
	rules.L7PolicyWithoutWaypoint,
}

// copyTree copies the files of src into a new temporary directory and returns it.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// lintTree lints dir and returns the findings and the content, as on disk, of every file read.
func lintTree(t *testing.T, dir string) ([]lint.Finding, map[string][]byte) {
	t.Helper()
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Root: dir, Rules: fxRules})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range res.Inventory.Files {
		data, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		files[f.Path] = data
	}
	return res.Findings, files
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// checkGolden compares got with the golden file at path, or rewrites it under -update-fix.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	golden.Check(t, path, got, *updateGoldens)
}

func TestFixGolden(t *testing.T) {
	src := filepath.Join("testdata", "input")
	dir := copyTree(t, src)
	findings, files := lintTree(t, dir)

	fixed, err := fix.Apply(files, findings)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("only files with fixes change", func(t *testing.T) {
		var got []string
		for _, p := range sortedKeys(fixed) {
			got = append(got, filepath.Base(p))
		}
		want := []string{"kiali.yaml", "namespaces.yaml", "waypoints.yaml"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("changed files (-want +got):\n%s", diff)
		}
	})

	t.Run("the fixed files match their goldens", func(t *testing.T) {
		for _, p := range sortedKeys(fixed) {
			checkGolden(t, filepath.Join("testdata", "golden", filepath.Base(p)), fixed[p])
		}
	})

	t.Run("the diff matches its golden", func(t *testing.T) {
		var diff strings.Builder
		for _, p := range sortedKeys(fixed) {
			rel, _ := filepath.Rel(dir, p)
			diff.WriteString(fix.Diff(rel, files[p], fixed[p]))
		}
		checkGolden(t, filepath.Join("testdata", "fix.diff"), []byte(diff.String()))
	})

	t.Run("writing touches only the fixed files and a second run changes nothing", func(t *testing.T) {
		before := map[string]os.FileInfo{}
		for p := range files {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			before[p] = fi
		}
		for _, p := range sortedKeys(fixed) {
			if err := writeOne(dir, p, files[p], fixed[p]); err != nil {
				t.Fatal(err)
			}
		}
		for p, fi := range before {
			after, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			_, changed := fixed[p]
			// A written file is a new file renamed into place; the others are the same file.
			if same := os.SameFile(fi, after); same == changed {
				t.Errorf("%s: same file after writing = %v, want %v", filepath.Base(p), same, !changed)
			}
		}
		findings2, files2 := lintTree(t, dir)
		again, err := fix.Apply(files2, findings2)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != 0 {
			t.Errorf("second run changed %v, want nothing", sortedKeys(again))
		}
		for _, f := range findings2 {
			if len(f.Fixes) > 0 {
				t.Errorf("after fixing, %s still offers a fix: %s", f.Pos, f.Message)
			}
		}
	})
}

// findingOf returns a finding whose one fix has edits.
func findingOf(rule string, edits ...lint.TextEdit) lint.Finding {
	return lint.Finding{Rule: rule, Message: rule, Fixes: []lint.Fix{{Message: "fix " + rule, Edits: edits}}}
}

func editAt(line, col, endLine, endCol int, text string) lint.TextEdit {
	return lint.TextEdit{File: "f.yaml", Line: line, Column: col, EndLine: endLine, EndColumn: endCol, NewText: text}
}

func TestApplyFixes(t *testing.T) {
	const src = "a: 1\nb: two # keep\nc: 'three'\n"
	tests := []struct {
		name     string
		data     string
		findings []lint.Finding
		want     string // "" means the file is not in the result
	}{
		{"a replacement keeps every other byte", src,
			[]lint.Finding{findingOf("R1", editAt(2, 4, 2, 7, "2"))},
			"a: 1\nb: 2 # keep\nc: 'three'\n"},
		{"a whole-line deletion takes the line ending", src,
			[]lint.Finding{findingOf("R1", editAt(2, 1, 3, 1, ""))},
			"a: 1\nc: 'three'\n"},
		{"an insertion at the end of a line", src,
			[]lint.Finding{findingOf("R1", editAt(1, 5, 1, 5, "0"))},
			"a: 10\nb: two # keep\nc: 'three'\n"},
		{"the edits of one fix apply together", src,
			[]lint.Finding{findingOf("R1", editAt(3, 4, 3, 11, "'3'"), editAt(1, 4, 1, 5, "one"))},
			"a: one\nb: two # keep\nc: '3'\n"},
		{"of two overlapping fixes the later one is skipped", src,
			[]lint.Finding{findingOf("R2", editAt(2, 4, 2, 8, "X")), findingOf("R1", editAt(2, 1, 2, 7, "b: 2"))},
			"a: 1\nb: 2 # keep\nc: 'three'\n"},
		{"a fix that conflicts in one edit is skipped whole", src,
			[]lint.Finding{findingOf("R1", editAt(1, 1, 1, 5, "a: 9")), findingOf("R2", editAt(3, 1, 4, 1, ""), editAt(1, 4, 1, 5, "8"))},
			"a: 9\nb: two # keep\nc: 'three'\n"},
		{"the same fix from two findings applies once", src,
			[]lint.Finding{findingOf("R1", editAt(2, 1, 3, 1, "")), findingOf("R2", editAt(2, 1, 3, 1, ""))},
			"a: 1\nc: 'three'\n"},
		{"a fix that changes nothing leaves the file out", src,
			[]lint.Finding{findingOf("R1", editAt(1, 4, 1, 5, "1"))},
			""},
		{"only the first fix of a finding counts", src,
			[]lint.Finding{{Rule: "R1", Fixes: []lint.Fix{
				{Edits: []lint.TextEdit{editAt(1, 4, 1, 5, "first")}},
				{Edits: []lint.TextEdit{editAt(1, 4, 1, 5, "second")}},
			}}},
			"a: first\nb: two # keep\nc: 'three'\n"},
		{"CRLF line endings are kept", "a: 1\r\nb: 2\r\n",
			[]lint.Finding{findingOf("R1", editAt(1, 1, 2, 1, ""))},
			"b: 2\r\n"},
		{"a byte order mark is not counted and is kept", "\uFEFFa: 1\nb: 2\n",
			[]lint.Finding{findingOf("R1", editAt(1, 4, 1, 5, "9"))},
			"\uFEFFa: 9\nb: 2\n"},
		{"the end of a file without a final newline is reachable", "a: 1",
			[]lint.Finding{findingOf("R1", editAt(1, 5, 1, 5, "\n"))},
			"a: 1\n"},
		{"findings without fixes change nothing", src,
			[]lint.Finding{{Rule: "R1"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, order := range []string{"as given", "reversed"} {
				fs := slices.Clone(tt.findings)
				if order == "reversed" {
					slices.Reverse(fs)
				}
				got, err := fix.Apply(map[string][]byte{"f.yaml": []byte(tt.data), "other.yaml": []byte("x: 1\n")}, fs)
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := got["other.yaml"]; ok {
					t.Errorf("findings %s: a file without fixes is in the result", order)
				}
				data, ok := got["f.yaml"]
				if tt.want == "" {
					if ok {
						t.Errorf("findings %s: f.yaml changed to %q, want it left out", order, data)
					}
					continue
				}
				if diff := cmp.Diff(tt.want, string(data)); diff != "" {
					t.Errorf("findings %s: f.yaml mismatch (-want +got):\n%s", order, diff)
				}
			}
		})
	}
}

func TestApplyFixesRejectsBadEdits(t *testing.T) {
	files := map[string][]byte{"f.yaml": []byte("a: 1\nb: 2\n")}
	tests := []struct {
		name string
		edit lint.TextEdit
	}{
		{"an edit of a file that was not read", lint.TextEdit{File: "g.yaml", Line: 1, Column: 1, EndLine: 1, EndColumn: 1}},
		{"a line past the end", editAt(4, 1, 4, 1, "")},
		{"a column past the end of its line", editAt(1, 7, 1, 7, "")},
		{"a position that is not 1-based", editAt(0, 1, 1, 1, "")},
		{"an end before the start", editAt(2, 1, 1, 1, "")},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is an error", func(t *testing.T) {
			if _, err := fix.Apply(files, []lint.Finding{findingOf("R1", tt.edit)}); err == nil {
				t.Error("Apply() succeeded, want an error")
			}
		})
	}
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     string
	}{
		{"equal content has no diff", "a: 1\n", "a: 1\n", ""},
		{"a changed line", "a: 1\nb: 2\nc: 3\n", "a: 1\nb: 9\nc: 3\n",
			"--- a/dir/f.yaml\n+++ b/dir/f.yaml\n@@ -1,3 +1,3 @@\n a: 1\n-b: 2\n+b: 9\n c: 3\n"},
		{"a missing final newline is marked", "a: 1", "a: 2",
			"--- a/dir/f.yaml\n+++ b/dir/f.yaml\n@@ -1 +1 @@\n-a: 1\n\\ No newline at end of file\n+a: 2\n\\ No newline at end of file\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fix.Diff(filepath.Join("dir", "f.yaml"), []byte(tt.old), []byte(tt.new))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Diff() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes and symbolic links differ on Windows")
	}
	t.Run("the content is replaced and the mode kept, with no temporary file left", func(t *testing.T) {
		root := t.TempDir()
		p := filepath.Join(root, "f.yaml")
		if err := os.WriteFile(p, []byte("old\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		before, _ := os.Stat(p)
		if err := writeOne(root, p, []byte("old\n"), []byte("new\n")); err != nil {
			t.Fatal(err)
		}
		after, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if data, _ := os.ReadFile(p); string(data) != "new\n" {
			t.Errorf("content = %q, want %q", data, "new\n")
		}
		if after.Mode().Perm() != 0o600 {
			t.Errorf("mode = %v, want -rw-------", after.Mode().Perm())
		}
		if os.SameFile(before, after) {
			t.Error("the file was written in place, want a new file renamed over it")
		}
		entries, _ := os.ReadDir(root)
		if len(entries) != 1 {
			t.Errorf("directory holds %d entries, want only f.yaml", len(entries))
		}
	})

	t.Run("a relative path inside the root is written", func(t *testing.T) {
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, "f.yaml"), []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Chdir(root)
		if err := writeOne(".", "f.yaml", []byte("old\n"), []byte("new\n")); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a symbolic link inside the root keeps the link and replaces its target", func(t *testing.T) {
		root := t.TempDir()
		target := filepath.Join(root, "real.yaml")
		link := filepath.Join(root, "link.yaml")
		if err := os.WriteFile(target, []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("real.yaml", link); err != nil {
			t.Fatal(err)
		}
		if err := writeOne(root, link, []byte("old\n"), []byte("new\n")); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("link.yaml is no longer a symbolic link (%v)", err)
		}
		if data, _ := os.ReadFile(target); string(data) != "new\n" {
			t.Errorf("target content = %q, want %q", data, "new\n")
		}
	})

	for _, tt := range []struct {
		name string
		make func(t *testing.T, root, outside string) string // returns the path to write
	}{
		{"a symbolic link to a file outside the root", func(t *testing.T, root, outside string) string {
			p := filepath.Join(root, "escape.yaml")
			if err := os.Symlink(filepath.Join(outside, "secret.yaml"), p); err != nil {
				t.Fatal(err)
			}
			return p
		}},
		{"a file under a symbolic link to a directory outside the root", func(t *testing.T, root, outside string) string {
			if err := os.Symlink(outside, filepath.Join(root, "vendor")); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(root, "vendor", "secret.yaml")
		}},
		{"a path that climbs out of the root", func(t *testing.T, root, outside string) string {
			rel, err := filepath.Rel(root, filepath.Join(outside, "secret.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			return filepath.Join(root, rel)
		}},
	} {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			base := t.TempDir()
			root, outside := filepath.Join(base, "repo"), filepath.Join(base, "outside")
			for _, d := range []string{root, outside} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			secret := filepath.Join(outside, "secret.yaml")
			if err := os.WriteFile(secret, []byte("keep\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			p := tt.make(t, root, outside)
			err := writeOne(root, p, []byte("keep\n"), []byte("overwritten\n"))
			if !errors.Is(err, fix.ErrOutsideRoot) {
				t.Errorf("WriteFiles() error = %v, want ErrOutsideRoot", err)
			}
			if data, _ := os.ReadFile(secret); !bytes.Equal(data, []byte("keep\n")) {
				t.Errorf("the file outside the root changed to %q", data)
			}
			if entries, _ := os.ReadDir(outside); len(entries) != 1 {
				t.Errorf("the directory outside the root holds %d entries, want 1", len(entries))
			}
		})
	}

	t.Run("a file that changed since it was read is refused and kept", func(t *testing.T) {
		root := t.TempDir()
		p := filepath.Join(root, "f.yaml")
		if err := os.WriteFile(p, []byte("use-waypoint: east\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		err := writeOne(root, p, []byte("use-waypoint: west\n"), []byte("use-waypoint: ambient\n"))
		if !errors.Is(err, fix.ErrChanged) {
			t.Errorf("WriteFiles() error = %v, want ErrChanged", err)
		}
		if data, _ := os.ReadFile(p); string(data) != "use-waypoint: east\n" {
			t.Errorf("content = %q, want the other program's", data)
		}
		if entries, _ := os.ReadDir(root); len(entries) != 1 {
			t.Errorf("directory holds %d entries, want only f.yaml", len(entries))
		}
	})

	t.Run("a read-only file is refused and kept", func(t *testing.T) {
		root := t.TempDir()
		p := filepath.Join(root, "f.yaml")
		if err := os.WriteFile(p, []byte("old\n"), 0o444); err != nil {
			t.Fatal(err)
		}
		if err := writeOne(root, p, []byte("old\n"), []byte("new\n")); !errors.Is(err, fix.ErrReadOnly) {
			t.Errorf("WriteFiles() error = %v, want ErrReadOnly", err)
		}
		if data, _ := os.ReadFile(p); string(data) != "old\n" {
			t.Errorf("content = %q, want it kept", data)
		}
	})

	t.Run("several files are written all or nothing", func(t *testing.T) {
		root := t.TempDir()
		a, b := filepath.Join(root, "a.yaml"), filepath.Join(root, "b.yaml")
		if err := os.WriteFile(a, []byte("a\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(b, []byte("b\n"), 0o444); err != nil {
			t.Fatal(err)
		}
		err := fix.WriteFiles(root, map[string][]byte{a: []byte("a\n"), b: []byte("b\n")},
			map[string][]byte{a: []byte("A\n"), b: []byte("B\n")})
		if !errors.Is(err, fix.ErrReadOnly) {
			t.Errorf("WriteFiles() error = %v, want ErrReadOnly", err)
		}
		if data, _ := os.ReadFile(a); string(data) != "a\n" {
			t.Errorf("a.yaml = %q: written although b.yaml was refused", data)
		}
		if entries, _ := os.ReadDir(root); len(entries) != 2 {
			t.Errorf("directory holds %d entries, want the two files and no temporary file", len(entries))
		}
	})

	t.Run("a missing file is an error", func(t *testing.T) {
		root := t.TempDir()
		if err := writeOne(root, filepath.Join(root, "missing.yaml"), nil, []byte("x")); err == nil {
			t.Error("WriteFiles() succeeded, want an error")
		}
	})
}

// writeOne writes one file with fix.WriteFiles: old is the content the fix was computed from.
func writeOne(root, path string, old, data []byte) error {
	return fix.WriteFiles(root, map[string][]byte{path: old}, map[string][]byte{path: data})
}
