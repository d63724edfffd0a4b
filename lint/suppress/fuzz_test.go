package suppress_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/suppress"
	"github.com/ambientkit/ambientkit/manifest"
)

// FuzzDirectives reads the directives of any file: none panics, and each points inside the
// file, at a '#' that starts its comment.
func FuzzDirectives(f *testing.F) {
	f.Add([]byte("a: 1 # ambientlint:ignore AMB301 -- reason\n"))
	f.Add([]byte("# ambientlint:ignore AMB301,AMB303 -- r\nb: |\n  # ambientlint:ignore AMB301 -- not a comment\n"))
	f.Add([]byte("x: \"a\u2028b\" # ambientlint:ignore AMB002 -- r\r# ambientlint:ignore AMB003 -- r\r\n"))
	f.Add([]byte("k: 'it''s # not' # ambientlint:ignore AMB004 -- r"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file := &manifest.File{Path: "f.yaml", Data: data}
		for _, d := range suppress.Directives([]*manifest.File{file}, nil) {
			off, err := manifest.Offset(data, d.Pos.Line, d.Pos.Column)
			if err != nil {
				t.Fatalf("directive at %d:%d is outside the file: %v", d.Pos.Line, d.Pos.Column, err)
			}
			if off >= len(data) || data[off] != '#' {
				t.Fatalf("directive at %d:%d (offset %d) is not at a '#'", d.Pos.Line, d.Pos.Column, off)
			}
		}
	})
}
