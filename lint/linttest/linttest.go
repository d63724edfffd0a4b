package linttest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/lint/engine"
)

// Run lints every file under dir with rules (and the default configuration), and reports
// through t every finding no want comment expects and every want no finding matches. It
// returns the run's result for further checks.
//
// When rules do not include AMB001 (invalid-yaml), a file or object that does not load is a
// test failure too, so that broken testdata cannot pass silently.
func Run(t testing.TB, dir string, rules ...*lint.Rule) *lint.Result {
	t.Helper()
	return RunWithConfig(t, dir, nil, rules...)
}

// RunRepo lints dir as ambientlint lints a repository, with the default configuration:
// files that no Application or Flux Kustomization of the tree applies are not linted. It
// reports through t like Run.
func RunRepo(t testing.TB, dir string, rules ...*lint.Rule) *lint.Result {
	t.Helper()
	return check(t, dir, config.Default(), rules)
}

// RunWithConfig is Run with a configuration (nil means the defaults).
//
// A testdata tree collects a rule's cases side by side, not one cluster's repository, so
// every file of it is linted: the files that no Application or Flux Kustomization of the tree
// applies as well (configuration unreached: lint). Which files a tree applies is the GitOps
// model's concern, tested there.
func RunWithConfig(t testing.TB, dir string, cfg *config.Config, rules ...*lint.Rule) *lint.Result {
	t.Helper()
	if cfg == nil {
		cfg = config.Default()
	} else {
		c := *cfg
		cfg = &c
	}
	cfg.LintUnreached = true
	return check(t, dir, cfg, rules)
}

// check lints dir with cfg and rules and compares the findings with the want comments.
func check(t testing.TB, dir string, cfg *config.Config, rules []*lint.Rule) *lint.Result {
	t.Helper()
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Config: cfg, Rules: rules, Root: dir})
	if err != nil {
		t.Errorf("linting %s: %v", dir, err)
		return nil
	}
	wants, err := readWants(dir)
	if err != nil {
		t.Errorf("%v", err)
		return res
	}
	for _, f := range res.Findings {
		k := key{filepath.Clean(f.Pos.File), f.Pos.Line}
		text := f.Rule + ": " + f.Message
		if !wants.match(k, text) {
			t.Errorf("%s: unexpected finding: %s", f.Pos, text)
		}
	}
	for _, w := range wants.unmatched() {
		t.Errorf("%s:%d: no finding matched %q", w.file, w.line, w.re.String())
	}
	if !runs(rules, cfg, lint.InvalidYAMLID) {
		for _, f := range res.LoadFindings {
			t.Errorf("%s: testdata does not load: %s", f.Pos, f.Message)
		}
	}
	return res
}

// runs reports whether the rule with ID id is among rules and not switched off.
func runs(rules []*lint.Rule, cfg *config.Config, id string) bool {
	for _, r := range rules {
		if r.ID == id {
			return cfg.SeverityOf(r) != lint.Off
		}
	}
	return false
}

type key struct {
	file string
	line int
}

// want is one expected finding.
type want struct {
	key
	re      *regexp.Regexp
	matched bool
}

type wantSet struct {
	byKey map[key][]*want
	all   []*want
}

// match marks the first unmatched want on k whose expression matches text.
func (s *wantSet) match(k key, text string) bool {
	for _, w := range s.byKey[k] {
		if !w.matched && w.re.MatchString(text) {
			w.matched = true
			return true
		}
	}
	return false
}

func (s *wantSet) unmatched() []*want {
	var out []*want
	for _, w := range s.all {
		if !w.matched {
			out = append(out, w)
		}
	}
	return out
}

// wantRE finds a want comment: a '#' at the start of a line or after a blank.
var wantRE = regexp.MustCompile(`(?:^|[ \t])#[ \t]*want[ \t]+(.*)$`)

// readWants collects the want comments of every file under dir.
func readWants(dir string) (*wantSet, error) {
	s := &wantSet{byKey: map[key][]*want{}}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for line := 1; sc.Scan(); line++ {
			m := wantRE.FindStringSubmatch(strings.TrimRight(sc.Text(), "\r"))
			if m == nil {
				continue
			}
			res, err := parseWants(m[1])
			if err != nil {
				return fmt.Errorf("%s:%d: bad want comment: %v", path, line, err)
			}
			k := key{filepath.Clean(path), line}
			for _, re := range res {
				w := &want{key: k, re: re}
				s.byKey[k] = append(s.byKey[k], w)
				s.all = append(s.all, w)
			}
		}
		return sc.Err()
	})
	return s, err
}

// parseWants parses the quoted expressions of a want comment.
func parseWants(text string) ([]*regexp.Regexp, error) {
	var out []*regexp.Regexp
	for text = strings.TrimSpace(text); text != ""; text = strings.TrimSpace(text) {
		q, err := strconv.QuotedPrefix(text)
		if err != nil {
			return nil, fmt.Errorf("want a quoted regular expression at %q", text)
		}
		text = text[len(q):]
		s, _ := strconv.Unquote(q)
		re, err := regexp.Compile(s)
		if err != nil {
			return nil, err
		}
		out = append(out, re)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no expression")
	}
	return out, nil
}
