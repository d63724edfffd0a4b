package main

import (
	"bytes"
	"context"
	"flag"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/ambientkit/ambientkit/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files of the order command")

func TestOrderGolden(t *testing.T) {
	trees := []struct {
		name string
		args []string
	}{
		{"gitops", []string{"../../examples/gitops"}},
		{"flux", []string{"--repo-root", "testdata/order-flux", "testdata/order-flux"}},
	}
	exts := map[string]string{"text": "txt", "mermaid": "mmd", "dot": "dot", "json": "json"}
	for _, tree := range trees {
		for _, format := range orderFormats {
			t.Run("the "+tree.name+" tree in "+format+" matches its golden file", func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				args := append([]string{"--format", format}, tree.args...)
				if code := runOrder(context.Background(), args, nil, &stdout, &stderr); code != exitOK {
					t.Fatalf("exit %d\n%s", code, stderr.String())
				}
				if stderr.Len() > 0 {
					t.Errorf("stderr: %s", stderr.String())
				}
				golden.Check(t, filepath.Join("testdata", "order", tree.name+"."+exts[format]), stdout.Bytes(), *update)
			})
		}
	}
}

func TestOrderCommand(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "--help documents the formats and exits 0",
			args: []string{"order", "--help"}, wantCode: 0,
			wantStdout: `(?s)^Usage:\n  ambientlint order .*--config FILE.*--format FORMAT.*--repo-root DIR`},
		{name: "help order prints the same",
			args: []string{"help", "order"}, wantCode: 0, wantStdout: `^Usage:\n  ambientlint order`},
		{name: "an unknown format exits 2",
			args: []string{"order", "--format", "svg", "testdata/clean"}, wantCode: 2,
			wantStderr: `"svg" is not one of text, mermaid, dot, json`},
		{name: "a missing path exits 2",
			args: []string{"order", "testdata/nope"}, wantCode: 2,
			wantStderr: `^ambientlint: cannot read testdata/nope: no such file or directory\n$`},
		{name: "a tree without Applications or Kustomizations says so on stderr",
			args: []string{"order", "--repo-root", "testdata/clean", "testdata/clean"}, wantCode: 0,
			wantStdout: `^-\s+outside any Application\s+enrolls example-api\n$`,
			wantStderr: `no Argo CD Application, Flux Kustomization or HelmRelease in the tree`},
		{name: "files that do not parse are left out, with a note",
			args: []string{"order", "--repo-root", ".", "-"}, wantCode: 0,
			wantStderr: `1 file or object could not be read and is left out`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ambientlint(t, "", "kind: [", tt.args...)
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
