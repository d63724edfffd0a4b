// Command gentree writes the generated GitOps tree that BENCHMARKS.md measures:
//
//	go -C hack run ./gentree DIR OBJECTS   # DIR absolute: -C makes hack the working directory
//
// DIR must not exist yet or be empty; OBJECTS is the number of Kubernetes objects (10000
// gives about 6,000 files).
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/ambientkit/ambientkit/internal/gentree"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go -C hack run ./gentree DIR OBJECTS")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 1 {
		fmt.Fprintf(os.Stderr, "gentree: OBJECTS must be a positive number, not %q\n", os.Args[2])
		os.Exit(2)
	}
	if err := gentree.GenerateTree(os.Args[1], n); err != nil {
		fmt.Fprintf(os.Stderr, "gentree: %v\n", err)
		os.Exit(1)
	}
}
