package rego_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/rego"
)

// conftest returns the real conftest: $AMBIENTKIT_CONFTEST, else the one hack/peers.sh
// conftest installs. The test is skipped when there is none, unless it runs in CI ($CI set,
// or $AMBIENTKIT_CONFTEST naming a file that is missing): there it fails.
func conftest(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("AMBIENTKIT_CONFTEST")
	explicit := bin != ""
	if !explicit {
		cache := os.Getenv("AMBIENTKIT_CACHE")
		if cache == "" {
			home, _ := os.UserHomeDir()
			cache = filepath.Join(home, ".cache", "ambientkit")
		}
		bin = filepath.Join(cache, "bin", "conftest")
	}
	if _, err := os.Stat(bin); err != nil {
		if explicit || os.Getenv("CI") != "" {
			t.Fatalf("conftest: %v (hack/peers.sh conftest installs it)", err)
		}
		t.Skipf("no conftest at %s; hack/peers.sh conftest installs it", bin)
	}
	return bin
}

// run runs conftest in package rego's directory and returns its standard output and exit
// code.
func run(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(conftest(t), args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	case err != nil:
		t.Fatalf("conftest %s: %v", strings.Join(args, " "), err)
	}
	return string(out), 0
}

// finding is one conftest result, as (rule, file).
type finding struct{ Rule, File string }

// findings reads conftest's JSON output. In --combine mode the file is the result's own file.
func findings(t *testing.T, out string) []finding {
	t.Helper()
	var results []struct {
		Filename string
		Warnings []struct{ Metadata map[string]any }
		Failures []struct{ Metadata map[string]any }
	}
	if err := json.Unmarshal([]byte(out), &results); err != nil {
		t.Fatalf("conftest output: %v\n%s", err, out)
	}
	var got []finding
	for _, r := range results {
		for _, m := range append(r.Warnings, r.Failures...) {
			file := r.Filename
			if f, ok := m.Metadata["file"].(string); ok {
				file = f
			}
			rule, _ := m.Metadata["rule"].(string)
			got = append(got, finding{rule, filepath.Base(file)})
		}
	}
	slices.SortFunc(got, func(a, b finding) int { return strings.Compare(a.Rule+a.File, b.Rule+b.File) })
	return got
}

// expected reads the "# rule AMBnnn" comments of the tree's files.
func expected(t *testing.T, dir string) []finding {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	mark := regexp.MustCompile(`# rule (AMB\d{3})`)
	var want []finding
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		s := bufio.NewScanner(fh)
		for s.Scan() {
			for _, m := range mark.FindAllStringSubmatch(s.Text(), -1) {
				want = append(want, finding{m[1], filepath.Base(f)})
			}
		}
		fh.Close()
	}
	slices.SortFunc(want, func(a, b finding) int { return strings.Compare(a.Rule+a.File, b.Rule+b.File) })
	return want
}

const tree = "testdata/tree"

// conftest verify runs the bundle's Rego unit tests.
func TestConftestVerify(t *testing.T) {
	out, code := run(t, "verify", "-p", ".", "--no-color")
	if code != 0 {
		t.Fatalf("conftest verify -p rego: exit %d\n%s", code, out)
	}
}

// With --combine every twin reports the problem the tree has for it, and nothing else; the
// exit code says there were failures.
func TestConftestCombined(t *testing.T) {
	out, code := run(t, "test", "--combine", "--all-namespaces", "-p", ".", "-o", "json", tree)
	if code != 1 {
		t.Errorf("exit %d, want 1 (failures)", code)
	}
	got := findings(t, out)
	if diff := cmp.Diff(expected(t, tree), got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	var rules []string
	for _, f := range got {
		rules = append(rules, f.Rule)
	}
	if diff := cmp.Diff(rego.Twins(), slices.Compact(rules)); diff != "" {
		t.Errorf("the tree does not exercise every twin (-twins +reported):\n%s", diff)
	}
}

// Per document, the per-object rules report what they report with --combine, and the rules
// that join objects stay silent.
func TestConftestPerDocument(t *testing.T) {
	out, code := run(t, "test", "--all-namespaces", "-p", ".", "-o", "json", tree)
	if code != 1 {
		t.Errorf("exit %d, want 1 (failures)", code)
	}
	want := []finding{
		{"AMB002", "namespaces.yaml"},
		{"AMB003", "namespaces.yaml"},
		{"AMB202", "namespaces.yaml"}, // the Namespace's own labels; the Pod needs its Namespace
		{"AMB206", "waypoints.yaml"},
		{"AMB211", "identity.yaml"}, // the spiffe:// principal; the waypoint needs the Service and Gateway
		{"AMB301", "egress.yaml"},
		{"AMB302", "egress.yaml"},
		{"AMB401", "kiali.yaml"}, // the Service's own type
		{"AMB402", "kiali.yaml"}, // the Application's own values
	}
	if diff := cmp.Diff(want, findings(t, out)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// A clean file passes in both modes.
func TestConftestClean(t *testing.T) {
	for _, combine := range []bool{false, true} {
		args := []string{"test", "--all-namespaces", "-p", ".", "-o", "json"}
		if combine {
			args = append(args, "--combine")
		}
		out, code := run(t, append(args, filepath.Join(tree, "clean.yaml"))...)
		if code != 0 || len(findings(t, out)) != 0 {
			t.Errorf("combine=%v: exit %d, findings %v", combine, code, findings(t, out))
		}
	}
}

// With --capabilities capabilities.json the bundle runs, and a team's policy that calls
// http.send is refused.
func TestConftestCapabilities(t *testing.T) {
	out, code := run(t, "test", "--combine", "--all-namespaces", "-p", ".", "--capabilities", "capabilities.json", "-o", "json", tree)
	if code != 1 || len(findings(t, out)) != len(expected(t, tree)) {
		t.Errorf("with capabilities.json: exit %d, %d findings, want 1 and %d", code, len(findings(t, out)), len(expected(t, tree)))
	}

	dir := t.TempDir()
	policy := `package team

import rego.v1

deny contains msg if {
	resp := http.send({"method": "GET", "url": "https://example.com"})
	msg := resp.raw_body
}
`
	if err := os.WriteFile(filepath.Join(dir, "team.rego"), []byte(policy), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(conftest(t), "test", "-p", dir, "--capabilities", "capabilities.json", filepath.Join(tree, "clean.yaml"))
	msg, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(msg), "http.send") {
		t.Errorf("a policy calling http.send ran under capabilities.json (err %v):\n%s", err, msg)
	}
}
