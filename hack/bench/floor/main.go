// Command floor is the least work any YAML linter must do, the baseline that hack/bench
// compares ambientlint and its peers with: it walks the directory given (skipping hidden
// directories), reads every .yaml, .yml and .json file, decodes each document into a
// gopkg.in/yaml.v3 yaml.Node, one file after another in a single goroutine, and prints how
// many documents it decoded. It checks nothing.
//
//	go -C hack build -o /tmp/floor ./bench/floor && /tmp/floor DIR
//
// It exits 1 when a file cannot be read or decoded (after decoding the rest), 2 on a usage
// error.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: floor DIR")
		os.Exit(2)
	}
	root := os.Args[1]
	var docs, files, failed int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".yaml", ".yml", ".json":
		default:
			return nil
		}
		n, err := decodeFile(path)
		docs += n
		files++
		if err != nil {
			fmt.Fprintf(os.Stderr, "floor: %v\n", err)
			failed++
		}
		return nil
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "floor: walking %s: %v\n", root, err)
		os.Exit(1)
	}
	fmt.Printf("%d documents in %d files\n", docs, files)
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "floor: %d of %d files could not be read or decoded\n", failed, files)
		os.Exit(1)
	}
}

// decodeFile decodes every document of the file at path, and returns how many it decoded.
func decodeFile(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	n := 0
	for {
		var node yaml.Node
		if err := dec.Decode(&node); err != nil {
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, fmt.Errorf("%s: document %d: %w", path, n+1, err)
		}
		n++
	}
}
