package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// TestDownstreamModule does what the README tells the owner of another module: add
// ambientvet as a tool dependency with go get -tool, and run it as go vet's tool with
// go tool -n. This revision is published, as the module's next version, on a file proxy in
// front of the real one, so go get resolves it as it would a release; the other modules come
// from the module cache or the proxy, as for any go get.
func TestDownstreamModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds ambientvet in a scratch module")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	const modPath, version = "github.com/ambientkit/ambientkit", "v0.999.0"
	proxy := t.TempDir()
	publish(t, proxy, root, modPath, version)
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/operator\n\ngo 1.26\n")
	// go.sum of this repository: the checksums of the modules both need.
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write("go.sum", string(sum))
	write("labels.go", `package operator

// Labels are the labels the operator puts on the namespaces it creates.
var Labels = map[string]string{"istio.io/dataplane_mode": "ambient"}
`)
	gocmd := func(args ...string) (string, error) {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		upstream := os.Getenv("GOPROXY")
		if upstream == "" || upstream == "off" {
			upstream = "https://proxy.golang.org"
		}
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=file://"+filepath.ToSlash(proxy)+","+upstream,
			"GONOSUMDB="+modPath, "GONOSUMCHECK=1")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := gocmd("get", "-tool", modPath+"/cmd/ambientvet@latest"); err != nil {
		t.Fatalf("go get -tool: %v\n%s", err, out)
	}
	mod, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if !strings.Contains(string(mod), "tool github.com/ambientkit/ambientkit/cmd/ambientvet") {
		t.Fatalf("go.mod has no tool directive for ambientvet:\n%s", mod)
	}
	tool, err := gocmd("tool", "-n", "ambientvet")
	if err != nil {
		t.Fatalf("go tool -n ambientvet: %v\n%s", err, tool)
	}
	out, err := gocmd("vet", "-vettool="+strings.TrimSpace(tool), "./...")
	if err == nil || !strings.Contains(out, `AMB002: unknown Istio label key "istio.io/dataplane_mode"`) {
		t.Errorf("go vet -vettool=$(go tool -n ambientvet) ./...: err %v, want AMB002:\n%s", err, out)
	}
}

// publish writes the module in dir as version of modPath into a GOPROXY file tree.
func publish(t *testing.T, proxy, dir, modPath, version string) {
	t.Helper()
	at := filepath.Join(proxy, filepath.FromSlash(modPath), "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(at, version+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The working tree, without what git ignores or would not commit (.git, built binaries).
	if err := modzip.CreateFromDir(f, module.Version{Path: modPath, Version: version}, dir); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"list":            version + "\n",
		version + ".mod":  string(gomod),
		version + ".info": `{"Version":"` + version + `","Time":"2026-12-01T00:00:00Z"}`,
	} {
		if err := os.WriteFile(filepath.Join(at, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
