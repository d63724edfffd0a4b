package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The generated files of the bundle are what the generator makes of the Go source today: a
// change to the SDK's keys, values or defaults, to the rule catalogue or to OPA's builtins
// fails here until go generate ./rego is run.
func TestGeneratedFilesAreFresh(t *testing.T) {
	dir := filepath.Join("..", "..")
	files, err := Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s is stale; run go generate ./rego (-want +got):\n%s", name, diff)
		}
	}
}
