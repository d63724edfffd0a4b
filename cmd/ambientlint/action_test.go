package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// action is the part of action.yml that the test runs.
type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			ID   string            `yaml:"id"`
			Uses string            `yaml:"uses"`
			With map[string]string `yaml:"with"`
			Run  string            `yaml:"run"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

// TestAction runs the shell steps of the composite GitHub Action (action.yml) as the runner
// does: the install step builds ambientlint from the action's checkout and adds it to
// GITHUB_PATH, and the lint step, with the inputs substituted, writes the SARIF report and
// the annotations, and fails the step on a finding at fail-on.
func TestAction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds ambientlint with go install")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" || len(a.Runs.Steps) != 3 || !strings.HasPrefix(a.Runs.Steps[0].Uses, "actions/setup-go@") ||
		a.Runs.Steps[0].With["go-version-file"] != "${{ github.action_path }}/go.mod" {
		t.Fatalf("action.yml is not the composite action this test knows (setup-go from go.mod, install, lint): %+v", a.Runs)
	}
	runner := t.TempDir()
	githubPath := filepath.Join(runner, "path")
	env := func(extra map[string]string, output string) []string {
		added, _ := os.ReadFile(githubPath)
		path := strings.Join(strings.Fields(string(added)), string(os.PathListSeparator))
		e := append(os.Environ(), "GITHUB_ACTION_PATH="+root, "RUNNER_TEMP="+runner, "GITHUB_PATH="+githubPath,
			"GITHUB_OUTPUT="+output, "PATH="+path+string(os.PathListSeparator)+os.Getenv("PATH"))
		for k, v := range extra {
			e = append(e, k+"="+v)
		}
		return e
	}
	// step runs a run step in dir with the inputs (defaults overridden by in), returning its
	// combined output, its exit status and what it wrote to GITHUB_OUTPUT.
	step := func(i int, dir string, in map[string]string) (string, int, string) {
		s := a.Runs.Steps[i]
		vars := map[string]string{}
		for name, input := range a.Inputs {
			vars[name] = input.Default
		}
		for k, v := range in {
			vars[k] = v
		}
		extra := map[string]string{}
		for k, v := range s.Env {
			extra[k] = regexp.MustCompile(`\$\{\{ inputs\.([a-z-]+) \}\}`).ReplaceAllStringFunc(v, func(m string) string {
				return vars[strings.TrimSuffix(strings.TrimPrefix(m, "${{ inputs."), " }}")]
			})
		}
		output := filepath.Join(t.TempDir(), "output")
		cmd := exec.Command("bash", "-c", s.Run)
		cmd.Dir = dir
		cmd.Env = env(extra, output)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		_ = cmd.Run()
		o, _ := os.ReadFile(output)
		return out.String(), cmd.ProcessState.ExitCode(), string(o)
	}

	if out, code, _ := step(1, root, nil); code != 0 || !strings.Contains(out, "ambientlint") {
		t.Fatalf("install step: exit %d\n%s", code, out)
	}

	clean := copyExamples(t)
	out, code, outputs := step(2, clean, map[string]string{"paths": "examples/gitops"})
	if code != 0 || strings.Contains(out, "::error") || outputs != "sarif-file=ambientlint.sarif\n" {
		t.Errorf("lint step on the clean example: exit %d, outputs %q\n%s", code, outputs, out)
	}
	if n := sarifResults(t, filepath.Join(clean, "ambientlint.sarif")); n != 0 {
		t.Errorf("the clean example's SARIF has %d results", n)
	}

	broken := copyExamples(t)
	se := filepath.Join(broken, "examples/gitops/workloads/example-api/serviceentry.yaml")
	src, _ := os.ReadFile(se)
	os.WriteFile(se, bytes.Replace(src, []byte("- api.vendor.example"), []byte(`- "*.vendor.example"`), 1), 0o644)
	out, code, _ = step(2, broken, map[string]string{"paths": "examples/gitops", "sarif-file": "out/lint.sarif", "fail-on": "error"})
	if code != 1 || !strings.Contains(out, "::error file=examples/gitops/workloads/example-api/serviceentry.yaml,line=9,") {
		t.Errorf("lint step on a wildcard host: exit %d, want 1 and an error annotation at line 9\n%s", code, out)
	}
	if n := sarifResults(t, filepath.Join(broken, "out/lint.sarif")); n != 2 {
		t.Errorf("the SARIF report has %d results, want 2 (AMB301, AMB302)", n)
	}
	if _, code, _ := step(2, broken, map[string]string{"paths": "examples/gitops", "fail-on": "none"}); code != 0 {
		t.Errorf("fail-on none: exit %d", code)
	}
}

// sarifResults returns how many results the SARIF file at p reports.
func sarifResults(t *testing.T, p string) int {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("the SARIF report: %v", err)
	}
	var doc struct {
		Runs []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || len(doc.Runs) != 1 {
		t.Fatalf("the SARIF report does not parse: %v", err)
	}
	return len(doc.Runs[0].Results)
}
