package manifest_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/manifest"
)

func TestPositionCountsLinesAsEditorsDo(t *testing.T) {
	for _, tt := range []struct {
		name              string
		data              string
		yamlLine, yamlCol int
		wantLine, wantCol int
	}{
		{"a file without YAML-only breaks is as the parser says", "a: 1\r\nb: 2\n", 2, 1, 2, 1},
		{"after U+2028 the parser is a line ahead", "a: \"x\u2028y\"\nb: 2\n", 3, 1, 2, 1},
		{"the text after U+2028 is on the same editor line", "a: \"x\u2028y\"\n", 2, 1, 1, 7},
		{"NEL and U+2029 count alike", "a: \"\u0085\u2029\"\nb: 2\n", 4, 4, 2, 4},
		{"columns count characters", "é: \"\u2028\"\nb: ü\n", 3, 4, 2, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := &manifest.File{Path: "f.yaml", Data: []byte(tt.data)}
			if l, c := f.Position(tt.yamlLine, tt.yamlCol); l != tt.wantLine || c != tt.wantCol {
				t.Errorf("Position(%d, %d) = %d:%d, want %d:%d", tt.yamlLine, tt.yamlCol, l, c, tt.wantLine, tt.wantCol)
			}
		})
	}
}

func TestOffset(t *testing.T) {
	data := []byte("ab\r\nc\rdé\u2028f\n")
	for _, tt := range []struct {
		line, col, want int
		err             bool
	}{
		{1, 1, 0, false},
		{1, 3, 2, false},  // before the line break
		{2, 1, 4, false},  // after "\r\n"
		{3, 1, 6, false},  // after a lone "\r"
		{3, 3, 9, false},  // after "d" and the two bytes of "é"
		{3, 4, 12, false}, // U+2028 is a character of the line
		{4, 1, 14, false}, // just after the final line break
		{3, 7, 0, true},
		{5, 1, 0, true},
		{0, 1, 0, true},
	} {
		got, err := manifest.Offset(data, tt.line, tt.col)
		if (err != nil) != tt.err || (!tt.err && got != tt.want) {
			t.Errorf("Offset(%d, %d) = %d, %v; want %d (error %v)", tt.line, tt.col, got, err, tt.want, tt.err)
		}
	}
}

func TestLineColIsTheInverseOfOffset(t *testing.T) {
	data := []byte("ab\r\nc\rdé\u2028f\n")
	for _, p := range [][2]int{{1, 1}, {1, 3}, {2, 1}, {3, 1}, {3, 3}, {3, 4}, {3, 5}, {4, 1}} {
		off, err := manifest.Offset(data, p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		if l, c := manifest.LineCol(data, off); l != p[0] || c != p[1] {
			t.Errorf("LineCol(Offset(%d, %d) = %d) = %d:%d", p[0], p[1], off, l, c)
		}
	}
}
