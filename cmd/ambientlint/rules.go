package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/lint/output"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// runRules is "ambientlint rules": the catalogue as a table, JSON or Markdown.
func runRules(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("ambientlint rules")
	format := "text"
	fs.Var(choiceFlag{&format, output.RuleFormats}, "format", "write the catalogue as `FORMAT`: "+strings.Join(output.RuleFormats, ", "))
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, "Usage:\n  ambientlint rules [--format text|json|markdown]\n\nlists every rule with its ID, name, default severity and summary.\n\nFlags:")
		printFlags(stdout, fs)
		return exitOK
	}
	if err != nil {
		return usageError(stderr, "ambientlint rules", flagError(fs, err))
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "ambientlint rules", fmt.Errorf("rules takes no arguments, got %q", fs.Arg(0)))
	}
	if err := output.WriteRules(stdout, format, rules.All()); err != nil {
		return failure(stderr, err)
	}
	return exitOK
}

// runExplain is "ambientlint explain RULE...": the documentation of each rule named.
func runExplain(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("ambientlint explain")
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, "Usage:\n  ambientlint explain RULE...\n\nprints what each rule catches, why it breaks a cluster, and the fix.\nA rule is named by its ID (AMB301) or its name (wildcard-egress).")
		return exitOK
	}
	if err != nil {
		return usageError(stderr, "ambientlint explain", flagError(fs, err))
	}
	if fs.NArg() == 0 {
		return usageError(stderr, "ambientlint explain", errors.New("explain needs a rule, such as AMB301 or wildcard-egress"))
	}
	// Every rule that exists is explained; an unknown one is reported and makes the exit
	// status 2, without hiding the others.
	catalogue := rules.All()
	code, n := exitOK, 0
	for _, ref := range fs.Args() {
		r, err := config.LookupRule(catalogue, ref)
		if err != nil {
			fmt.Fprintf(stderr, "ambientlint explain: %v\n", err)
			code = exitError
			continue
		}
		if n > 0 {
			fmt.Fprintln(stdout)
		}
		n++
		if err := output.Explain(stdout, r, isTerminal(stdout) && os.Getenv("NO_COLOR") == ""); err != nil {
			return failure(stderr, err)
		}
	}
	return code
}

// runHelp is "ambientlint help [COMMAND]".
func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printLintUsage(stdout)
		return exitOK
	}
	switch args[0] {
	case "rules":
		return runRules([]string{"--help"}, stdout, stderr)
	case "explain":
		return runExplain([]string{"--help"}, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "Usage:\n  ambientlint version\n\nprints the version of ambientlint and of the Go toolchain that built it.")
		return exitOK
	case "ready":
		return runReady(context.Background(), []string{"--help"}, stdout, stderr)
	case "order":
		return runOrder(context.Background(), []string{"--help"}, nil, stdout, stderr)
	case "policy":
		return runPolicy([]string{"--help"}, stdout, stderr)
	case "completion":
		return runCompletion([]string{"--help"}, stdout, stderr)
	case "fn":
		return runFn(context.Background(), []string{"--help"}, nil, stdout, stderr)
	case "lint":
		printLintUsage(stdout)
		return exitOK
	}
	return usageError(stderr, "ambientlint", fmt.Errorf("no help for %q (commands: rules, explain, order, ready, policy, fn, completion, version)", args[0]))
}
