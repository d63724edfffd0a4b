package policy

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/rules"
	"github.com/ambientkit/ambientkit/manifest/load"
)

// The Rego value of every object of the rules' testdata and the examples is the value of the
// JSON that the typed decoding reads (load.AppendJSON): one reading of YAML, two forms.
func TestValueIsTheTypedDecodingsJSON(t *testing.T) {
	var dirs []string
	for _, glob := range []string{"../rules/testdata/*", "../../examples/*", "../../manifest/load/testdata"} {
		m, _ := filepath.Glob(glob)
		dirs = append(dirs, m...)
	}
	objects := 0
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Root: dir, Rules: rules.All()[:1]})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range res.Inventory.Objects {
			if !o.HasRoot() {
				continue
			}
			got, gerr := valueOf(o.Root().YNode())
			js, jerr := load.AppendJSON(nil, o.Root().YNode())
			if (gerr != nil) != (jerr != nil) {
				t.Errorf("%s: value error %v, JSON error %v", o.Pos(), gerr, jerr)
				continue
			}
			if gerr != nil {
				continue
			}
			want, err := ast.ValueFromReader(bytesReader(js))
			if err != nil {
				t.Fatalf("%s: %v", o.Pos(), err)
			}
			if got.Value.Compare(want) != 0 {
				t.Errorf("%s: value\n%v\nJSON\n%v", o.Pos(), got.Value, want)
			}
			objects++
		}
	}
	if objects < 200 {
		t.Errorf("compared only %d objects", objects)
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
