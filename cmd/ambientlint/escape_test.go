package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// orderTree writes a Flux tree whose names are name with a suffix, and returns its root.
// name is written in a YAML double-quoted scalar, so it may use YAML escapes.
func orderTree(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	tree := `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: "istiod` + name + `"
  namespace: "istio-system` + name + `"
spec:
  chart:
    spec:
      chart: istiod
  values:
    profile: ambient
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: "app` + name + `"
  namespace: "istio-system` + name + `"
spec:
  chart:
    spec:
      chart: app
  dependsOn:
    - name: "istiod` + name + `"
    - name: "missing` + name + `"
---
apiVersion: v1
kind: Namespace
metadata:
  name: "ns` + name + `"
  labels:
    istio.io/dataplane-mode: ambient
`
	if err := os.WriteFile(filepath.Join(dir, "tree.yaml"), []byte(tree), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// evilName is a crafted name in YAML escapes: a workflow command on a line of its own, a
// legacy one mid-line, an SGR and an OSC 8 hyperlink sequence, a tab, a line separator, a
// bidi override, DEL and C1, and the characters that end or mark up a graph label.
const evilName = `\n::error file=x::pwned \e[31mred\e]8;;http://x\e\\link\t\L\u202eevil ##[error]v1\x7f\N\" <b>#quot;&lt;` + "`"

func TestOrderCannotBeInjected(t *testing.T) {
	// How each format shows the start and the end of the name.
	shown := map[string][]string{
		"text":    {`\n::error file=x::pwned \x1b[31mred`, `##\x5berror]v1\x7f\u0085" <b>#quot;&lt;` + "`"},
		"mermaid": {`\n::error file=x::pwned \x1b[31mred`, `#35;#35;\x5berror]v1\x7f\u0085#quot; #lt;b#gt;#35;quot;#amp;lt;#96;`},
		"dot":     {`\\n::error file=x::pwned \\x1b[31mred`, `##\\x5berror]v1\\x7f\\u0085\" <b>#quot;&lt;` + "`"},
	}
	nodeLine := map[string]*regexp.Regexp{
		"mermaid": regexp.MustCompile(`^  u\d+\["[^"]*"\]`),
		"dot":     regexp.MustCompile(`^  u\d+ \[label="(?:[^"\\]|\\.)*"[,\]]`),
	}
	for _, format := range orderFormats {
		t.Run("a crafted name stays inside its line and label in "+format, func(t *testing.T) {
			run := func(name string) string {
				t.Helper()
				dir := orderTree(t, name)
				var stdout, stderr bytes.Buffer
				args := []string{"--format", format, "--repo-root", dir, dir}
				if code := runOrder(context.Background(), args, nil, &stdout, &stderr); code != exitOK {
					t.Fatalf("exit %d\n%s", code, stderr.String())
				}
				return stdout.String()
			}
			plain, got := run("-plain"), run(evilName)
			for _, want := range shown[format] {
				if !strings.Contains(got, want) {
					t.Errorf("the name is not shown escaped as %s:\n%s", want, got)
				}
			}
			lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
			if want := strings.Count(plain, "\n"); len(lines) != want {
				t.Errorf("%d lines, want %d as with a plain name:\n%s\nplain:\n%s", len(lines), want, got, plain)
			}
			nodes := 0
			for _, line := range lines {
				for i, r := range line {
					if r == utf8.RuneError || r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0x2028 || r == 0x2029 ||
						r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
						t.Errorf("raw %U at byte %d of line %q", r, i, line)
					}
				}
				if strings.HasPrefix(strings.TrimLeftFunc(line, unicode.IsSpace), "::") {
					t.Errorf("line %q is a workflow command", line)
				}
				if strings.Contains(line, "##[") {
					t.Errorf("line %q holds a legacy workflow command", line)
				}
				if re := nodeLine[format]; re != nil && strings.Contains(line, "pwned") {
					nodes++
					if !re.MatchString(line) {
						t.Errorf("the label of %q does not match %s", line, re)
					}
				}
			}
			if nodeLine[format] != nil && nodes == 0 {
				t.Errorf("no node carries the crafted name:\n%s", got)
			}
		})
	}
}
