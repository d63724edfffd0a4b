package main

import (
	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/ambientkit/ambientkit/lint/vet"
)

func main() { singlechecker.Main(vet.Analyzer) }
