package policy_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/policy"
)

// lintWith lints the tree with the rules of a Set compiled from dir and returns the findings
// as "rule file:line:col severity: message".
func lintWith(t *testing.T, dir string, opts policy.Options) []string {
	t.Helper()
	set, err := policy.Compile(context.Background(), []policy.Source{{Name: dir, FS: os.DirFS(dir)}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{"testdata/tree"}, Root: "testdata/tree", Rules: set.Rules(dir)})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.Rule+" "+f.Pos.String()+" "+f.Severity.String()+": "+f.Message)
	}
	return out
}

func TestPerDocument(t *testing.T) {
	got := lintWith(t, "testdata/team", policy.Options{})
	want := []string{
		"policy:main.deny testdata/tree/app.yaml:1:1 error: Deployment api has no team label",
		"policy:main.warn_replicas testdata/tree/app.yaml:7:13 warning: a single replica",
		// legacy has no namespace either, but an exception names deny_namespace for it.
		"policy:main.deny_namespace testdata/tree/app.yaml:57:1 error: batch is in no namespace",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestCombined(t *testing.T) {
	got := lintWith(t, "testdata/team", policy.Options{Namespaces: []string{"combined"}, Combine: true})
	want := []string{
		"policy:combined.deny testdata/tree/app.yaml:51:3 error: Service orphan selects no Deployment",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestRefusedBuiltin(t *testing.T) {
	_, err := policy.Compile(context.Background(), []policy.Source{{Name: "refused", FS: os.DirFS("testdata/refused")}}, policy.Options{})
	if err == nil || !strings.Contains(err.Error(), "refused/fetch.rego:6: http.send is not allowed") {
		t.Fatalf("Compile: %v, want http.send refused at fetch.rego:6", err)
	}
}

var _ = lint.Error

// "*" selects every package, as conftest's --all-namespaces.
func TestAllNamespaces(t *testing.T) {
	got := lintWith(t, "testdata/team", policy.Options{Namespaces: []string{"*"}, Combine: true})
	// Combined, the per-document rules of package main see an array and find nothing; the
	// combined rule finds the orphan Service.
	want := []string{"policy:combined.deny testdata/tree/app.yaml:51:3 error: Service orphan selects no Deployment"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
