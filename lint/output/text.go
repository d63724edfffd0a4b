package output

import (
	"bufio"
	"fmt"
	"io"

	"github.com/ambientkit/ambientkit/lint"
)

// ANSI styles of the text format.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
	ansiBlue   = "\x1b[1;34m"
)

// writeText writes one line per finding, path:line:col: severity: message [ID name], and its
// related locations indented below it. Every field is escaped (see Escape), so that each
// finding and each related location is exactly one line, whatever the manifests hold.
func writeText(w io.Writer, res *lint.Result, opts Options) error {
	bw := bufio.NewWriter(w)
	style := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + ansiReset
	}
	for _, f := range res.Findings {
		sev := f.Severity.String()
		switch f.Severity {
		case lint.Error:
			sev = style(ansiRed, sev)
		case lint.Warning:
			sev = style(ansiYellow, sev)
		case lint.Info:
			sev = style(ansiBlue, sev)
		}
		fmt.Fprintf(bw, "%s: %s: %s %s\n", style(ansiBold, linePos(f.Pos)), sev, Escape(f.Message),
			style(ansiDim, "["+Escape(f.Rule)+" "+Escape(f.Name)+"]"))
		for _, r := range f.Related {
			fmt.Fprintf(bw, "    %s: %s\n", linePos(r.Position), Escape(r.Message))
		}
	}
	return bw.Flush()
}
