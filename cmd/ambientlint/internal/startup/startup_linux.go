package startup

import (
	"runtime"
	"syscall"
	"unsafe"
)

// Linux madvise advice values not in package syscall.
const (
	madvHugepage     = 14
	madvPopulateRead = 22 // Linux 5.14
)

// residentShare is how much of a segment the page cache must already hold, in 1/8ths,
// before the segment is populated whole.
const residentShare = 7

func init() {
	populateExecutable()
	if hugeHeapAllowed() && !smallCommand() {
		hugeHeap(HeapReserve)
	}
}

// smallCommands are the subcommands that read no manifests: their heap stays small, and the
// reservation would cost more than it saves.
var smallCommands = []string{"version", "help", "rules", "explain", "-h", "-help", "--help"}

// smallCommand reports whether the command line (/proc/self/cmdline: NUL-separated) names a
// subcommand of smallCommands.
func smallCommand() bool {
	cmdline, ok := readSmall("/proc/self/cmdline")
	if !ok {
		return false
	}
	return isSmallCommand(cmdline)
}

func isSmallCommand(cmdline string) bool {
	b := []byte(cmdline)
	i := indexByte(b, 0)
	if i < 0 {
		return false
	}
	arg := b[i+1:]
	if j := indexByte(arg, 0); j >= 0 {
		arg = arg[:j]
	}
	for _, c := range smallCommands {
		if string(arg) == c {
			return true
		}
	}
	return false
}

// reserve holds hugeHeap's allocation until it is advised.
var reserve []byte

// hugeHeap maps the next n bytes of heap in one piece, advises huge pages for them and hands
// them back to the allocator. Memory the runtime maps fresh is known to be zero, so the
// allocation touches no page; the collection that frees it finds a heap of a few hundred
// kilobytes (package initialisation so far).
func hugeHeap(n int) {
	reserve = make([]byte, n)
	syscall.Syscall(syscall.SYS_MADVISE, uintptr(unsafe.Pointer(unsafe.SliceData(reserve))), uintptr(n), madvHugepage)
	reserve = nil
	runtime.GC()
}

// hugeHeapAllowed reports whether hugeHeap may run: on a 64-bit system with at least 8 times
// HeapReserve of memory and swap, whose kernel has transparent huge pages on (always or
// madvise) and overcommits memory, unless GODEBUG turns huge pages off.
func hugeHeapAllowed() bool {
	if ^uintptr(0)>>32 == 0 {
		return false
	}
	if godebug, _ := syscall.Getenv("GODEBUG"); godebugSet(godebug, "disablethp") {
		return false
	}
	if thp, ok := readSmall("/sys/kernel/mm/transparent_hugepage/enabled"); !ok || selected(thp) == "never" {
		return false
	}
	mode, ok := readSmall("/proc/sys/vm/overcommit_memory")
	if !ok || (mode[0] != '0' && mode[0] != '1') {
		return false
	}
	// The kernel's heuristic overcommit still refuses a mapping larger than memory and swap
	// together, which would end the process: leave small machines alone.
	var info syscall.Sysinfo_t
	if err := syscall.Sysinfo(&info); err != nil {
		return false
	}
	total := (uint64(info.Totalram) + uint64(info.Totalswap)) * uint64(info.Unit)
	return total >= 8*HeapReserve
}

// selected returns the bracketed choice of a sysfs setting such as "always [madvise] never".
func selected(setting string) string {
	b := []byte(setting)
	if i := indexByte(b, '['); i >= 0 {
		if j := indexByte(b[i:], ']'); j > 0 {
			return setting[i+1 : i+j]
		}
	}
	return ""
}

// godebugSet reports whether a GODEBUG value sets key to a value other than 0. The last
// setting of a key wins, as in the runtime. (No package strings here: see the package doc.)
func godebugSet(godebug, key string) bool {
	on := false
	for godebug != "" {
		kv := godebug
		if i := indexByte([]byte(godebug), ','); i >= 0 {
			kv, godebug = godebug[:i], godebug[i+1:]
		} else {
			godebug = ""
		}
		if len(kv) > len(key) && kv[:len(key)] == key && kv[len(key)] == '=' {
			on = kv[len(key)+1:] != "0"
		}
	}
	return on
}

// readSmall reads the start (4 KiB) of a small file such as a /proc/sys setting.
func readSmall(path string) (string, bool) {
	data, _, ok := readUpTo(path, 4<<10)
	return string(data), ok && len(data) > 0
}

// populateExecutable maps the executable's read-only segments in one call each.
func populateExecutable() {
	var exe [4096]byte
	n, err := readlink(exe[:])
	if err != nil {
		return
	}
	maps, ok := readMaps()
	if !ok {
		return
	}
	for _, m := range mappings(maps, string(exe[:n])) {
		if resident(m.lo, m.hi) {
			syscall.Syscall(syscall.SYS_MADVISE, m.lo, m.hi-m.lo, madvPopulateRead)
		}
	}
}

// readlink reads the executable's path into buf.
func readlink(buf []byte) (int, error) {
	n, err := syscall.Readlink("/proc/self/exe", buf)
	if err == nil && (n <= 0 || n >= len(buf)) {
		err = syscall.ENAMETOOLONG
	}
	return n, err
}

// readMaps reads /proc/self/maps whole.
func readMaps() ([]byte, bool) {
	data, whole, ok := readUpTo("/proc/self/maps", 1<<20)
	return data, ok && whole
}

// readUpTo reads at most limit bytes of the file at path with plain system calls (package
// os would order this package's initialisation later); whole says it reached the end.
func readUpTo(path string, limit int) (data []byte, whole, ok bool) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, false, false
	}
	defer syscall.Close(fd)
	buf := make([]byte, 0, min(limit, 16<<10))
	for len(buf) < limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := syscall.Read(fd, buf[len(buf):min(cap(buf), limit)])
		if err != nil {
			return nil, false, false
		}
		if n == 0 {
			return buf, true, true
		}
		buf = buf[:len(buf)+n]
	}
	return buf, false, true
}

// mapping is an address range [lo, hi).
type mapping struct{ lo, hi uintptr }

// mappings returns the readable, non-writable mappings of path in a /proc/pid/maps text.
// A line reads "lo-hi perms offset dev inode path".
func mappings(maps []byte, path string) []mapping {
	var out []mapping
	for len(maps) > 0 {
		line := maps
		if i := indexByte(maps, '\n'); i >= 0 {
			line, maps = maps[:i], maps[i+1:]
		} else {
			maps = nil
		}
		if len(line) <= len(path) || string(line[len(line)-len(path):]) != path || line[len(line)-len(path)-1] != ' ' {
			continue
		}
		lo, rest, ok := hexField(line, '-')
		if !ok {
			continue
		}
		hi, rest, ok := hexField(rest, ' ')
		if !ok || hi <= lo || len(rest) < 4 || rest[0] != 'r' || rest[1] == 'w' {
			continue
		}
		out = append(out, mapping{lo, hi})
	}
	return out
}

// hexField parses hex digits up to sep and returns the value and what follows sep.
func hexField(b []byte, sep byte) (uintptr, []byte, bool) {
	var v uintptr
	for i, c := range b {
		switch {
		case c == sep && i > 0:
			return v, b[i+1:], true
		case c >= '0' && c <= '9':
			v = v<<4 | uintptr(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | uintptr(c-'a'+10)
		default:
			return 0, nil, false
		}
		if i >= 16 {
			return 0, nil, false
		}
	}
	return 0, nil, false
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// resident reports whether the page cache holds at least residentShare/8 of [lo, hi).
func resident(lo, hi uintptr) bool {
	pages := (hi - lo + 4095) / 4096
	if pages == 0 || pages > 1<<20 {
		return false
	}
	vec := make([]byte, pages)
	if _, _, errno := syscall.Syscall(syscall.SYS_MINCORE, lo, hi-lo, uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
		return false
	}
	in := uintptr(0)
	for _, v := range vec {
		in += uintptr(v & 1)
	}
	return in*8 >= pages*residentShare
}
