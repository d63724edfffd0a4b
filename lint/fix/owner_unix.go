//go:build unix

package fix

import (
	"os"
	"syscall"
)

// keepOwner gives tmp the owner and group of the file info describes, when they differ from
// the ones it was created with.
func keepOwner(tmp *os.File, info os.FileInfo) error {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	cur, err := tmp.Stat()
	if err != nil {
		return err
	}
	if c, ok := cur.Sys().(*syscall.Stat_t); ok && c.Uid == st.Uid && c.Gid == st.Gid {
		return nil
	}
	return tmp.Chown(int(st.Uid), int(st.Gid))
}
