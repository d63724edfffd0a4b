package manifest

import (
	"bytes"
	"fmt"
	"sort"
	"sync"
	"unicode/utf8"
)

// Positions count lines as editors, git and the Language Server Protocol do: a line ends at
// "\n", "\r\n" or a lone "\r". Columns count characters (Unicode code points), 1-based, as
// the YAML parser does. The YAML parser also ends lines at NEL (U+0085), LS (U+2028) and PS
// (U+2029), which editors show inside a line: File.Position maps its line and column to the
// ones an editor shows, so that a finding after such a character is not one line low and a
// fix edits the line a reader sees.

// yamlBreaks are the line breaks YAML counts that editors do not.
var yamlBreaks = [][]byte{[]byte("\u0085"), []byte("\u2028"), []byte("\u2029")}

// lineIndex is where the lines of a file start, by the YAML parser's count and by an
// editor's; built only for a file that holds a break they count differently.
type lineIndex struct {
	yaml, editor []int // byte offsets of line starts
}

type fileLines struct {
	once  sync.Once
	index *lineIndex // nil when the two counts agree
}

// Position returns the editor's line and column of the YAML parser's 1-based line and
// column in f.
func (f *File) Position(line, column int) (int, int) {
	if f == nil || line < 1 || column < 1 {
		return line, column
	}
	f.lines.once.Do(func() { f.lines.index = buildIndex(f.Data) })
	x := f.lines.index
	if x == nil || line > len(x.yaml) {
		return line, column
	}
	off := advance(f.Data, x.yaml[line-1], column-1)
	el := sort.Search(len(x.editor), func(i int) bool { return x.editor[i] > off }) - 1
	return el + 1, utf8.RuneCount(f.Data[x.editor[el]:off]) + 1
}

func buildIndex(data []byte) *lineIndex {
	found := false
	for _, b := range yamlBreaks {
		if bytes.Contains(data, b) {
			found = true
			break
		}
	}
	if !found {
		return nil
	}
	x := &lineIndex{yaml: []int{0}, editor: []int{0}}
	for i := 0; i < len(data); {
		if n := editorBreak(data, i); n > 0 {
			x.yaml = append(x.yaml, i+n)
			x.editor = append(x.editor, i+n)
			i += n
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		if r == '\u0085' || r == '\u2028' || r == '\u2029' {
			x.yaml = append(x.yaml, i+n)
		}
		i += n
	}
	return x
}

// editorBreak returns the length of the line break at data[i] ("\r\n", "\n" or "\r"), or 0.
func editorBreak(data []byte, i int) int {
	switch data[i] {
	case '\n':
		return 1
	case '\r':
		if i+1 < len(data) && data[i+1] == '\n' {
			return 2
		}
		return 1
	}
	return 0
}

// advance returns the offset n characters after off, stopping at the end of data.
func advance(data []byte, off, n int) int {
	for ; n > 0 && off < len(data); n-- {
		_, w := utf8.DecodeRune(data[off:])
		off += w
	}
	return off
}

// CutLine cuts data at its first line break ("\n", "\r\n" or a lone "\r"), returning the
// line without it and what follows it; found is false when data holds no line break.
func CutLine(data []byte) (line, rest []byte, found bool) {
	i := bytes.IndexAny(data, "\r\n")
	if i < 0 {
		return data, nil, false
	}
	return data[:i], data[i+editorBreak(data, i):], true
}

// Offset returns the byte offset in data of the 1-based line and column of an editor (see
// File.Position). The column may be one past the end of the line (before its line break);
// the position just after a final line break (the line count + 1, column 1) is the end of
// data.
func Offset(data []byte, line, column int) (int, error) {
	if line < 1 || column < 1 {
		return 0, fmt.Errorf("position %d:%d is not 1-based", line, column)
	}
	rest := data
	for l := 1; l < line; l++ {
		var found bool
		if _, rest, found = CutLine(rest); !found {
			return 0, fmt.Errorf("line %d is past the end of the file (%d lines)", line, l)
		}
	}
	start := len(data) - len(rest)
	text, _, _ := CutLine(rest)
	off := start
	for c := 1; c < column; c++ {
		if off >= start+len(text) {
			return 0, fmt.Errorf("column %d is past the end of line %d (%d characters)", column, line, utf8.RuneCount(text))
		}
		_, w := utf8.DecodeRune(data[off : start+len(text)])
		off += w
	}
	return off, nil
}

// LineCol returns the 1-based line and column of an editor (see File.Position) of the byte
// offset off in data: the inverse of Offset.
func LineCol(data []byte, off int) (line, column int) {
	off = max(0, min(off, len(data)))
	line, start := 1, 0
	for i := 0; i < off; {
		n := editorBreak(data, i) // looks past off, so "\r\n" is one break
		if n == 0 {
			i++
			continue
		}
		if i+n > off {
			break // off is inside a "\r\n": still on this line
		}
		i += n
		line, start = line+1, i
	}
	return line, utf8.RuneCount(data[start:off]) + 1
}
