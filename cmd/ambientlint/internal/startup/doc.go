// Package startup tunes ambientlint's process for what it is: a command that lives for a
// few tens of milliseconds in pre-commit, or for about a second on a 10,000-object repository.
//
// The command's soft memory limit is MemoryLimit (main's gc.go applies it, and starts
// collection late).
//
// Page faults (Linux only, in this package's initialisation): a run touches code and type data across a 40 MB executable and a
// heap that grows without collection. Each first touch of a 4 KiB page is a page fault, and on
// virtual machines a fault costs several microseconds (about 15 µs on the reference machine,
// see BENCHMARKS.md), which made page faults the largest single cost of a short run. So:
//
//   - the executable's read-only segments (code, read-only data) are mapped with one
//     madvise(MADV_POPULATE_READ) each, when the page cache already holds nearly all of
//     them, so a cold start still reads from disk only what it touches;
//   - the heap's first HeapReserve bytes are mapped at once and advised as transparent huge
//     pages (madvise(MADV_HUGEPAGE)), then released to the allocator, so the heap grows by
//     2 MiB faults instead of 4 KiB ones. This is skipped for the subcommands that read no
//     manifests (version, help, rules, explain), under GODEBUG=disablethp=1, on
//     32-bit systems, on machines with less than 8 times the reservation of memory and swap,
//     and where the kernel does not overcommit memory (vm.overcommit_memory=2), since there
//     the reservation would be charged in full.
//
// Go initialises packages in import-path order as their dependencies allow; this package
// depends only on the runtime, syscall and unsafe, so it runs before the Kubernetes,
// Istio and YAML packages whose initialisation it is meant to speed up.
//
// All of it is advice: an error (an old kernel, a seccomp filter, transparent huge pages
// turned off, another operating system) leaves the process as it would have been. What the
// program computes does not change.
package startup
