//go:build unix

package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// A symbolic link out of the tree (ln -s / rootfs in a pull request) is not followed: it is
// reported once, as info, and the good file beside it is still linted. A link that stays in
// the tree is followed (once: its directory is the one reached through it), and a path
// outside the tree named on the command line is read.
func TestSymlinksDoNotLeaveTheTree(t *testing.T) {
	outside := writeTree(t, map[string]string{"secret.yaml": nsDoc("bad-outside")})
	dir := writeTree(t, map[string]string{"good.yaml": nsDoc("bad-good"), "sub/inner.yaml": nsDoc("bad-inner")})
	for name, target := range map[string]string{"rootfs": "/", "escape": outside, "escape.yaml": filepath.Join(outside, "secret.yaml"), "inside": "sub"} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	res := run(t, engine.Options{Paths: []string{dir}, Root: dir, Rules: []*lint.Rule{rules.InvalidYAML, flagBad}})
	var got []string
	for _, f := range res.Findings {
		msg := f.Rule + " " + f.Severity.String()
		if f.Rule == "AMB900" {
			msg += " " + f.Message
		}
		got = append(got, relTo(dir, f.Pos.File)+" "+msg)
	}
	want := "escape AMB001 info|escape.yaml AMB001 info|good.yaml AMB900 warning bad-good is bad|inside/inner.yaml AMB900 warning bad-inner is bad|rootfs AMB001 info"
	if strings.Join(got, "|") != want {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.ReplaceAll(want, "|", "\n"))
	}
	named := run(t, engine.Options{Paths: []string{filepath.Join(dir, "escape")}, Root: dir, Rules: []*lint.Rule{flagBad}})
	if len(named.Findings) != 1 {
		t.Errorf("a link named as a PATH: %d findings, want the one in the file it leads to", len(named.Findings))
	}
}
