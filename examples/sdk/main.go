// Command sdk writes the seed post's enrolled Namespace as YAML, built with the ambient
// package instead of by hand.
//
//	go run ./examples/sdk > namespace.yaml
package main

import (
	"fmt"
	"os"

	"github.com/ambientkit/ambientkit/ambient"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "sdk:", err)
		os.Exit(1)
	}
}

func run() error {
	ns, err := ambient.Namespace("example-api")
	if err != nil {
		return err
	}
	return ambient.WriteYAML(os.Stdout, ns)
}
