package output

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/ambientkit/ambientkit/lint"
)

// Formats lists the output formats Write accepts, the default first.
var Formats = []string{"text", "json", "sarif", "github"}

// Options tunes the output of Write.
type Options struct {
	// Color turns on ANSI colours in the text format. Callers set it only when writing to a
	// terminal and the user has not asked for plain output.
	Color bool
	// Root is the repository root. SARIF artifact URIs and GitHub annotation paths are made
	// relative to it, since both are resolved against a checkout of the repository.
	Root string
	// WorkDir is the directory that relative finding paths are relative to (the working
	// directory of the run); "" leaves relative paths as they are.
	WorkDir string
	// ToolVersion is the linter's version, recorded in SARIF.
	ToolVersion string
}

// Write writes res in format (one of Formats) to w. catalogue is the full rule catalogue,
// which SARIF lists whether or not a rule reported anything.
func Write(w io.Writer, format string, res *lint.Result, catalogue []*lint.Rule, opts Options) error {
	if res == nil {
		res = &lint.Result{}
	}
	var err error
	switch format {
	case "text", "":
		err = writeText(w, res, opts)
	case "json":
		err = writeJSON(w, res)
	case "sarif":
		err = writeSARIF(w, res, catalogue, opts)
	case "github":
		err = writeGitHub(w, res, opts)
	default:
		return fmt.Errorf("unknown output format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return fmt.Errorf("writing %s output: %w", format, err)
	}
	return nil
}

// Counts is the number of findings at each severity.
type Counts struct {
	Errors, Warnings, Infos int
}

// Count counts the findings of res by severity.
func Count(res *lint.Result) Counts {
	var c Counts
	if res == nil {
		return c
	}
	for _, f := range res.Findings {
		switch f.Severity {
		case lint.Error:
			c.Errors++
		case lint.Warning:
			c.Warnings++
		case lint.Info:
			c.Infos++
		}
	}
	return c
}

// Summary returns the one-line summary of res that the text format prints on stderr:
// "2 errors, 1 warning, 0 infos in 3 files (12 objects)", with the objects that nothing
// applies: "(12 objects, 4 applied by nothing and not linted)"; for a run over a live
// cluster, "… in cluster prod (12 objects)".
func Summary(res *lint.Result) string {
	if res == nil {
		res = &lint.Result{}
	}
	c := Count(res)
	objects := plural(res.Objects, "object")
	switch {
	case res.Unreached > 0 && res.UnreachedLinted:
		objects += fmt.Sprintf(", %d applied by nothing", res.Unreached)
	case res.Unreached > 0:
		objects += fmt.Sprintf(", %d applied by nothing and not linted", res.Unreached)
	}
	in := plural(res.Files, "file")
	if res.Cluster != "" {
		in = "cluster " + Escape(res.Cluster)
	}
	return fmt.Sprintf("%s, %s, %s in %s (%s)",
		plural(c.Errors, "error"), plural(c.Warnings, "warning"), plural(c.Infos, "info"),
		in, objects)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// repoPath returns file as a forward-slash path relative to opts.Root, which is how SARIF
// and GitHub locate it in a checkout. A file outside the root, or stdin ("-"), keeps its
// path as reached.
func repoPath(file string, opts Options) string {
	if file == "" || file == "-" {
		return file
	}
	abs := file
	if !filepath.IsAbs(abs) {
		if opts.WorkDir == "" {
			return filepath.ToSlash(filepath.Clean(file))
		}
		abs = filepath.Join(opts.WorkDir, file)
	}
	if opts.Root != "" {
		if rel, err := filepath.Rel(opts.Root, abs); err == nil && rel != ".." &&
			!strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(filepath.Clean(file))
}
