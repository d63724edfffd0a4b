package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWritesTheSeedPostsObjects checks the program's output against the seed post's four
// objects, copied by hand from the post into the ambient package's golden files.
func TestWritesTheSeedPostsObjects(t *testing.T) {
	var want []string
	for _, name := range []string{"namespace", "gateway", "service", "serviceentry"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "ambient", "testdata", "golden", name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, string(b))
	}
	var got bytes.Buffer
	if err := run(&got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(strings.Join(want, "---\n"), got.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}
