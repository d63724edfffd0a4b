package apilist

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite api/ambientkit.txt from the code")

// The module's exported API is what api/ambientkit.txt says: a change to it fails here until
// the file is regenerated (go test ./internal/apilist -update) and the change is reviewed
// with the code.
func TestAPIListingIsCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	got, err := List(root, "./...")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "api", "ambientkit.txt")
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("the exported API changed; if that is meant, run go test ./internal/apilist -update and commit api/ambientkit.txt (-file +code):\n%s", diff)
	}
}
