//go:build unix

package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// A tree that holds every hostile input of issue 12 beside a good file: the run ends in
// bounded time and memory, and the good file's finding is still reported.
func TestHostileTreeIsLintedInBoundedTimeAndMemory(t *testing.T) {
	var bomb strings.Builder
	for i := range 200 {
		if i > 0 {
			bomb.WriteString("---\n")
		}
		fmt.Fprintf(&bomb, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\nx:\n  a: &a%d [%s]\n", i, i, strings.Repeat("x,", 14)+"x")
		prev := fmt.Sprintf("a%d", i)
		for _, l := range []string{"b", "c", "d", "e"} {
			name := fmt.Sprintf("%s%d", l, i)
			fmt.Fprintf(&bomb, "  %s: &%s [%s]\n", l, name, strings.TrimSuffix(strings.Repeat("*"+prev+",", 15), ","))
			prev = name
		}
	}
	dir := writeTree(t, map[string]string{
		"good.yaml": "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: vendor\n  namespace: api\n" +
			"spec:\n  hosts: [\"*.vendor.example\"]\n  ports: [{number: 443, name: https, protocol: TLS}]\n  resolution: NONE\n",
		"bomb.yaml":   bomb.String(),
		"hidden.yaml": "apiVersion: v1\nkind: ConfigMap\nkind: ServiceEntry\nmetadata:\n  name: \"x\\n::error file=a::pwned\\x1b[31m\"\n",
		"deep.yaml":   strings.Repeat("- ", 5000) + "x\n",
	})
	if err := os.Symlink("/", filepath.Join(dir, "rootfs")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Exclude = []string{strings.Repeat("**/", 24) + "nomatch"}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	res := run(t, engine.Options{Paths: []string{dir}, Root: dir, Config: cfg, Rules: rules.All()})
	elapsed := time.Since(start)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if elapsed > 20*time.Second {
		t.Errorf("the run took %v", elapsed)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 2<<30 {
		t.Errorf("the run allocated %d MiB", grew>>20)
	}
	found := false
	for _, f := range res.Findings {
		if filepath.Base(f.Pos.File) == "good.yaml" && f.Rule == "AMB301" {
			found = true
		}
	}
	if !found {
		t.Errorf("the good file's wildcard is not reported among %d findings", len(res.Findings))
	}
}
