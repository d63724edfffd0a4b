package fix

import (
	"bytes"
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ambientkit/ambientkit/manifest"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/ambientkit/ambientkit/lint"
)

// utf8BOM is the byte order mark the loader drops before it counts positions.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Apply applies the first suggested fix of every finding to files (keyed by File.Path,
// holding the bytes as on disk) and returns the new content of each file that changed. Files
// without an applied edit are not in the result, so a caller that writes the result touches
// only the files a fix changes.
//
// Edits are ranges given by 1-based line:column positions, End exclusive, as the loader
// counts them (manifest.Offset: lines end at "\n", "\r\n" or "\r", columns count
// characters): a leading UTF-8 byte order mark is not counted, and is kept. Every byte
// outside the edited ranges is kept as it was (comments, key order, quoting, line endings).
//
// Fixes are taken in a fixed order (by file, position, rule and message of their first edit)
// whatever the order of findings, and applied whole or not at all: a fix with an edit that
// overlaps an edit already taken is skipped, as is a fix whose edits were all taken already
// (two findings that propose the same change). The result does not depend on the order of
// findings. An edit that names a file not in files, or a position outside its file, is an
// error: it means a rule computed a wrong position.
func Apply(files map[string][]byte, findings []lint.Finding) (map[string][]byte, error) {
	type span struct {
		start, end int
		text       string
	}
	type plannedFix struct {
		fix   lint.Fix
		first lint.TextEdit
		rule  string
		msg   string
	}
	var plan []plannedFix
	for _, f := range findings {
		if len(f.Fixes) == 0 || len(f.Fixes[0].Edits) == 0 {
			continue
		}
		fx := f.Fixes[0]
		first := slices.MinFunc(fx.Edits, compareEdits)
		plan = append(plan, plannedFix{fix: fx, first: first, rule: f.Rule, msg: f.Message})
	}
	slices.SortStableFunc(plan, func(a, b plannedFix) int {
		return cmp.Or(compareEdits(a.first, b.first), cmp.Compare(a.rule, b.rule), cmp.Compare(a.msg, b.msg))
	})

	// Work on the content without its byte order mark, which positions do not count.
	content := map[string][]byte{}
	bom := map[string]bool{}
	for name, data := range files {
		if bytes.HasPrefix(data, utf8BOM) {
			bom[name] = true
			data = data[len(utf8BOM):]
		}
		content[name] = data
	}

	taken := map[string][]span{}
	for _, p := range plan {
		var spans []span
		var files []string
		for _, e := range p.fix.Edits {
			data, ok := content[e.File]
			if !ok {
				return nil, fmt.Errorf("fix %q: edit of %s: file not read", p.fix.Message, e.File)
			}
			start, err := manifest.Offset(data, e.Line, e.Column)
			if err != nil {
				return nil, fmt.Errorf("fix %q: edit of %s: start: %w", p.fix.Message, e.File, err)
			}
			end, err := manifest.Offset(data, e.EndLine, e.EndColumn)
			if err != nil {
				return nil, fmt.Errorf("fix %q: edit of %s: end: %w", p.fix.Message, e.File, err)
			}
			if end < start {
				return nil, fmt.Errorf("fix %q: edit of %s: end %d:%d is before start %d:%d",
					p.fix.Message, e.File, e.EndLine, e.EndColumn, e.Line, e.Column)
			}
			spans = append(spans, span{start, end, e.NewText})
			files = append(files, e.File)
		}
		conflict, duplicate := false, 0
		for i, s := range spans {
			for _, t := range taken[files[i]] {
				switch {
				case s == t:
					duplicate++
				case s.start == t.start || (s.start < t.end && t.start < s.end):
					conflict = true
				}
			}
			// Edits of one fix must not overlap each other either.
			for j := range i {
				if files[j] == files[i] && (spans[j].start == s.start || (s.start < spans[j].end && spans[j].start < s.end)) {
					conflict = true
				}
			}
		}
		if conflict || duplicate > 0 {
			// A duplicate fix was applied already; a partly duplicate one conflicts.
			continue
		}
		for i, s := range spans {
			taken[files[i]] = append(taken[files[i]], s)
		}
	}

	out := map[string][]byte{}
	for name, spans := range taken {
		data := content[name]
		slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
		var buf bytes.Buffer
		if bom[name] {
			buf.Write(utf8BOM)
		}
		last := 0
		for _, s := range spans {
			buf.Write(data[last:s.start])
			buf.WriteString(s.text)
			last = s.end
		}
		buf.Write(data[last:])
		if newData := buf.Bytes(); !bytes.Equal(newData, files[name]) {
			out[name] = newData
		}
	}
	return out, nil
}

// compareEdits orders edits by file, then start position.
func compareEdits(a, b lint.TextEdit) int {
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column),
		cmp.Compare(a.EndLine, b.EndLine), cmp.Compare(a.EndColumn, b.EndColumn), cmp.Compare(a.NewText, b.NewText))
}

// Diff returns a unified diff (as `diff -u` and `git diff` print it, with a/ and b/ prefixes
// and three lines of context) that turns old into new, the content of the file at path; ""
// when they are equal. A last line without a line ending is marked
// "\ No newline at end of file".
func Diff(path string, old, new []byte) string {
	if bytes.Equal(old, new) {
		return ""
	}
	p := filepath.ToSlash(path)
	s, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: diffLines(old), B: diffLines(new),
		FromFile: "a/" + p, ToFile: "b/" + p,
		Context: 3,
	})
	if err != nil {
		// Writing to a bytes.Buffer does not fail.
		return ""
	}
	return s
}

// diffLines splits data into lines that keep their endings; a last line without one gets the
// marker diff tools print, so that adding or removing the final newline shows as a change.
func diffLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		return lines[:len(lines)-1]
	}
	lines[len(lines)-1] += "\n\\ No newline at end of file\n"
	return lines
}
