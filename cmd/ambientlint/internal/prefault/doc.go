// Package prefault makes a short-lived command's page faults cheaper, for ambientlint's
// pre-commit runs, whose wall time is mostly start-up.
//
// A run of ambientlint on a few dozen files touches about 25 MiB: code and type data of a
// 40 MB binary, and a heap that grows without collection (see the command's memory tuning).
// Each touch of a new 4 KiB page is a page fault, and on virtual machines a fault costs
// several microseconds, so a pre-commit run spends a fifth of its time in them. Importing this
// package (for its side effect, as the first import of a main package) does two things on
// Linux, as early in initialisation as a package can:
//
//   - it maps the executable's read-only segments (code, read-only data) with one
//     madvise(MADV_POPULATE_READ) each, when the page cache already holds nearly all of them
//     (so a cold start still reads only what it touches);
//   - it asks for transparent huge pages (madvise(MADV_HUGEPAGE)) on the heap arena, so the
//     heap grows by 2 MiB faults instead of 4 KiB ones.
//
// Both are advice: any error (an old kernel, a seccomp filter, another operating system)
// leaves the process as it was. Nothing is allocated beyond a few kilobytes, and no other
// package's behaviour changes.
package prefault
