package vet

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"
)

// TestAnalyzerRealTypes runs the analyzer, in module mode, over testdata/realtypes built
// with the real Kubernetes, Gateway API and Istio types, so that a stub that drifted from
// them cannot hide a check that no longer fires. The module it builds requires ambientkit
// (replaced by this checkout) and the versions this checkout's go.mod pins, so it runs
// offline from the module cache. Loading those packages from source takes a while, so
// -short skips it.
func TestAnalyzerRealTypes(t *testing.T) {
	if testing.Short() {
		t.Skip("loads Kubernetes, Gateway API and Istio from source")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	gosum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("testdata", "realtypes", "realtypes.go"))
	if err != nil {
		t.Fatal(err)
	}
	mod := regexp.MustCompile(`(?m)^module .*$`).ReplaceAll(gomod, []byte("module example.com/realtypes"))
	mod = append(mod, []byte("\nrequire github.com/ambientkit/ambientkit v0.0.0\n\nreplace github.com/ambientkit/ambientkit => "+root+"\n")...)
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"go.mod":                 mod,
		"go.sum":                 gosum,
		"realtypes/realtypes.go": src,
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("GOFLAGS", "-mod=mod")
	analysistest.Run(t, dir, newAnalyzer(), "./realtypes")
}
