package suppress

import (
	"bytes"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// ignoreDirective is the word that starts a suppression comment:
// "# ambientlint:ignore AMB301 -- reason".
const ignoreDirective = "ambientlint:ignore"

// parseDirective splits the text after ambientlint:ignore (or an annotation's value) into
// rule names and reason: "AMB301, wildcard-egress -- vendor API". A further " #" ends the
// directive, so that another tool's comment may follow it on the line.
func parseDirective(text string) (rules []string, reason string) {
	if i := strings.Index(text, " #"); i >= 0 {
		text = text[:i]
	}
	ids, reason, _ := strings.Cut(text, "--")
	rules = strings.FieldsFunc(ids, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	return rules, strings.TrimSpace(reason)
}

// commentDirectives finds the ambientlint:ignore comments of a YAML file. It reads the
// file line by line, telling comments from text the way YAML does: a '#' at the start of a
// line or after a blank, outside a quoted string and outside the content of a block scalar
// (| or >), starts a comment.
func commentDirectives(f *manifest.File) []lint.Directive {
	data := f.Data
	if !bytes.Contains(data, []byte(ignoreDirective)) {
		return nil
	}
	var out []lint.Directive
	blockIndent := -1 // the indentation a block scalar's content must exceed; -1 outside one
	for line := 1; len(data) > 0; line++ {
		// Lines end as positions count them (manifest.CutLine).
		l, rest, _ := manifest.CutLine(data)
		data = rest
		indent := len(l) - len(bytes.TrimLeft(l, " "))
		if blockIndent >= 0 {
			if len(bytes.TrimSpace(l)) == 0 || indent > blockIndent {
				continue // block scalar content: text, not comments
			}
			blockIndent = -1
		}
		hash := commentAt(l)
		code := l
		if hash >= 0 {
			code = l[:hash]
		}
		if blockScalarRE.Match(code) {
			blockIndent = nodeIndent(l)
		}
		if hash < 0 {
			continue
		}
		text := bytes.TrimLeft(l[hash+1:], " \t")
		rest, ok := bytes.CutPrefix(text, []byte(ignoreDirective))
		if !ok || (len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t') {
			continue // another comment, or ambientlint:ignored, ambientlint:ignore-file, …
		}
		rules, reason := parseDirective(string(rest))
		out = append(out, lint.Directive{
			Pos:   manifest.Position{File: f.Path, Line: line, Column: utf8.RuneCount(l[:hash]) + 1},
			Rules: rules, Reason: reason, Above: len(bytes.TrimSpace(code)) == 0,
		})
	}
	return out
}

// blockScalarRE matches a line (its comment removed) whose value is a block scalar header:
// "key: |", "- >-", "|2+".
var blockScalarRE = regexp.MustCompile(`(?:^|:[ \t]+|-[ \t]+|^[ \t]+)[|>][1-9+-]?[1-9+-]?[ \t]*$`)

// nodeIndent returns the column of the node a line starts, past its indentation and any
// "- " list markers: the content of a block scalar on that line must be indented further.
func nodeIndent(l []byte) int {
	i := 0
	for i < len(l) {
		switch {
		case l[i] == ' ':
			i++
		case l[i] == '-' && i+1 < len(l) && (l[i+1] == ' ' || l[i+1] == '\t'):
			i += 2
		default:
			return i
		}
	}
	return i
}

// commentAt returns the offset of the '#' that starts a YAML line's comment, or -1. Quotes
// open a string only where a scalar can start (after ": ", "- ", a flow indicator, or at
// the start of the line), so the apostrophe in "it's" is text.
func commentAt(l []byte) int {
	var quote byte
	prev := byte(' ') // the last non-blank byte outside strings; ' ' at the start
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch quote {
		case '"':
			if c == '\\' {
				i++
			} else if c == '"' {
				quote, prev = 0, c
			}
			continue
		case '\'':
			if c == '\'' {
				if i+1 < len(l) && l[i+1] == '\'' {
					i++
				} else {
					quote, prev = 0, c
				}
			}
			continue
		}
		blankBefore := i == 0 || l[i-1] == ' ' || l[i-1] == '\t'
		switch c {
		case ' ', '\t':
			continue
		case '#':
			if blankBefore {
				return i
			}
		case '"', '\'':
			if strings.IndexByte(" :-?", prev) >= 0 && blankBefore || strings.IndexByte("[{,", prev) >= 0 {
				quote = c
				continue
			}
		}
		prev = c
	}
	return -1
}

// Suppressor applies the directives of a run to its findings and records their use.
type Suppressor struct {
	sups    []lint.Suppression
	byLine  map[lineKey][]int            // comment directives by the lines they cover
	byObj   map[manifest.ObjectRef][]int // annotation directives by the object they annotate
	ids     map[string]string            // rule ID or name → ID, for the catalogue
	ran     map[string]bool              // IDs of the rules that ran
	matched []map[string]bool            // per directive, the IDs that suppressed a finding
}

type lineKey struct {
	file string
	line int
}

// New returns a Suppressor of dirs: catalogue names the rules directives may name, and ran
// the IDs of the rules that ran (a directive naming a rule that did not run is not unused).
func New(dirs []lint.Directive, catalogue []*lint.Rule, ran map[string]bool) *Suppressor {
	s := &Suppressor{byLine: map[lineKey][]int{}, byObj: map[manifest.ObjectRef][]int{},
		ids: map[string]string{}, ran: ran}
	for _, r := range catalogue {
		s.ids[strings.ToUpper(r.ID)] = r.ID
		s.ids[r.Name] = r.ID
	}
	for i, d := range dirs {
		sup := lint.Suppression{Directive: d}
		for _, name := range d.Rules {
			if s.ruleID(name) == "" {
				sup.Unknown = append(sup.Unknown, name)
			}
		}
		s.sups = append(s.sups, sup)
		s.matched = append(s.matched, map[string]bool{})
		if d.Reason == "" {
			continue // a directive without a reason suppresses nothing
		}
		if d.Object != nil {
			s.byObj[d.Object.Ref] = append(s.byObj[d.Object.Ref], i)
		} else {
			k := lineKey{d.Pos.File, d.Pos.Line}
			if d.Above {
				k.line++
			}
			s.byLine[k] = append(s.byLine[k], i)
		}
	}
	return s
}

// ruleID returns the ID of the rule that name names (ID in any case, or name), or "".
func (s *Suppressor) ruleID(name string) string {
	if id, ok := s.ids[strings.ToUpper(name)]; ok {
		return id
	}
	return s.ids[name]
}

// Suppressed reports whether a directive covers f, and records the use.
func (s *Suppressor) Suppressed(f lint.Finding) bool {
	hit := false
	try := func(idx []int) {
		for _, i := range idx {
			for _, name := range s.sups[i].Rules {
				if s.ruleID(name) == f.Rule {
					s.sups[i].Suppressed++
					s.matched[i][f.Rule] = true
					hit = true
					break
				}
			}
		}
	}
	try(s.byLine[lineKey{f.Pos.File, f.Pos.Line}])
	if f.Object != (manifest.ObjectRef{}) {
		try(s.byObj[f.Object])
	}
	return hit
}

// Result returns the suppressions with their unused rules filled in.
func (s *Suppressor) Result() []lint.Suppression {
	for i := range s.sups {
		sup := &s.sups[i]
		if sup.Reason == "" {
			continue
		}
		for _, name := range sup.Rules {
			id := s.ruleID(name)
			if id != "" && s.ran[id] && !s.matched[i][id] {
				sup.Unused = append(sup.Unused, id)
			}
		}
	}
	return s.sups
}

// Directives returns the suppression directives of files (their ambientlint:ignore comments;
// JSON files have none) and objects (their ambientlint.io/ignore annotations), in file and
// line order, then object order.
func Directives(files []*manifest.File, objects []*manifest.Object) []lint.Directive {
	var out []lint.Directive
	for _, f := range files {
		if !strings.EqualFold(path.Ext(f.Path), ".json") {
			out = append(out, commentDirectives(f)...)
		}
	}
	for _, o := range objects {
		if v, ok := o.Annotations[lint.IgnoreAnnotation]; ok {
			rules, reason := parseDirective(v)
			out = append(out, lint.Directive{
				Pos: o.Pos("metadata", "annotations", lint.IgnoreAnnotation), Object: o, Rules: rules, Reason: reason,
			})
		}
	}
	return out
}
