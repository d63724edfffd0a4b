package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
)

//go:generate sh -c "go run . rules --format markdown > ../../docs/rules.md"

// Exit statuses, as golangci-lint and staticcheck use them.
const (
	exitOK       = 0 // no finding at or above --fail-on
	exitFindings = 1 // findings at or above --fail-on
	exitError    = 2 // usage error, unreadable input, bad configuration, internal failure
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a command line to its subcommand and returns the exit status. The first
// argument names a subcommand when it is one; anything else is the lint command (a path that
// happens to be named like a subcommand can be written ./rules).
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "rules":
			return runRules(args[1:], stdout, stderr)
		case "explain":
			return runExplain(args[1:], stdout, stderr)
		case "version":
			return runVersion(args[1:], stdout, stderr)
		case "ready":
			return runReady(ctx, args[1:], stdout, stderr)
		case "order":
			return runOrder(ctx, args[1:], stdin, stdout, stderr)
		case "policy":
			return runPolicy(args[1:], stdout, stderr)
		case "fn":
			return runFn(ctx, args[1:], stdin, stdout, stderr)
		case "completion":
			return runCompletion(args[1:], stdout, stderr)
		case "help":
			return runHelp(args[1:], stdout, stderr)
		}
	}
	return runLint(ctx, args, stdin, stdout, stderr)
}

// usageError reports a mistake in the command line and returns exitError.
func usageError(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "ambientlint: %v\nRun '%s --help' for usage.\n", err, cmd)
	return exitError
}

// failure reports an error that stops the run and returns exitError.
func failure(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "ambientlint: %v\n", err)
	return exitError
}
