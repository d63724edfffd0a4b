package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// binary is the ambientlint binary that TestMain builds once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ambientlint-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binary = filepath.Join(dir, "ambientlint")
	build := exec.Command("go", "build", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building ambientlint: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary did.
type result struct {
	stdout, stderr string
	code           int
}

// ambientlint runs the binary in dir ("" for this package's directory) with stdin and args.
func ambientlint(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "NO_COLOR=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running ambientlint %v: %v", args, err)
	}
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

const wildcardServiceEntry = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: vendor
  namespace: example-api
spec:
  hosts: ["*.vendor.example"]
  location: MESH_EXTERNAL
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE
`

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantCode   int
		wantStdout string // a regexp the output must match; "" for none
		wantStderr string
	}{
		{name: "a clean tree exits 0 with a summary",
			args: []string{"--repo-root", "testdata/clean", "testdata/clean"}, wantCode: 0,
			wantStderr: `^0 errors, 0 warnings, 0 infos in 2 files \(2 objects\)\n$`},
		{name: "an error finding exits 1",
			args: []string{"--repo-root", "testdata/findings", "testdata/findings"}, wantCode: 1,
			wantStdout: `(?m)^testdata/findings/serviceentry\.yaml:\d+:\d+: error: .* \[AMB301 wildcard-egress\]$`,
			wantStderr: `2 errors, 0 warnings, 0 infos in 2 files \(2 objects\)`},
		{name: "files nothing applies are counted, not linted",
			args: []string{"--repo-root", "../../gitops/testdata/layouts/home-ops", "../../gitops/testdata/layouts/home-ops"}, wantCode: 1,
			wantStdout: `^[^\n]*AMB101(?s:.)*AMB109(?s:.)*AMB402[^\n]*\n(\s[^\n]*\n)*$`,
			wantStderr: `\(\d+ objects, 5 applied by nothing and not linted\)\n$`},
		{name: "--unreached lints them too",
			args: []string{"--repo-root", "../../gitops/testdata/layouts/home-ops", "--unreached", "../../gitops/testdata/layouts/home-ops"}, wantCode: 1,
			wantStdout: `(?m)legacy/app/serviceentry\.yaml:7:7: error: ServiceEntry legacy-wildcard has wildcard host .*\[AMB301 wildcard-egress\]$`,
			wantStderr: `\(\d+ objects, 5 applied by nothing\)\n$`},
		{name: "flags may follow the paths",
			args: []string{"testdata/findings", "--repo-root", "testdata/findings", "--disable", "AMB301,invalid-istio-value"}, wantCode: 0,
			wantStderr: `^0 errors`},
		{name: "--fail-on none never fails",
			args: []string{"--repo-root", "testdata/findings", "--fail-on", "none", "testdata/findings"}, wantCode: 0},
		{name: "a warning does not fail by default",
			args: []string{"--repo-root", "testdata/warnonly", "testdata/warnonly"}, wantCode: 0,
			wantStdout: `warning: .*\[AMB002 unknown-istio-key\]`},
		{name: "a warning fails with --fail-on warning",
			args: []string{"--repo-root", "testdata/warnonly", "--fail-on", "warning", "testdata/warnonly"}, wantCode: 1},
		{name: "--severity lowers a rule below --fail-on",
			args: []string{"--repo-root", "testdata/findings", "--severity", "AMB301=info", "--severity", "invalid-istio-value=warning", "testdata/findings"}, wantCode: 0,
			wantStdout: `info: .*\[AMB301 wildcard-egress\]`},
		{name: "a later --enable undoes a --disable",
			args: []string{"--repo-root", "testdata/findings", "--disable", "AMB301", "--enable", "wildcard-egress", "--disable", "AMB003", "testdata/findings"}, wantCode: 1,
			wantStdout: `\[AMB301 wildcard-egress\]`},
		{name: "stdin is read for -",
			args: []string{"--repo-root", ".", "-"}, stdin: wildcardServiceEntry, wantCode: 1,
			wantStdout: `error: .*\[AMB301 wildcard-egress\]`},
		{name: "a bad configuration exits 2 naming its file and line",
			args: []string{"--repo-root", "testdata/badconfig", "testdata/badconfig/apps"}, wantCode: 2,
			wantStderr: `^ambientlint: testdata/badconfig/\.ambientlint\.yaml:3:1: unknown key "excludes"`},
		{name: "a missing --config file exits 2",
			args: []string{"--config", "testdata/nope.yaml", "testdata/clean"}, wantCode: 2,
			wantStderr: `testdata/nope\.yaml: reading the configuration: .*no such file or directory`},
		{name: "a missing path exits 2",
			args: []string{"testdata/nope"}, wantCode: 2,
			wantStderr: `^ambientlint: cannot read testdata/nope: no such file or directory\n$`},
		{name: "an unknown flag exits 2",
			args: []string{"--frobnicate", "testdata/clean"}, wantCode: 2,
			wantStderr: `^ambientlint: unknown flag: --frobnicate\nRun 'ambientlint --help' for usage\.\n$`},
		{name: "a misspelt flag exits 2 and names the flag that was meant",
			args: []string{"--fial-on", "warning", "testdata/clean"}, wantCode: 2,
			wantStderr: `^ambientlint: unknown flag: --fial-on \(did you mean --fail-on\?\)\n`},
		{name: "an unknown format exits 2",
			args: []string{"--format", "xml", "testdata/clean"}, wantCode: 2,
			wantStderr: `invalid value "xml" for flag --format: "xml" is not one of text, json, sarif, github`},
		{name: "an unknown rule exits 2",
			args: []string{"--enable", "wildcard-egres", "testdata/clean"}, wantCode: 2,
			wantStderr: `--enable: unknown rule "wildcard-egres" \(did you mean "wildcard-egress"\?\)`},
		{name: "a --severity without a level exits 2",
			args: []string{"--severity", "AMB301", "testdata/clean"}, wantCode: 2,
			wantStderr: `--severity: "AMB301" is not RULE=LEVEL`},
		{name: "a bad --max-file-size exits 2",
			args: []string{"--max-file-size", "lots", "testdata/clean"}, wantCode: 2,
			wantStderr: `--max-file-size: invalid size "lots"`},
		{name: "--help documents every flag and exits 0",
			args: []string{"--help"}, wantCode: 0,
			wantStdout: `(?s)--config FILE.*--disable RULE.*--enable RULE.*--fail-on LEVEL.*--format FORMAT.*--max-file-size SIZE.*--no-color.*--output FILE.*--repo-root DIR.*--severity RULE=LEVEL.*--version.*Exit status`},
		{name: "--version prints the version",
			args: []string{"--version"}, wantCode: 0, wantStdout: `^ambientlint \S+`},
		{name: "version prints the version",
			args: []string{"version"}, wantCode: 0, wantStdout: `^ambientlint \S+.* go1\.`},
		{name: "rules lists the catalogue",
			args: []string{"rules"}, wantCode: 0, wantStdout: `(?m)^AMB301\s+wildcard-egress\s+error\s+`},
		{name: "rules rejects an unknown format",
			args: []string{"rules", "--format", "yaml"}, wantCode: 2},
		{name: "explain prints a rule's doc by ID",
			args: []string{"explain", "AMB301"}, wantCode: 0, wantStdout: `^AMB301 wildcard-egress \(default severity: error\)`},
		{name: "explain finds a rule by name",
			args: []string{"explain", "wildcard-egress"}, wantCode: 0, wantStdout: `^AMB301 wildcard-egress`},
		{name: "explain of an unknown rule exits 2",
			args: []string{"explain", "AMB999"}, wantCode: 2, wantStderr: `unknown rule "AMB999"`},
		{name: "explain of an unknown rule still explains the others, and suggests no other ID",
			args: []string{"explain", "AMB999", "AMB301"}, wantCode: 2, wantStdout: `^AMB301 wildcard-egress`,
			wantStderr: `^ambientlint explain: unknown rule "AMB999" \(run "ambientlint rules" for the list\)\n$`},
		{name: "explain renders the doc's Markdown",
			args: []string{"explain", "AMB301"}, wantCode: 0, wantStdout: `(?m)^What\. A ServiceEntry lists a wildcard host such as \*\.vendor\.example\.`},
		{name: "--quiet prints no summary line",
			args: []string{"--repo-root", "testdata/findings", "-q", "testdata/findings"}, wantCode: 1,
			wantStdout: `\[AMB301 wildcard-egress\]`, wantStderr: `^$`},
		{name: "--color always colours what is not a terminal",
			args: []string{"--repo-root", "testdata/findings", "--color", "always", "testdata/findings"}, wantCode: 1,
			wantStdout: "\x1b\\[1;31merror"},
		{name: "--color rejects an unknown value",
			args: []string{"--color", "sometimes", "testdata/clean"}, wantCode: 2,
			wantStderr: `invalid value "sometimes" for flag --color`},
		{name: "order --format json",
			args: []string{"order", "--format", "json", "../../examples/gitops"}, wantCode: 0,
			wantStdout: `(?s)^\{\n  "version": 1,\n  "steps": \[.*"name": "ztunnel",.*"installs": \[\n\s*"ztunnel"`},
		{name: "explain without a rule exits 2",
			args: []string{"explain"}, wantCode: 2},
		{name: "help prints the usage",
			args: []string{"help"}, wantCode: 0, wantStdout: `^Usage:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ambientlint(t, "", tt.stdin, tt.args...)
			if r.code != tt.wantCode {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			if tt.wantStdout != "" && !regexp.MustCompile(tt.wantStdout).MatchString(r.stdout) {
				t.Errorf("stdout does not match %s:\n%s", tt.wantStdout, r.stdout)
			}
			if tt.wantStderr != "" && !regexp.MustCompile(tt.wantStderr).MatchString(r.stderr) {
				t.Errorf("stderr does not match %s:\n%s", tt.wantStderr, r.stderr)
			}
		})
	}
}

func TestFormats(t *testing.T) {
	lintArgs := []string{"--repo-root", "testdata/findings", "testdata/findings"}

	t.Run("json has the documented shape", func(t *testing.T) {
		r := ambientlint(t, "", "", append([]string{"--format", "json"}, lintArgs...)...)
		var doc struct {
			Version  int
			Findings []struct {
				Rule, Name, Severity, Message, File string
				Line, Column                        int
				Object                              map[string]string
			}
			Summary map[string]int
		}
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatalf("%v\n%s", err, r.stdout)
		}
		if r.code != 1 || doc.Version != 1 || len(doc.Findings) != 2 || doc.Summary["errors"] != 2 || doc.Summary["files"] != 2 {
			t.Fatalf("exit %d, document %+v", r.code, doc)
		}
		f := doc.Findings[1]
		if f.Rule != "AMB301" || f.Name != "wildcard-egress" || f.File != "testdata/findings/serviceentry.yaml" ||
			f.Line != 8 || f.Object["kind"] != "ServiceEntry" || f.Object["name"] != "vendor-wildcard" {
			t.Errorf("finding %+v", f)
		}
		if r.stderr != "" {
			t.Errorf("stderr is not empty: %s", r.stderr)
		}
	})

	t.Run("json of a clean tree has an empty findings array", func(t *testing.T) {
		r := ambientlint(t, "", "", "--format", "json", "--repo-root", "testdata/clean", "testdata/clean")
		if !strings.Contains(r.stdout, `"findings": [],`) {
			t.Errorf("output:\n%s", r.stdout)
		}
	})

	t.Run("sarif is valid SARIF 2.1.0 with paths relative to the root", func(t *testing.T) {
		r := ambientlint(t, "", "", append([]string{"--format", "sarif"}, lintArgs...)...)
		c := jsonschema.NewCompiler()
		schema, err := c.Compile("../../lint/output/testdata/sarif-schema-2.1.0.json")
		if err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(r.stdout))
		if err != nil {
			t.Fatalf("%v\n%s", err, r.stdout)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("not valid SARIF: %v", err)
		}
		if !strings.Contains(r.stdout, `"uri": "serviceentry.yaml"`) {
			t.Errorf("no root-relative artifact URI in:\n%s", r.stdout)
		}
	})

	t.Run("github writes workflow commands", func(t *testing.T) {
		r := ambientlint(t, "", "", append([]string{"--format", "github"}, lintArgs...)...)
		want := regexp.MustCompile(`(?m)^::error file=serviceentry\.yaml,line=8,col=\d+,.*title=AMB301 wildcard-egress::`)
		if !want.MatchString(r.stdout) {
			t.Errorf("output does not match %s:\n%s", want, r.stdout)
		}
	})

	t.Run("--output writes to a file", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "findings.txt")
		r := ambientlint(t, "", "", append([]string{"--output", out}, lintArgs...)...)
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if r.code != 1 || r.stdout != "" || !strings.Contains(string(data), "[AMB301 wildcard-egress]") {
			t.Errorf("exit %d, stdout %q, file:\n%s", r.code, r.stdout, data)
		}
	})

	t.Run("text is not coloured when not on a terminal", func(t *testing.T) {
		r := ambientlint(t, "", "", lintArgs...)
		if strings.Contains(r.stdout, "\x1b[") {
			t.Errorf("escape sequences in %q", r.stdout)
		}
	})
}

func TestExampleIsClean(t *testing.T) {
	// The README's first command: the example tree mirrors a working setup.
	r := ambientlint(t, "../..", "", "examples/gitops")
	if r.code != 0 || r.stdout != "" {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}
