//go:build linux && (amd64 || arm64 || ppc64 || ppc64le || s390x || riscv64 || loong64 || mips64 || mips64le)

package startup

import (
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMappings(t *testing.T) {
	const exe = "/usr/local/bin/ambientlint"
	maps := "00400000-01069000 r-xp 00000000 fe:00 123 /usr/local/bin/ambientlint\n" +
		"0106a000-01e53000 r--p 00c6a000 fe:00 123 /usr/local/bin/ambientlint\n" +
		"01e53000-01ee6000 rw-p 01a53000 fe:00 123 /usr/local/bin/ambientlint\n" +
		"01ee6000-01ef0000 r--p 00000000 fe:00 124 /opt/usr/local/bin/ambientlint\n" +
		"01ef0000-01ef1000 r--p 00000000 fe:00 125 /usr/local/bin/ambientlint-old\n" +
		"zz-01ef2000 r--p 00000000 fe:00 123 /usr/local/bin/ambientlint\n" +
		"01ef3000-01ef2000 r--p 00000000 fe:00 123 /usr/local/bin/ambientlint\n" +
		"3860a0000000-3860a4000000 rw-p 00000000 00:00 0\n" +
		"7ffcc0000000-7ffcc0021000 r--p 00000000 00:00 0 [vvar]\n" +
		"7ffcc0022000-7ffcc0023000 r-xp 00000000 fe:00 123 /usr/local/bin/ambientlint"
	got := mappings([]byte(maps), exe)
	want := []mapping{{0x400000, 0x1069000}, {0x106a000, 0x1e53000}, {0x7ffcc0022000, 0x7ffcc0023000}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(mapping{})); diff != "" {
		t.Errorf("mappings (-want +got):\n%s", diff)
	}
}

func TestMappingsOfThisProcess(t *testing.T) {
	maps, ok := readMaps()
	if !ok {
		t.Skip("no /proc/self/maps")
	}
	var exe [4096]byte
	n, err := readlink(exe[:])
	if err != nil {
		t.Skip(err)
	}
	if got := mappings(maps, string(exe[:n])); len(got) < 2 {
		t.Errorf("found %d read-only mappings of the test binary, want code and read-only data", len(got))
	}
	for _, m := range mappings(maps, string(exe[:n])) {
		resident(m.lo, m.hi) // must not fault or fail
	}
}

func TestGodebugSet(t *testing.T) {
	for _, tc := range []struct {
		godebug string
		want    bool
	}{
		{"", false},
		{"disablethp=1", true},
		{"madvdontneed=1,disablethp=1", true},
		{"disablethp=0", false},
		{"disablethp=1,disablethp=0", false},
		{"xdisablethp=1", false},
		{"disablethp", false},
	} {
		if got := godebugSet(tc.godebug, "disablethp"); got != tc.want {
			t.Errorf("godebugSet(%q) = %v, want %v", tc.godebug, got, tc.want)
		}
	}
}

// TestHugeHeap checks that the reservation is handed back: the heap in use afterwards is
// what it was, not the reservation.
func TestHugeHeap(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	hugeHeap(64 << 20)
	runtime.ReadMemStats(&after)
	if after.HeapInuse > before.HeapInuse+8<<20 {
		t.Errorf("heap in use went from %d to %d bytes: the reservation was kept", before.HeapInuse, after.HeapInuse)
	}
	if after.HeapSys < 64<<20 {
		t.Errorf("heap obtained from the OS is %d bytes, want the 64 MiB reservation in it", after.HeapSys)
	}
}

func TestSelected(t *testing.T) {
	for setting, want := range map[string]string{
		"always [madvise] never\n": "madvise",
		"[always] madvise never\n": "always",
		"always madvise [never]\n": "never",
		"always madvise never\n":   "",
		"[always":                  "",
		"":                         "",
	} {
		if got := selected(setting); got != want {
			t.Errorf("selected(%q) = %q, want %q", setting, got, want)
		}
	}
}

func TestIsSmallCommand(t *testing.T) {
	for cmdline, want := range map[string]bool{
		"ambientlint\x00version\x00":                            true,
		"/usr/bin/ambientlint\x00rules\x00--format\x00json\x00": true,
		"ambientlint\x00explain\x00":                            true,
		"ambientlint\x00":                                       false,
		"ambientlint\x00.\x00":                                  false,
		"ambientlint\x00--base\x00HEAD\x00":                     false,
		"ambientlint\x00versions\x00":                           false,
		"ambientlint\x00ready\x00":                              false,
		"ambientlint":                                           false,
	} {
		if got := isSmallCommand(cmdline); got != want {
			t.Errorf("isSmallCommand(%q) = %v, want %v", cmdline, got, want)
		}
	}
}

func TestReadUpTo(t *testing.T) {
	if data, whole, ok := readUpTo("/proc/self/maps", 10); !ok || whole || len(data) != 10 {
		t.Errorf("readUpTo(maps, 10) = %d bytes, whole %v, ok %v; want the first 10 bytes", len(data), whole, ok)
	}
	if _, whole, ok := readUpTo("/proc/self/maps", 1<<20); !ok || !whole {
		t.Errorf("readUpTo(maps, 1 MiB): whole %v, ok %v; want all of it", whole, ok)
	}
	if _, _, ok := readUpTo("/nonexistent/file", 10); ok {
		t.Errorf("readUpTo of a missing file succeeded")
	}
}
