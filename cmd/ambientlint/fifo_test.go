//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Issue 12: a named pipe given as a PATH blocked until a writer opened it, forever if none did.
func TestANamedPipeIsRefused(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan result, 1)
	go func() { done <- ambientlint(t, "", "", "--repo-root", ".", fifo) }()
	select {
	case got := <-done:
		if got.code != exitError {
			t.Errorf("exit %d, want %d; stderr:\n%s", got.code, exitError, got.stderr)
		}
		want := "ambientlint: cannot read " + fifo + ": not a regular file or directory (a named pipe); pipe a stream to \"-\" instead\n"
		if got.stderr != want {
			t.Errorf("stderr:\n%s\nwant:\n%s", got.stderr, want)
		}
	case <-time.After(10 * time.Second):
		// Open the pipe for writing and close it, so that the reader sees its end and exits.
		if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			w.Close()
		}
		<-done
		t.Fatal("ambientlint waited for a writer on the named pipe")
	}
}
