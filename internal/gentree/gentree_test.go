package gentree

import (
	"context"
	"io/fs"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ambientkit/ambientkit/manifest/load"
)

func TestGenerateTreeMakesExactlyTheObjectsAskedFor(t *testing.T) {
	for _, n := range []int{0, 1, 7, 80, 1000} {
		t.Run("objects="+strconv.Itoa(n), func(t *testing.T) {
			dir := t.TempDir()
			if err := GenerateTree(dir, n); err != nil {
				t.Fatal(err)
			}
			res, err := load.Load(context.Background(), []string{dir}, load.Options{Root: dir, MaxFileSize: 16 << 20})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Objects) != n {
				t.Errorf("loaded %d objects, want %d", len(res.Objects), n)
			}
			if ps := res.Problems; len(ps) > 0 {
				t.Errorf("generated tree does not load cleanly: %v", ps[0])
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
			for _, o := range res.Objects {
				if o.Typed == nil && o.Ref.Kind != "Application" {
					t.Errorf("%s did not decode", o.Ref)
				}
			}
		})
	}
}
