package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// fixable is a tree with one finding of each kind that has an unambiguous fix, and a file
// with no fixable finding that must not be touched.
var fixable = map[string]string{
	"ns.yaml": `# the example namespace
apiVersion: v1
kind: Namespace
metadata:
  name: example-api
  labels:
    istio.io/dataplane-mode: Ambient   # a comment that must survive
`,
	"waypoint.yaml": `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: example-api-waypoint
  namespace: example-api
spec:
  gatewayClassName: istio-waypoint
  listeners:
    - name: mesh
      port: 15009
      protocol: HBONE
`,
	"untouched.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: example-api
data:
  key: "value"
`,
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDiffPrintsTheFixesAndWritesNothing(t *testing.T) {
	dir := writeTree(t, fixable)
	r := ambientlint(t, dir, "", "--diff", "--repo-root", dir, ".")
	if r.code != exitFindings {
		t.Errorf("exit status %d, want %d (the findings are still there); stderr:\n%s", r.code, exitFindings, r.stderr)
	}
	for _, want := range []string{
		"--- a/ns.yaml", "+++ b/ns.yaml",
		"-    istio.io/dataplane-mode: Ambient   # a comment that must survive",
		"+    istio.io/dataplane-mode: ambient   # a comment that must survive",
		"-      port: 15009", "+      port: 15008",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the diff lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "untouched.yaml") {
		t.Errorf("the diff names a file without fixes:\n%s", r.stdout)
	}
	for name, content := range fixable {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != content {
			t.Errorf("--diff changed %s", name)
		}
	}
}

func TestFixWritesOnlyFixedFilesAndASecondRunChangesNothing(t *testing.T) {
	dir := writeTree(t, fixable)
	untouched := filepath.Join(dir, "untouched.yaml")
	before, err := os.Stat(untouched)
	if err != nil {
		t.Fatal(err)
	}
	r := ambientlint(t, dir, "", "--fix", "--repo-root", dir, ".")
	if r.code != exitOK {
		t.Errorf("exit status %d after --fix, want %d; stdout:\n%s\nstderr:\n%s", r.code, exitOK, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "fixed 2 files") {
		t.Errorf("stderr does not say what was fixed:\n%s", r.stderr)
	}
	wantNS := strings.Replace(fixable["ns.yaml"], "Ambient ", "ambient ", 1)
	if got, _ := os.ReadFile(filepath.Join(dir, "ns.yaml")); string(got) != wantNS {
		t.Errorf("ns.yaml after --fix:\n%s\nwant:\n%s", got, wantNS)
	}
	wantWP := strings.Replace(fixable["waypoint.yaml"], "15009", "15008", 1)
	if got, _ := os.ReadFile(filepath.Join(dir, "waypoint.yaml")); string(got) != wantWP {
		t.Errorf("waypoint.yaml after --fix:\n%s\nwant:\n%s", got, wantWP)
	}
	after, err := os.Stat(untouched)
	if err != nil || !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("--fix rewrote untouched.yaml, which had no fix")
	}

	again := ambientlint(t, dir, "", "--diff", "--repo-root", dir, ".")
	if again.stdout != "" {
		t.Errorf("a second run still has fixes to make:\n%s", again.stdout)
	}
}

func TestFixRefusesStdinAndDiffTogether(t *testing.T) {
	for _, args := range [][]string{{"--fix", "-"}, {"--diff", "-"}, {"--fix", "--diff", "."}} {
		if r := ambientlint(t, "", "", args...); r.code != exitError {
			t.Errorf("ambientlint %v: exit status %d, want %d", args, r.code, exitError)
		}
	}
}

// YAML ends lines at U+2028, U+2029 and NEL too, editors do not: a finding after one is on the
// line a reader sees, and --fix edits that line, not the one below it.
func TestFixAfterAUnicodeLineSeparator(t *testing.T) {
	for _, sep := range []string{"\u2028", "\u2029", "\u0085"} {
		t.Run(fmt.Sprintf("U+%04X", []rune(sep)[0]), func(t *testing.T) {
			src := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ls\n  annotations:\n    d: \"x" + sep + "y\"\n" +
				"  labels:\n    istio.io/dataplane-mode: ambient\n    istio-injection: enabled\n    team.io/sidecar: enabled\n"
			dir := writeTree(t, map[string]string{"a.yaml": src})
			r := ambientlint(t, dir, "", "--repo-root", dir, "--no-color", ".")
			if !strings.Contains(r.stdout, "a.yaml:9:5: error:") {
				t.Errorf("the finding is not at the istio-injection label (9:5):\n%s", r.stdout)
			}
			ambientlint(t, dir, "", "--fix", "--repo-root", dir, ".")
			got, err := os.ReadFile(filepath.Join(dir, "a.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.Replace(src, "    istio-injection: enabled\n", "", 1); string(got) != want {
				t.Errorf("fixed file:\n%q\nwant:\n%q", got, want)
			}
		})
	}
}

// A file that another program changes between the lint and the fix is not written.
func TestFixRefusesAFileThatChanged(t *testing.T) {
	dir := writeTree(t, fixable)
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Root: dir, Rules: rules.All()})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "waypoint.yaml")
	edited := strings.Replace(fixable["waypoint.yaml"], "name: mesh", "name: mesh-east", 1)
	if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := fixFiles(res); err == nil || !strings.Contains(err.Error(), "changed while it was linted") {
		t.Errorf("fixFiles() error = %v, want a refusal naming the changed file", err)
	}
	if got, _ := os.ReadFile(p); string(got) != edited {
		t.Errorf("waypoint.yaml = %q, want the other program's edit kept", got)
	}
}

// One --fix run reaches the fixed point: correcting the key's spelling makes its value
// judged (Ambient → ambient), and the enrollment then makes the injection label a conflict
// whose fix removes it. Each used to take a run of its own, each exiting 1.
func TestFixFinishesInOneRun(t *testing.T) {
	src := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio.io/dataplane_mode: Ambient\n    istio-injection: enabled\n"
	dir := writeTree(t, map[string]string{"ns.yaml": src})
	r := ambientlint(t, dir, "", "--fix", "--repo-root", dir, ".")
	if r.code != exitOK {
		t.Errorf("exit status %d after one --fix, want %d; stdout:\n%s\nstderr:\n%s", r.code, exitOK, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "fixed 1 file") {
		t.Errorf("stderr does not say what was fixed:\n%s", r.stderr)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "ns.yaml"))
	want := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio.io/dataplane-mode: ambient\n"
	if string(got) != want {
		t.Errorf("ns.yaml after --fix:\n%s\nwant:\n%s", got, want)
	}
	if again := ambientlint(t, dir, "", "--diff", "--repo-root", dir, "."); again.stdout != "" || again.code != exitOK {
		t.Errorf("a second run still has work (exit %d):\n%s", again.code, again.stdout)
	}
}
