package output

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ambientkit/ambientkit/lint"
)

// writeGitHub writes one GitHub Actions workflow command per finding, which GitHub shows as
// an annotation on the file and line:
//
//	::error file=apps/se.yaml,line=9,col=7,title=AMB301 wildcard-egress::message
//
// Warnings use ::warning and infos ::notice. Related locations are appended to the message on
// lines of their own. A finding about a live object has no file: the annotation is the
// run's, and its message begins with the object (Kind namespace/name: …).
func writeGitHub(w io.Writer, res *lint.Result, opts Options) error {
	bw := bufio.NewWriter(w)
	for _, f := range res.Findings {
		cmd := "error"
		switch f.Severity {
		case lint.Warning:
			cmd = "warning"
		case lint.Info:
			cmd = "notice"
		}
		msg := f.Message
		if f.Pos.IsLive() {
			// An annotation without a file: the message names the object.
			msg = f.Pos.String() + ": " + msg
		}
		for _, r := range f.Related {
			rp := r.Position
			rp.File = repoPath(rp.File, opts)
			msg += "\n" + rp.String() + ": " + r.Message
		}
		props := []struct{ k, v string }{
			{"file", repoPath(f.Pos.File, opts)},
			{"line", itoa(f.Pos.Line)},
			{"col", itoa(f.Pos.Column)},
			{"endLine", itoa(f.Pos.EndLine)},
			{"endColumn", itoa(f.Pos.EndColumn)},
			{"title", f.Rule + " " + f.Name},
		}
		bw.WriteString("::" + cmd)
		sep := " "
		for _, p := range props {
			if p.v == "" {
				continue // as the Actions toolkit does, empty properties are left out
			}
			bw.WriteString(sep + p.k + "=" + escapeProperty(p.v))
			sep = ","
		}
		fmt.Fprintf(bw, "::%s\n", escapeData(msg))
	}
	return bw.Flush()
}

// itoa formats a positive number, and leaves 0 (unknown) empty.
func itoa(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// escapeData escapes a workflow command's message as the Actions toolkit's command.ts does,
// so that no text of a finding can end the command or start another.
func escapeData(s string) string {
	return dataEscaper.Replace(s)
}

// escapeProperty escapes a workflow command's property value as the Actions toolkit's
// command.ts does: as data, and also ':' and ',', which end a value.
func escapeProperty(s string) string {
	return propertyEscaper.Replace(s)
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)
