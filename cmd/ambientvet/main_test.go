package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommand builds ambientvet and runs it on its own and as go vet's tool over a package
// of the analyzer's testdata (a GOPATH tree of stubs, so that it runs offline), checking the
// exit status and that the analyzer's flags reach it both ways.
func TestCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := filepath.Join(t.TempDir(), "ambientvet")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	gopath, err := filepath.Abs(filepath.Join("..", "..", "lint", "vet", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string // substrings of the output
		notWant  []string
	}{
		{
			name:     "run on its own it reports and exits 3",
			args:     []string{bin, "unknownkey"},
			wantCode: 3,
			want:     []string{"AMB002: unknown Istio label key \"istio.io/dataplane_mode\"", "AMB003: istio.io/dataplane-mode"},
		},
		{
			name:     "run on its own it takes -disable",
			args:     []string{bin, "-disable=AMB002,invalid-istio-value", "unknownkey"},
			wantCode: 0,
			notWant:  []string{"AMB002", "AMB003"},
		},
		{
			name:     "run by go vet it reports and exits 1",
			args:     []string{"go", "vet", "-vettool=" + bin, "unknownkey"},
			wantCode: 1,
			want:     []string{"AMB002: unknown Istio label key \"istio.io/dataplane_mode\""},
		},
		{
			name:     "run by go vet it takes the analyzer's flags",
			args:     []string{"go", "vet", "-vettool=" + bin, "-disable=AMB002,AMB003", "unknownkey"},
			wantCode: 0,
			notWant:  []string{"AMB002", "AMB003"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(tt.args[0], tt.args[1:]...)
			cmd.Dir = filepath.Join(gopath, "src")
			cmd.Env = append(os.Environ(), "GOPATH="+gopath, "GO111MODULE=off", "GOWORK=off", "GOFLAGS=")
			out, err := cmd.CombinedOutput()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode {
				t.Errorf("exit status %d, want %d; output:\n%s", code, tt.wantCode, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(string(out), w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
		})
	}
}
