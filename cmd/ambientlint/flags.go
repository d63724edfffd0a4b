package main

import (
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/ambientkit/ambientkit/internal/textdist"
)

// newFlagSet returns a flag set that reports nothing itself: errors and usage are printed by
// the caller, in the golangci-lint style (--flag).
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseInterspersed parses flags that may come before, between or after positional arguments
// (ambientlint ./apps --format json), as golangci-lint's flags may. "--" ends the flags. It
// returns the positional arguments in order. A flag of needsValue given an empty value is an
// error.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, checkEmpty(fs)
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), checkEmpty(fs)
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// needsValue names the flags for which an empty value, given explicitly, is a mistake, with
// what they need. It is most often an unset CI variable (--base "$BASE_REF"), and reading it
// as the flag's absence would quietly change what the run does: --base "" would lint the
// whole repository instead of a change.
var needsValue = map[string]string{
	"base": "a git revision",
}

// checkEmpty reports the first flag of needsValue that the command line set to "" (--base ""
// or --base=), in the order of the flag set.
func checkEmpty(fs *flag.FlagSet) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		if need, ok := needsValue[f.Name]; ok && err == nil && f.Value.String() == "" {
			err = fmt.Errorf("--%s needs %s, not an empty value", f.Name, need)
		}
	})
	return err
}

// printFlags writes the flags of fs, one per entry, as --name VALUE  usage.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		head := "--" + f.Name
		if len(f.Name) == 1 {
			head = "-" + f.Name
		}
		if name != "" {
			head += " " + name
		}
		if def := f.DefValue; def != "" && def != "false" && def != "[]" {
			usage += fmt.Sprintf(" (default %s)", def)
		}
		fmt.Fprintf(w, "  %s\n        %s\n", head, strings.ReplaceAll(usage, "\n", "\n        "))
	})
}

// listFlag is a repeatable flag whose values may also be comma-separated lists
// (--enable AMB301 --enable AMB302,unused-ignore). Each value is recorded through add, in
// command-line order.
type listFlag struct {
	add func(string)
}

func (f listFlag) String() string { return "" }

func (f listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			f.add(v)
		}
	}
	return nil
}

// choiceFlag is a string flag that accepts only the given values.
type choiceFlag struct {
	value   *string
	choices []string
}

func (f choiceFlag) String() string {
	if f.value == nil {
		return ""
	}
	return *f.value
}

func (f choiceFlag) Set(s string) error {
	for _, c := range f.choices {
		if s == c {
			*f.value = s
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %s", s, strings.Join(f.choices, ", "))
}

// singleDash finds the flag names in the flag package's messages, which it writes -name.
var singleDash = regexp.MustCompile(`(^|\s)-([a-z][a-z0-9-]*)`)

// flagError rewrites a flag package error to name flags as users type them, --name.
func flagError(fs *flag.FlagSet, err error) error {
	msg := singleDash.ReplaceAllString(err.Error(), "$1--$2")
	msg = strings.Replace(msg, "flag provided but not defined", "unknown flag", 1)
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok {
		if s := nearestFlag(fs, name); s != "" {
			msg += fmt.Sprintf(" (did you mean --%s?)", s)
		}
	}
	return fmt.Errorf("%s", msg)
}

// nearestFlag returns the flag of fs whose name is within two edits of name, or "".
func nearestFlag(fs *flag.FlagSet, name string) string {
	best, bestD := "", 3
	fs.VisitAll(func(f *flag.Flag) {
		if d := textdist.Distance(name, f.Name); d < bestD {
			best, bestD = f.Name, d
		}
	})
	return best
}
