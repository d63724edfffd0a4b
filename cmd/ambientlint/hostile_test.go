package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// Hostile command lines of issue 12: values that used to be read as something else.
func TestHostileCommandLines(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "huge.yaml")
	if err := os.WriteFile(cfg, []byte("maxFileSize: 9223372036854775807\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantCode   int
		wantStderr string // a regexp
	}{
		{name: "an empty --base is a usage error, not the whole repository",
			args: []string{"--base", "", "testdata/clean"}, wantCode: 2,
			wantStderr: `^ambientlint: --base needs a git revision, not an empty value\nRun 'ambientlint --help' for usage\.\n$`},
		{name: "an empty --base= is a usage error",
			args: []string{"--base=", "testdata/clean"}, wantCode: 2,
			wantStderr: `^ambientlint: --base needs a git revision`},
		{name: "an empty --base after the paths is a usage error",
			args: []string{"testdata/clean", "--all", "--base", ""}, wantCode: 2,
			wantStderr: `^ambientlint: --base needs a git revision`},
		{name: "a --max-file-size that overflows is refused, not read as 0 bytes of stdin",
			args: []string{"--repo-root", ".", "--max-file-size", "9223372036854775807", "-"}, stdin: wildcardServiceEntry, wantCode: 2,
			wantStderr: `^ambientlint: --max-file-size: size "9223372036854775807" is over the limit of 4GiB \(4294967296 bytes\)\n$`},
		{name: "a --max-file-size over 4GiB is refused",
			args: []string{"--repo-root", ".", "--max-file-size", "5GiB", "-"}, stdin: wildcardServiceEntry, wantCode: 2,
			wantStderr: `^ambientlint: --max-file-size: size "5GiB" is over the limit of 4GiB`},
		{name: "a --max-file-size of 4GiB reads stdin",
			args: []string{"--repo-root", ".", "--max-file-size", "4GiB", "-"}, stdin: wildcardServiceEntry, wantCode: 1,
			wantStderr: `^1 error, 0 warnings, 0 infos in 1 file \(1 object\)\n$`},
		{name: "a maxFileSize that overflows in the configuration is refused",
			args: []string{"--repo-root", ".", "--config", cfg, "-"}, stdin: wildcardServiceEntry, wantCode: 2,
			wantStderr: `huge\.yaml:1:14: maxFileSize: size "9223372036854775807" is over the limit of 4GiB`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ambientlint(t, "", tt.stdin, tt.args...)
			if got.code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", got.code, tt.wantCode, got.stdout, got.stderr)
			}
			if !regexp.MustCompile(tt.wantStderr).MatchString(got.stderr) {
				t.Errorf("stderr does not match %s:\n%s", tt.wantStderr, got.stderr)
			}
		})
	}
}

func TestEmptyFlagValues(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"--base with a revision is accepted", []string{"--base", "HEAD", "."}, ""},
		{"no --base is accepted", []string{"."}, ""},
		{"--base '' is refused", []string{"--base", ""}, "--base needs a git revision, not an empty value"},
		{"--base= is refused", []string{".", "--base="}, "--base needs a git revision, not an empty value"},
		{"--base '' before -- is refused", []string{"--base", "", "--", "x"}, "--base needs a git revision, not an empty value"},
		{"other flags may be empty", []string{"--config", "", "--output=", "--repo-root", ""}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, _ := lintFlagSet()
			_, err := parseInterspersed(fs, tt.args)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("error %q, want %q", got, tt.wantErr)
			}
		})
	}
}
