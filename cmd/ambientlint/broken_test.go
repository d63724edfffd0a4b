package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/internal/gittest"
)

// brokenExceptions are the rules of the catalogue that examples/broken does not show failing,
// with the reason. Every other rule must have a want comment there.
var brokenExceptions = map[string]string{
	"AMB112": "it needs a ztunnel chart beside istiod's, and this tree shows AMB109, which reads the whole " +
		"repository, with the ztunnel it forgot; leaving out istio-cni or istiod instead would take AMB107, " +
		"AMB111 and AMB113, or AMB104 and AMB114, with it",
	"AMB501": "it reads Go code (go vet -vettool with ambientvet), not manifests",
}

// baseRules run only when ambientlint lints a change (--base). Their want comments in
// examples/broken are checked against a run over a history made for them: the commit before
// moves example-api from sidecar injection to ambient mode.
var baseRules = map[string]bool{"AMB201": true}

// sidecarEra is the label example-api's namespace had before the change under review.
var sidecarEra = map[string][2]string{
	"examples/broken/workloads/example-api/namespace.yaml": {"istio.io/dataplane-mode: ambient", "istio-injection: enabled"},
}

// examples/broken is examples/gitops with one mistake per rule, each marked with a
// `# want "AMBnnn: regexp"` comment on the line its finding points at. The binary must report
// exactly those findings: a missing one is a rule that no longer catches its mistake, an
// extra one a rule that fires where it should not, or a mistake that sets off more than its
// own rule. TestExampleIsClean holds examples/gitops, beside it, to no finding at all.
func TestBrokenExample(t *testing.T) {
	wants := readBrokenWants(t, "../../examples/broken")
	repo := copyBroken(t)

	t.Run("the findings are exactly the ones the want comments give", func(t *testing.T) {
		r := ambientlint(t, repo, "", "--format", "json", "--repo-root", ".", "examples/broken")
		doc := decodeFindings(t, r)
		if r.code != 1 || r.stderr != "" {
			t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
		}
		if doc.Summary.Unreached != 0 {
			t.Errorf("%d objects are applied by nothing: every mistake should be in a file the cluster gets", doc.Summary.Unreached)
		}
		checkWants(t, doc.Findings, wants.without(baseRules))
	})

	t.Run("the Rego engine finds the same, rule, file and line", func(t *testing.T) {
		at := func(args ...string) []string {
			r := ambientlint(t, repo, "", append([]string{"--format", "json", "--repo-root", "."}, args...)...)
			var out []string
			for _, f := range decodeFindings(t, r).Findings {
				out = append(out, fmt.Sprintf("%s %s:%d", f.Rule, f.File, f.Line))
			}
			return out
		}
		goEngine, regoEngine := at("examples/broken"), at("--engine", "rego", "examples/broken")
		if diff := cmp.Diff(goEngine, regoEngine); diff != "" {
			t.Errorf("--engine rego against the Go rules (-go +rego):\n%s", diff)
		}
	})

	t.Run("with --base, a namespace moved from sidecars to ambient needs its workloads restarted", func(t *testing.T) {
		gittest.Run(t, repo, "init", "--quiet", "--initial-branch=main")
		current := map[string]string{}
		before := map[string]string{}
		for name, change := range sidecarEra {
			b, err := os.ReadFile(filepath.Join(repo, filepath.FromSlash(name)))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), change[0]) {
				t.Fatalf("%s no longer holds %q", name, change[0])
			}
			current[name] = string(b)
			before[name] = strings.Replace(string(b), change[0], change[1], 1)
		}
		gittest.Write(t, repo, before)
		gittest.Run(t, repo, "add", "--all")
		gittest.Run(t, repo, "commit", "--quiet", "-m", "example-api with sidecars")
		gittest.Write(t, repo, current)

		r := ambientlint(t, repo, "", "--format", "json", "--repo-root", ".", "--base", "HEAD", "examples/broken")
		doc := decodeFindings(t, r)
		if r.stderr != "" {
			t.Errorf("stderr:\n%s", r.stderr)
		}
		var got []brokenFinding
		for _, f := range doc.Findings {
			if baseRules[f.Rule] {
				got = append(got, f)
			}
		}
		checkWants(t, got, wants.only(baseRules))
	})

	t.Run("every rule of the catalogue is shown, or says why not", func(t *testing.T) {
		r := ambientlint(t, "", "", "rules", "--format", "json")
		var cat struct{ Rules []struct{ ID string } }
		if err := json.Unmarshal([]byte(r.stdout), &cat); err != nil {
			t.Fatalf("%v\n%s", err, r.stdout)
		}
		shown := map[string]bool{}
		for _, w := range wants {
			shown[w.rule] = true
		}
		known := map[string]bool{}
		for _, rule := range cat.Rules {
			known[rule.ID] = true
			_, excepted := brokenExceptions[rule.ID]
			switch {
			case shown[rule.ID] && excepted:
				t.Errorf("%s is shown in examples/broken: remove it from brokenExceptions", rule.ID)
			case !shown[rule.ID] && !excepted:
				t.Errorf("%s is not shown in examples/broken: add a mistake for it, or an exception with the reason", rule.ID)
			}
		}
		for id := range brokenExceptions {
			if !known[id] {
				t.Errorf("brokenExceptions names %s, which is not a rule", id)
			}
		}
		for id := range shown {
			if !known[id] {
				t.Errorf("a want comment in examples/broken names %s, which is not a rule", id)
			}
		}
	})
}

// brokenFinding is what a test reads of one finding of --format json.
type brokenFinding struct {
	Rule, Message, File string
	Line                int
}

type brokenDoc struct {
	Findings []brokenFinding
	Summary  struct{ Unreached int }
}

func decodeFindings(t *testing.T, r result) brokenDoc {
	t.Helper()
	var doc brokenDoc
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("exit %d: %v\nstdout:\n%s\nstderr:\n%s", r.code, err, r.stdout, r.stderr)
	}
	return doc
}

// brokenWant is one expected finding: a regular expression for "RULE: message" on a line of a
// file (slash-separated, relative to the repository root).
type brokenWant struct {
	file string
	line int
	rule string
	re   *regexp.Regexp
}

type brokenWants []brokenWant

func (ws brokenWants) only(rules map[string]bool) brokenWants {
	var out brokenWants
	for _, w := range ws {
		if rules[w.rule] {
			out = append(out, w)
		}
	}
	return out
}

func (ws brokenWants) without(rules map[string]bool) brokenWants {
	var out brokenWants
	for _, w := range ws {
		if !rules[w.rule] {
			out = append(out, w)
		}
	}
	return out
}

// checkWants reports every finding that no want matches and every want that no finding
// matches. Each finding matches one want on its line, as analysistest does.
func checkWants(t *testing.T, findings []brokenFinding, wants brokenWants) {
	t.Helper()
	matched := make([]bool, len(wants))
	for _, f := range findings {
		ok := false
		for i, w := range wants {
			if !matched[i] && w.file == f.File && w.line == f.Line && w.re.MatchString(f.Rule+": "+f.Message) {
				matched[i], ok = true, true
				break
			}
		}
		if !ok {
			t.Errorf("%s:%d: unexpected finding: %s: %s", f.File, f.Line, f.Rule, f.Message)
		}
	}
	for i, w := range wants {
		if !matched[i] {
			t.Errorf("%s:%d: no finding matched %q", w.file, w.line, w.re)
		}
	}
}

// brokenWantRE finds a want comment, as lint/linttest does: a '#' at the start of a line or
// after a blank, then want and quoted regular expressions.
var brokenWantRE = regexp.MustCompile(`(?:^|[ \t])#[ \t]*want[ \t]+(.*)$`)

// brokenRuleRE is the rule ID each expression must start with.
var brokenRuleRE = regexp.MustCompile(`^AMB[0-9]{3}:`)

// readBrokenWants collects the want comments of every file under dir, with file names as the
// binary prints them when it lints examples/broken from the repository root.
func readBrokenWants(t *testing.T, dir string) brokenWants {
	t.Helper()
	var ws brokenWants
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name := path.Join("examples/broken", filepath.ToSlash(rel))
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			m := brokenWantRE.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			if strings.TrimSpace(m[1]) == "" {
				return fmt.Errorf("%s:%d: want comment without an expression", name, line)
			}
			for text := strings.TrimSpace(m[1]); text != ""; text = strings.TrimSpace(text) {
				q, err := strconv.QuotedPrefix(text)
				if err != nil {
					return fmt.Errorf("%s:%d: want a quoted regular expression at %q", name, line, text)
				}
				text = text[len(q):]
				s, _ := strconv.Unquote(q)
				if !brokenRuleRE.MatchString(s) {
					return fmt.Errorf("%s:%d: want %q does not start with its rule (AMBnnn:)", name, line, s)
				}
				re, err := regexp.Compile(s)
				if err != nil {
					return fmt.Errorf("%s:%d: %v", name, line, err)
				}
				ws = append(ws, brokenWant{file: name, line: line, rule: s[:len("AMBnnn")], re: re})
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) == 0 {
		t.Fatalf("no want comments under %s", dir)
	}
	return ws
}

// copyBroken copies examples/broken into a new directory, at the same path below it as in the
// repository (its Argo CD sources name examples/broken/...), and returns that directory.
func copyBroken(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "examples", "broken"), os.DirFS("../../examples/broken")); err != nil {
		t.Fatal(err)
	}
	return dir
}
