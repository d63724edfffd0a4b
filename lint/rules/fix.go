package rules

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// replaceScalar returns an edit that replaces the single-line scalar n of o's file with
// value, written in n's own quoting style. It returns false when the source text at n's
// position is not what the node says (a multi-line or escaped scalar): no edit is better
// than a wrong one.
func replaceScalar(o *manifest.Object, n *yaml.Node, value string) (lint.TextEdit, bool) {
	if o == nil || o.File == nil || n == nil || n.Kind != yaml.ScalarNode || n.Line < 1 || n.Column < 1 {
		return lint.TextEdit{}, false
	}
	line := lineAt(o.File.Data, n.Line)
	if line == nil {
		return lint.TextEdit{}, false
	}
	// yaml.v3 counts columns in characters; edits count bytes.
	start := byteOffset(line, n.Column-1)
	if start < 0 {
		return lint.TextEdit{}, false
	}
	var old, repl string
	switch n.Style {
	case 0, yaml.FlowStyle:
		old, repl = n.Value, value
	case yaml.DoubleQuotedStyle:
		old, repl = strconv.Quote(n.Value), strconv.Quote(value)
	case yaml.SingleQuotedStyle:
		if bytes.ContainsRune([]byte(n.Value+value), '\'') {
			return lint.TextEdit{}, false
		}
		old, repl = "'"+n.Value+"'", "'"+value+"'"
	default:
		return lint.TextEdit{}, false
	}
	if !bytes.HasPrefix(line[start:], []byte(old)) {
		return lint.TextEdit{}, false
	}
	return lint.TextEdit{
		File: o.File.Path, Line: n.Line, Column: start + 1,
		EndLine: n.Line, EndColumn: start + len(old) + 1, NewText: repl,
	}, true
}

// lineAt returns line number l (1-based) of data without its line ending, or nil.
func lineAt(data []byte, l int) []byte {
	for i := 1; i < l; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return nil
		}
		data = data[j+1:]
	}
	if j := bytes.IndexByte(data, '\n'); j >= 0 {
		data = data[:j]
	}
	return bytes.TrimSuffix(data, []byte("\r"))
}

// byteOffset returns the byte offset of the chars-th character of line, or -1.
func byteOffset(line []byte, chars int) int {
	off := 0
	for i := 0; i < chars; i++ {
		if off >= len(line) {
			return -1
		}
		_, size := utf8.DecodeRune(line[off:])
		off += size
	}
	return off
}
