package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A file that does not parse has no objects, but a directory source applies it all the same:
// in a directory an Application syncs it is an AMB001 error; in a directory nothing applies
// it is not linted, as the objects there are not.
func TestUnparseableFileIsJudgedWhereItIsApplied(t *testing.T) {
	const broken = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: partners\ndata:\n  hosts:\n    - *.partner.example\n"
	for _, c := range []struct {
		dir      string
		wantCode int
	}{
		{"examples/gitops/workloads/example-api", exitFindings},
		{"examples/gitops/drafts", exitOK},
	} {
		t.Run(c.dir, func(t *testing.T) {
			work := copyExamples(t)
			p := filepath.Join(work, c.dir, "partners.yaml")
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(broken), 0o644); err != nil {
				t.Fatal(err)
			}
			r := ambientlint(t, work, "", "examples/gitops")
			finding := strings.Contains(r.stdout, c.dir+"/partners.yaml:7:5: error: invalid YAML")
			if r.code != c.wantCode || finding != (c.wantCode == exitFindings) {
				t.Errorf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", r.code, c.wantCode, r.stdout, r.stderr)
			}
		})
	}
}
