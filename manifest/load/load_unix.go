//go:build unix

package load

import (
	"errors"
	"io/fs"
	"syscall"
)

// errNotRegular makes readRegular hand a file back to the general reader.
var errNotRegular = errors.New("not a regular file")

// readRegular reads a regular file with plain system calls: open, fstat, read, close. The
// loader reads thousands of small files, and os.Open's poller registration (fcntl and
// epoll_ctl calls that fail for regular files anyway) would more than double the system
// calls per file. A file over maxSize is not read: tooBig is then its size. A file that
// turns out not to be regular returns errNotRegular.
func readRegular(path string, maxSize int64) (data []byte, tooBig int64, err error) {
	var fd int
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, 0, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, 0, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, 0, errNotRegular
	}
	if st.Size > maxSize {
		return nil, st.Size, nil
	}
	buf := make([]byte, st.Size)
	for n := 0; n < len(buf); {
		m, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR || err == syscall.EAGAIN {
			continue
		}
		if err != nil {
			return nil, 0, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if m == 0 {
			return buf[:n], 0, nil // the file shrank while being read
		}
		n += m
	}
	return buf, 0, nil
}
