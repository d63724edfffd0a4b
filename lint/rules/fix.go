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
	ln, col := o.File.Position(n.Line, n.Column)
	line := lineAt(o.File.Data, ln)
	if line == nil {
		return lint.TextEdit{}, false
	}
	start, err := manifest.Offset(line, 1, col)
	if err != nil {
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
		File: o.File.Path, Line: ln, Column: col,
		EndLine: ln, EndColumn: col + utf8.RuneCountInString(old), NewText: repl,
	}, true
}

// lineAt returns line number l (1-based, as positions count lines: see manifest.Offset) of
// data without its line ending, or nil.
func lineAt(data []byte, l int) []byte {
	start, err := manifest.Offset(data, l, 1)
	if err != nil {
		return nil
	}
	line, _, _ := manifest.CutLine(data[start:])
	return line
}
