package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ambientkit/ambientkit/lint/output"
	"github.com/ambientkit/ambientkit/lint/rules"
)

const completionUsage = `Usage:
  ambientlint completion bash|zsh|fish

prints a script that completes ambientlint's commands, flags, rule IDs and names, and
formats in that shell. Load it from the shell's start-up file:

  bash:  source <(ambientlint completion bash)                  # in ~/.bashrc
  zsh:   source <(ambientlint completion zsh)                   # in ~/.zshrc
  fish:  ambientlint completion fish > ~/.config/fish/completions/ambientlint.fish
`

// subcommands are the words ambientlint takes as its first argument.
var subcommands = []string{"rules", "explain", "order", "ready", "policy", "fn", "completion", "version", "help"}

// runCompletion is "ambientlint completion SHELL".
func runCompletion(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("ambientlint completion")
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		io.WriteString(stdout, completionUsage)
		return exitOK
	}
	if err != nil {
		return usageError(stderr, "ambientlint completion", flagError(fs, err))
	}
	if fs.NArg() != 1 {
		return usageError(stderr, "ambientlint completion", errors.New("completion needs a shell: bash, zsh or fish"))
	}
	c := completionWords()
	switch fs.Arg(0) {
	case "bash":
		io.WriteString(stdout, bashCompletion(c))
	case "zsh":
		io.WriteString(stdout, "autoload -U +X bashcompinit && bashcompinit\n"+bashCompletion(c))
	case "fish":
		io.WriteString(stdout, fishCompletion(c))
	default:
		return usageError(stderr, "ambientlint completion", fmt.Errorf("unknown shell %q: bash, zsh or fish", fs.Arg(0)))
	}
	return exitOK
}

// completionSet is what the scripts complete.
type completionSet struct {
	flags      []string // the lint command's flags, with their dashes
	valueFlags []string // those that take a value
	rules      []string // rule IDs and names
	formats    []string
}

// completionWords gathers the words from the flag set and the catalogue, so that a new flag
// or rule completes without a change here.
func completionWords() completionSet {
	var c completionSet
	fs, _ := lintFlagSet()
	fs.VisitAll(func(f *flag.Flag) {
		name := "--" + f.Name
		if len(f.Name) == 1 {
			name = "-" + f.Name
		}
		c.flags = append(c.flags, name)
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !bf.IsBoolFlag() {
			c.valueFlags = append(c.valueFlags, name)
		}
	})
	for _, r := range rules.All() {
		c.rules = append(c.rules, r.ID, r.Name)
	}
	c.formats = slices.Clone(output.Formats)
	return c
}

func bashCompletion(c completionSet) string {
	return `# bash completion for ambientlint (ambientlint completion bash)
_ambientlint() {
  local cur prev
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev="${COMP_WORDS[COMP_CWORD-1]}"
  local rules="` + strings.Join(c.rules, " ") + `"
  if [ "$COMP_CWORD" -eq 1 ] && [[ "$cur" != -* ]]; then
    COMPREPLY=( $(compgen -W "` + strings.Join(subcommands, " ") + `" -- "$cur") $(compgen -f -- "$cur") )
    return
  fi
  case "${COMP_WORDS[1]}" in
    explain) COMPREPLY=( $(compgen -W "$rules" -- "$cur") ); return ;;
    completion) COMPREPLY=( $(compgen -W "bash zsh fish" -- "$cur") ); return ;;
    policy) COMPREPLY=( $(compgen -W "export" -- "$cur") $(compgen -d -- "$cur") ); return ;;
  esac
  case "$prev" in
    --enable|--disable|--severity) COMPREPLY=( $(compgen -W "$rules" -- "$cur") ); return ;;
    --format)
      if [ "${COMP_WORDS[1]}" = order ]; then
        COMPREPLY=( $(compgen -W "` + strings.Join(orderFormats, " ") + `" -- "$cur") )
      else
        COMPREPLY=( $(compgen -W "` + strings.Join(c.formats, " ") + `" -- "$cur") )
      fi
      return ;;
    --fail-on) COMPREPLY=( $(compgen -W "error warning info none" -- "$cur") ); return ;;
    --color) COMPREPLY=( $(compgen -W "auto always never" -- "$cur") ); return ;;
    --engine) COMPREPLY=( $(compgen -W "go rego" -- "$cur") ); return ;;
    --config|--output|--kubeconfig) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
    --repo-root|--policy) COMPREPLY=( $(compgen -d -- "$cur") ); return ;;
    ` + strings.Join(c.valueFlags, "|") + `) return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "` + strings.Join(c.flags, " ") + ` --help" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o filenames -F _ambientlint ambientlint
`
}

func fishCompletion(c completionSet) string {
	var b strings.Builder
	b.WriteString("# fish completion for ambientlint (ambientlint completion fish)\n")
	fmt.Fprintf(&b, "complete -c ambientlint -n __fish_use_subcommand -a '%s'\n", strings.Join(subcommands, " "))
	fmt.Fprintf(&b, "complete -c ambientlint -n '__fish_seen_subcommand_from explain' -f -a '%s'\n", strings.Join(c.rules, " "))
	b.WriteString("complete -c ambientlint -n '__fish_seen_subcommand_from completion' -f -a 'bash zsh fish'\n")
	for _, f := range c.flags {
		name, long := strings.TrimLeft(f, "-"), strings.HasPrefix(f, "--")
		opt := "-s " + name
		if long {
			opt = "-l " + name
		}
		args := ""
		switch name {
		case "enable", "disable", "severity":
			args = " -x -a '" + strings.Join(c.rules, " ") + "'"
		case "format":
			args = " -x -a '" + strings.Join(c.formats, " ") + "'"
		case "fail-on":
			args = " -x -a 'error warning info none'"
		case "color":
			args = " -x -a 'auto always never'"
		case "engine":
			args = " -x -a 'go rego'"
		default:
			if slices.Contains(c.valueFlags, f) {
				args = " -r"
			}
		}
		fmt.Fprintf(&b, "complete -c ambientlint %s%s\n", opt, args)
	}
	return b.String()
}
