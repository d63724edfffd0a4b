package load_test

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/manifest/load"
)

func TestWalkFSReadsWhatLoadWould(t *testing.T) {
	fsys := fstest.MapFS{
		"apps/a.yaml":                 {Data: []byte("a")},
		"apps/b.json":                 {Data: []byte("{}")},
		"apps/notes.md":               {Data: []byte("not read")},
		"apps/.hidden/c.yaml":         {Data: []byte("hidden")},
		"apps/chart/Chart.yaml":       {Data: []byte("name: c")},
		"apps/chart/templates/d.yaml": {Data: []byte("{{ template }}")},
		"apps/chart/values.yaml":      {Data: []byte("x: 1")},
		"apps/skipped/e.yaml":         {Data: []byte("e")},
		"apps/link.yaml":              {Data: []byte("target"), Mode: fs.ModeSymlink | 0o777},
		"top/chart/Chart.yaml":        {Data: []byte("name: t")},
		"top/chart/templates/f.yaml":  {Data: []byte("{{ template }}")},
		"top/chart/values.yaml":       {Data: []byte("y: 2")},
		"other/g.yaml":                {Data: []byte("g")},
	}
	exclude := func(rel string) bool { return rel == "apps/skipped" }
	tests := []struct {
		name string
		dirs []string
		want []string
	}{
		{"a walk below the root leaves out hidden directories, charts, excluded paths, links and other files",
			[]string{"apps"}, []string{"apps/a.yaml", "apps/b.json"}},
		{"a chart walked itself is read but for its templates", []string{"top/chart"},
			[]string{"top/chart/Chart.yaml", "top/chart/values.yaml"}},
		{"a file named explicitly is read, and a missing path is skipped", []string{"other/g.yaml", "gone"},
			[]string{"other/g.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, load.WalkFS(fsys, tt.dirs, exclude)); diff != "" {
				t.Errorf("WalkFS (-want +got):\n%s", diff)
			}
		})
	}
}
