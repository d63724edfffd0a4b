package fix

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrChanged is wrapped by the error of a write that finds a file whose content is no longer
// the content the fix was computed from.
var ErrChanged = errors.New("file changed since it was read")

// ErrOutsideRoot is wrapped by the error of a write to a path that resolves, through symbolic
// links, to a file outside the repository root.
var ErrOutsideRoot = errors.New("path resolves outside the repository root")

// ErrReadOnly is wrapped by the error of a write to a file without write permission for its
// owner: a fix does not overwrite what its owner protected.
var ErrReadOnly = errors.New("file is read-only")

// WriteFiles replaces the content of existing regular files, all or nothing: fixed maps each
// path (relative to the working directory, or absolute) to its new content, and old to the
// content the fix was computed from. Every file is first checked and its new content written
// to a temporary file beside it, with the file's permission bits and owner; only when all are
// ready, and each file still holds its old content, are they renamed over the files, so that a
// reader sees the old content or the new, never a part, and a refusal writes nothing. A
// symbolic link is kept and the file it points to is replaced.
//
// It refuses, writing nothing: a path that resolves (through symbolic links, of the file or of
// any directory above it) to a file outside root (ErrOutsideRoot); a file without write
// permission for its owner (ErrReadOnly); a file whose owner cannot be kept; and a file whose
// content is no longer old (ErrChanged: another program wrote it meanwhile).
func WriteFiles(root string, old, fixed map[string][]byte) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err == nil {
		realRoot, err = filepath.Abs(realRoot)
	}
	if err != nil {
		return fmt.Errorf("repository root %s: %w", root, err)
	}
	type ready struct{ path, target, tmp string }
	var staged []ready
	defer func() {
		for _, r := range staged {
			os.Remove(r.tmp) // gone already once renamed
		}
	}()
	paths := make([]string, 0, len(fixed))
	for p := range fixed {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, path := range paths {
		target, info, err := resolve(realRoot, path)
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		tmp, err := stage(target, info, fixed[path])
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		staged = append(staged, ready{path, target, tmp})
	}
	for _, r := range staged {
		cur, err := os.ReadFile(r.target)
		if err != nil {
			return fmt.Errorf("write %s: %w", r.path, err)
		}
		if !bytes.Equal(cur, old[r.path]) {
			return fmt.Errorf("write %s: %w: nothing fixed; run again", r.path, ErrChanged)
		}
	}
	for i, r := range staged {
		if err := os.Rename(r.tmp, r.target); err != nil {
			return fmt.Errorf("write %s: %w (%d of %d files written)", r.path, err, i, len(staged))
		}
	}
	return nil
}

// resolve returns the file path names, through symbolic links, and its description; it must
// be a writable regular file inside realRoot.
func resolve(realRoot, path string) (string, os.FileInfo, error) {
	target, err := filepath.EvalSymlinks(path)
	if err == nil {
		target, err = filepath.Abs(target)
	}
	if err != nil {
		return "", nil, err
	}
	if rel, err := filepath.Rel(realRoot, target); err != nil || rel == ".." ||
		strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", nil, fmt.Errorf("%w: it is %s, outside %s", ErrOutsideRoot, target, realRoot)
	}
	info, err := os.Stat(target)
	if err != nil {
		return "", nil, err
	}
	if !info.Mode().IsRegular() {
		return "", nil, errors.New("not a regular file")
	}
	if info.Mode().Perm()&0o200 == 0 {
		return "", nil, fmt.Errorf("%w (%v)", ErrReadOnly, info.Mode().Perm())
	}
	return target, info, nil
}

// stage writes data to a new temporary file beside target, with target's permission bits
// and owner, and returns its name.
func stage(target string, info os.FileInfo, data []byte) (string, error) {
	dir, base := filepath.Split(target)
	tmp, err := os.CreateTemp(dir, "."+base+".ambientlint-*")
	if err != nil {
		return "", err
	}
	err = errors.Join(write(tmp, info, data), tmp.Close())
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}

func write(tmp *os.File, info os.FileInfo, data []byte) error {
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		return err
	}
	if err := keepOwner(tmp, info); err != nil {
		return fmt.Errorf("cannot keep the file's owner: %w", err)
	}
	return tmp.Sync()
}
