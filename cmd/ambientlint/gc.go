package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"github.com/ambientkit/ambientkit/cmd/ambientlint/internal/startup"
)

// Memory tuning for a short-lived command. Most runs lint a few dozen files and end before
// the collector has anything worth collecting, so collection starts off; a watcher turns it on
// (at the default GOGC) once the heap passes collectAbove. A soft limit (startup.MemoryLimit)
// keeps a 10,000-object repository, whose live heap is mostly YAML nodes kept for their
// positions, under 200 MiB.
const collectAbove = 32 << 20

// memoryForTrees sets the soft memory limit for a run that holds n trees in memory at once
// (two under --base: the working tree and the base revision). With one tree's limit, such a
// run spent half its time collecting. A GOMEMLIMIT setting is left alone.
func memoryForTrees(n int) {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(n) * startup.MemoryLimit)
	}
}

// tuneMemory applies the tuning and returns a function that stops the watcher. GOGC and
// GOMEMLIMIT, when set, are left alone.
func tuneMemory() (stop func()) {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(startup.MemoryLimit)
	}
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	previous := debug.SetGCPercent(-1)
	done := make(chan struct{})
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				metrics.Read(sample)
				if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > collectAbove {
					debug.SetGCPercent(previous)
					return
				}
			}
		}
	}()
	return func() { close(done) }
}
