package rego_test

import (
	"context"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/rules"
	"github.com/ambientkit/ambientkit/rego"
)

// modules parses the embedded bundle's .rego files.
func modules(t *testing.T) map[string]*ast.Module {
	t.Helper()
	out := map[string]*ast.Module{}
	err := fs.WalkDir(rego.Bundle(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return err
		}
		src, err := fs.ReadFile(rego.Bundle(), p)
		if err != nil {
			return err
		}
		m, err := ast.ParseModuleWithOpts(p, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			return err
		}
		out[p] = m
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The bundle's Rego unit tests (*_test.rego) pass under OPA's test runner, compiled with
// the bundle's capabilities, so they count without conftest.
func TestRegoUnitTests(t *testing.T) {
	caps, err := rego.Capabilities()
	if err != nil {
		t.Fatal(err)
	}
	mods := modules(t)
	compiler := ast.NewCompiler().WithCapabilities(caps).WithEnablePrintStatements(true)
	ch, err := tester.NewRunner().SetCompiler(compiler).SetModules(mods).RunTests(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range ch {
		n++
		if r.Error != nil {
			t.Errorf("%s.%s: %v", r.Package, r.Name, r.Error)
		} else if r.Fail {
			t.Errorf("%s.%s failed", r.Package, r.Name)
		}
	}
	if n == 0 {
		t.Fatal("the bundle has no Rego tests")
	}
}

// Every twin is a rule of the catalogue, in a file named after the rule, whose results are
// deny for errors and warn for warnings; and no other rule is in the bundle.
func TestTwinsMatchTheCatalogue(t *testing.T) {
	byID := map[string]*lint.Rule{}
	for _, r := range rules.All() {
		byID[r.ID] = r
	}
	files := map[string]string{} // base name → source
	for p := range modules(t) {
		src, err := fs.ReadFile(rego.Bundle(), p)
		if err != nil {
			t.Fatal(err)
		}
		files[path.Base(p)] = string(src)
	}
	reported := regexp.MustCompile(`lib\.result\("(AMB\d{3})"`)
	var seen []string
	for _, src := range files {
		for _, m := range reported.FindAllStringSubmatch(src, -1) {
			seen = append(seen, m[1])
		}
	}
	slices.Sort(seen)
	if diff := cmp.Diff(rego.Twins(), slices.Compact(seen)); diff != "" {
		t.Errorf("Twins() and the rules the bundle reports differ (-Twins +bundle):\n%s", diff)
	}
	for _, id := range rego.Twins() {
		r := byID[id]
		if r == nil {
			t.Errorf("%s: not in the catalogue", id)
			continue
		}
		file := strings.ReplaceAll(r.Name, "-", "_") + ".rego"
		src, ok := files[file]
		if !ok {
			t.Errorf("%s: no file %s", id, file)
			continue
		}
		head := map[lint.Severity]string{lint.Error: "deny contains", lint.Warning: "warn contains"}[r.Severity]
		if head == "" || !strings.Contains(src, head) || !strings.Contains(src, `"`+id+`"`) {
			t.Errorf("%s (%s): %s does not report it with %q", id, r.Severity, file, head)
		}
	}
	for _, id := range rego.CrossObject() {
		if !slices.Contains(rego.Twins(), id) {
			t.Errorf("CrossObject() lists %s, which is no twin", id)
		}
	}
}

// The bundle's files are as opa fmt writes them.
func TestRegoFilesAreFormatted(t *testing.T) {
	for p := range modules(t) {
		src, err := fs.ReadFile(rego.Bundle(), p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := format.SourceWithOpts(p, src, format.Opts{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(src) {
			t.Errorf("%s is not formatted as opa fmt would", p)
		}
	}
}

// capabilities.json refuses the builtins that reach the network or the host, or make results
// depend on when they are computed, and allows no host; the bundle compiles under it, and a
// policy that calls http.send does not.
func TestCapabilities(t *testing.T) {
	refused, err := rego.RefusedBuiltins()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"http.send", "net.lookup_ip_addr", "opa.runtime", "rand.intn", "time.now_ns", "uuid.rfc4122"}
	if diff := cmp.Diff(want, refused); diff != "" {
		t.Errorf("refused builtins (-want +got):\n%s", diff)
	}
	caps, err := rego.Capabilities()
	if err != nil {
		t.Fatal(err)
	}
	if caps.AllowNet == nil || len(caps.AllowNet) != 0 {
		t.Errorf("allow_net = %#v, want an empty list (no host)", caps.AllowNet)
	}

	compile := func(mods map[string]*ast.Module) error {
		c := ast.NewCompiler().WithCapabilities(caps)
		if c.Compile(mods); c.Failed() {
			return c.Errors
		}
		return nil
	}
	if err := compile(modules(t)); err != nil {
		t.Fatalf("the bundle does not compile under its capabilities: %v", err)
	}
	m := ast.MustParseModuleWithOpts(`package team
deny contains msg if {
	resp := http.send({"method": "GET", "url": "https://example.com"})
	msg := resp.body
}`, ast.ParserOptions{RegoVersion: ast.RegoV1})
	err = compile(map[string]*ast.Module{"team.rego": m})
	if err == nil || !strings.Contains(err.Error(), "http.send") {
		t.Errorf("a policy calling http.send compiled (err %v), want an error naming http.send", err)
	}
}

// The embedded bundle is the directory conftest reads: loading rego/policy from disk gives
// the same modules.
func TestBundleIsTheDirectory(t *testing.T) {
	res, err := loader.NewFileLoader().WithRegoVersion(ast.RegoV1).Filtered([]string{"policy"}, func(_ string, info fs.FileInfo, _ int) bool {
		return !info.IsDir() && !strings.HasSuffix(info.Name(), ".rego")
	})
	if err != nil {
		t.Fatal(err)
	}
	var disk, embedded []string
	for p := range res.Modules {
		disk = append(disk, strings.TrimPrefix(p, "policy/"))
	}
	for p := range modules(t) {
		embedded = append(embedded, p)
	}
	slices.Sort(disk)
	slices.Sort(embedded)
	if diff := cmp.Diff(disk, embedded); diff != "" {
		t.Errorf("embedded bundle differs from policy/ (-disk +embedded):\n%s", diff)
	}
}
