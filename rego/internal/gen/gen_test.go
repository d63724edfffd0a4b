package gen

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "write the generated files of the bundle instead of comparing them")

// The generated files of the bundle are what the generator makes of the Go source today: a
// change to the SDK's keys, values or defaults, to the rule catalogue or to OPA's builtins
// fails here until go generate ./rego is run (which runs this test with -update).
func TestGeneratedFilesAreFresh(t *testing.T) {
	dir := filepath.Join("..", "..")
	files, err := Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		got, err := os.ReadFile(path)
		if *update {
			if err == nil && bytes.Equal(got, want) {
				continue
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s is stale; run go generate ./rego (-want +got):\n%s", name, diff)
		}
	}
}
