package load_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/manifest/load"
)

// Problems are placed as editors count lines: the YAML parser's extra line after U+2028 does
// not push them down.
func TestProblemsCountLinesAsEditorsDo(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		line       int
	}{
		{"a syntax error", "a: \"x\u2028y\"\nb: [1,\nc: }\n", 3},
		{"a duplicate key", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: {d: \"x\u2028y\"}\n  name: b\n", 6},
		{"a control character", "a: \"x\u2028y\"\nb: \x01\n", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := load.Parse(&manifest.File{Path: "f.yaml", Data: []byte(tt.data)})
			if len(problems) == 0 {
				t.Fatal("no problem")
			}
			if got := problems[0].Pos.Line; got != tt.line {
				t.Errorf("problem %q at line %d, want %d", problems[0].Message, got, tt.line)
			}
		})
	}
}
