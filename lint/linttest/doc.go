// Package linttest checks lint rules against testdata manifests that carry their own
// expectations, in the manner of golang.org/x/tools/go/analysis/analysistest.
//
// A line of a testdata file that a rule should flag ends with a comment holding one or more
// quoted regular expressions:
//
//	hosts: ["*.example.com"] # want "AMB301: .*wildcard"
//
// Each expression must match the text "ID: message" of a distinct finding on that line, and
// every finding must be wanted by one; a file without want comments must produce no
// finding. Expressions are Go string literals ("…" or `…`). Since a want comment is a YAML
// comment, it changes nothing the loader sees.
package linttest
