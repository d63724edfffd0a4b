// Package gitrev serves a git revision of a repository as an fs.FS, and lists the files
// that changed since it, so that a change can be linted against the tree it changes
// without writing the revision anywhere. It runs the git command, which must be on PATH.
package gitrev
