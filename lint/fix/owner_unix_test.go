//go:build unix

package fix_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A fixed file keeps its owner and group: the fix runs as another user (root in a container,
// a CI runner) than the one who owns the checkout.
func TestWriteKeepsTheOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving a file to another owner takes root")
	}
	root := t.TempDir()
	p := filepath.Join(root, "f.yaml")
	if err := os.WriteFile(p, []byte("old\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(p, 1234, 5678); err != nil {
		t.Fatal(err)
	}
	if err := writeOne(root, p, []byte("old\n"), []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != 1234 || st.Gid != 5678 {
		t.Errorf("owner = %d:%d, want 1234:5678", st.Uid, st.Gid)
	}
}
