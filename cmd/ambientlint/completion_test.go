package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The bash script is valid bash and completes subcommands, flags, rule IDs and formats.
func TestCompletionBash(t *testing.T) {
	r := ambientlint(t, "", "", "completion", "bash")
	if r.code != exitOK {
		t.Fatalf("exit status %d: %s", r.code, r.stderr)
	}
	for _, c := range []struct{ words, want string }{
		{"ambientlint --ena", "--enable"},
		{"ambientlint explain AMB30", "AMB301 AMB302 AMB303 AMB304"},
		{"ambientlint --format sa", "sarif"},
		{"ambientlint order --format me", "mermaid"},
		{"ambientlint comp", "completion"},
		{"ambientlint --disable wildcard-", "wildcard-egress"},
		{"ambientlint --clu", "--cluster"},
		{"ambientlint --cluster --kubec", "--kubeconfig"},
		{"ambientlint --cluster --names", "--namespace"},
	} {
		script := r.stdout + "\nCOMP_WORDS=(" + c.words + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _ambientlint; echo \"${COMPREPLY[*]}\"\n"
		cmd := exec.Command("bash", "-c", script)
		cmd.Dir = t.TempDir() // no file names among the completions
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		if got := strings.TrimSpace(string(out)); got != c.want {
			t.Errorf("completing %q: %q, want %q", c.words, got, c.want)
		}
	}
}

// zsh and fish get their scripts; an unknown shell is a usage error.
func TestCompletionShells(t *testing.T) {
	if r := ambientlint(t, "", "", "completion", "zsh"); r.code != exitOK || !strings.Contains(r.stdout, "bashcompinit") {
		t.Errorf("zsh: exit %d\n%s", r.code, r.stdout)
	}
	if r := ambientlint(t, "", "", "completion", "fish"); r.code != exitOK || !strings.Contains(r.stdout, "complete -c ambientlint -l enable -x -a 'AMB001") {
		t.Errorf("fish: exit %d\n%s", r.code, r.stdout)
	}
	if r := ambientlint(t, "", "", "completion", "tcsh"); r.code != exitError {
		t.Errorf("tcsh: exit %d, want %d", r.code, exitError)
	}
}
