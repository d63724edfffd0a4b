package gentree

import (
	"context"
	"io/fs"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ambientkit/ambientkit/lint/engine"
)

func TestGenerateTreeMakesExactlyTheObjectsAskedFor(t *testing.T) {
	for _, n := range []int{0, 1, 7, 80, 1000} {
		t.Run("objects="+strconv.Itoa(n), func(t *testing.T) {
			dir := t.TempDir()
			if err := GenerateTree(dir, n); err != nil {
				t.Fatal(err)
			}
			res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Root: dir})
			if err != nil {
				t.Fatal(err)
			}
			if res.Objects != n {
				t.Errorf("loaded %d objects, want %d", res.Objects, n)
			}
			if fs := res.LoadFindings; len(fs) > 0 {
				t.Errorf("generated tree does not load cleanly: %v", fs[0])
			}
			files := 0
			filepath.WalkDir(dir, func(_ string, d fs.DirEntry, _ error) error {
				if d != nil && !d.IsDir() {
					files++
				}
				return nil
			})
			if n == 1000 && (files < 550 || files > 650) {
				t.Errorf("%d files for %d objects, want about 0.6 per object", files, n)
			}
			for _, o := range res.Inventory.Objects {
				if o.Typed == nil && o.Ref.Kind != "Application" {
					t.Errorf("%s did not decode", o.Ref)
				}
			}
		})
	}
}
