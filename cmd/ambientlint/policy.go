package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	bundle "github.com/ambientkit/ambientkit/rego"
)

const policyUsage = `Usage:
  ambientlint policy export DIR

writes ambientlint's bundled Rego policies into DIR, as conftest reads them: the policies
and their tests (*_test.rego), the data they share (generated from the Go rules' facts) and
capabilities.json, which refuses http.send, net.lookup_ip_addr and opa.runtime:

  ambientlint policy export policy
  conftest test --combine --all-namespaces --capabilities policy/capabilities.json -p policy manifests/

Files of the bundle already in DIR are replaced; nothing else in DIR is touched.
`

// runPolicy is "ambientlint policy export DIR".
func runPolicy(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("ambientlint policy")
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		io.WriteString(stdout, policyUsage)
		return exitOK
	}
	if err != nil {
		return usageError(stderr, "ambientlint policy", flagError(fs, err))
	}
	if fs.NArg() != 2 || fs.Arg(0) != "export" {
		return usageError(stderr, "ambientlint policy", errors.New("want: policy export DIR"))
	}
	dir := fs.Arg(1)
	n, err := exportBundle(dir)
	if err != nil {
		return failure(stderr, err)
	}
	fmt.Fprintf(stderr, "wrote %d files to %s\n", n, dir)
	return exitOK
}

// exportBundle writes the bundle's files and capabilities.json under dir and returns how many
// it wrote.
func exportBundle(dir string) (int, error) {
	n := 0
	write := func(rel string, data []byte) error {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		n++
		return os.WriteFile(p, data, 0o644)
	}
	src := bundle.Bundle()
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		return write(p, data)
	})
	if err != nil {
		return n, err
	}
	return n, write("capabilities.json", bundle.CapabilitiesJSON())
}
