package output

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ambientkit/ambientkit/manifest"
)

// Escape returns s fit to print as part of one line of a terminal or a CI log, whatever the
// manifests it came from hold. Control characters (C0, DEL, C1), the Unicode line and
// paragraph separators, bidirectional controls and bytes that are not UTF-8 are written as
// Go escapes (\n, \x1b, \u2028, \xff), so that a name can neither end the line, nor send a
// terminal an escape sequence, nor reorder what the reader sees. "##[" is written as
// "##\x5b", since the GitHub Actions runner takes "##[command]" anywhere in a line as a
// workflow command. Other text, backslashes included, is left as it is: messages often quote
// values with %q already, and Windows paths use backslashes.
func Escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case strings.HasPrefix(s[i:], "##["):
			b.WriteString(`##\x5b`)
			size = 3
		default:
			writeRune(&b, r)
		}
		i += size
	}
	return b.String()
}

// needsEscape reports whether Escape changes s.
func needsEscape(s string) bool {
	if strings.Contains(s, "##[") {
		return true
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r) || r == utf8.RuneError && size == 1 {
			return true
		}
		i += size
	}
	return false
}

// unsafeRune reports whether r is a character that Escape writes as an escape.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f: // C0, DEL, C1
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c: // bidi marks
		return true
	}
	return false
}

// writeRune writes r, as a Go escape when it is unsafe.
func writeRune(b *strings.Builder, r rune) {
	if !unsafeRune(r) {
		b.WriteRune(r)
		return
	}
	switch r {
	case '\a':
		b.WriteString(`\a`)
	case '\b':
		b.WriteString(`\b`)
	case '\f':
		b.WriteString(`\f`)
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	case '\v':
		b.WriteString(`\v`)
	default:
		if r < utf8.RuneSelf {
			fmt.Fprintf(b, `\x%02x`, r)
		} else {
			fmt.Fprintf(b, `\u%04x`, r)
		}
	}
}

// linePos formats p as file:line:col for the start of a line of text output, with the file
// escaped. A file that starts with ':' or white space gets a "./" in front, since the GitHub
// Actions runner takes a line that starts with "::", after white space, as a workflow command.
func linePos(p manifest.Position) string {
	if p.IsLive() {
		return Escape(p.String())
	}
	p.File = Escape(p.File)
	if r, _ := utf8.DecodeRuneInString(p.File); r == ':' || unicode.IsSpace(r) {
		p.File = "./" + p.File
	}
	return p.String()
}

// EscapeJSON is escapeJSON, for the other commands' JSON (ambientlint order --format json).
func EscapeJSON(js []byte) []byte { return escapeJSON(js) }

// escapeJSON rewrites, in JSON text that encoding/json wrote, the characters that it leaves
// raw but that Escape escapes, as JSON \u escapes: DEL, C1, bidirectional controls and the
// '[' of "##[". The JSON means the same; only a terminal or CI log that shows it is spared.
// encoding/json already escapes the rest of C0 and U+2028 and U+2029, and writes valid UTF-8.
func escapeJSON(js []byte) []byte {
	if !bytes.Contains(js, []byte("##[")) && !hasUnsafeRune(js) {
		return js
	}
	var b bytes.Buffer
	b.Grow(len(js))
	for i := 0; i < len(js); {
		r, size := utf8.DecodeRune(js[i:])
		switch {
		case bytes.HasPrefix(js[i:], []byte("##[")):
			// Outside strings JSON has no '#', so this is inside one, where \u005b means '['.
			b.WriteString(`##\u005b`)
			size = 3
		case r >= 0x20 && unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.Write(js[i : i+size])
		}
		i += size
	}
	return b.Bytes()
}

// hasUnsafeRune reports whether js holds a character that escapeJSON rewrites.
func hasUnsafeRune(js []byte) bool {
	for i := 0; i < len(js); {
		r, size := utf8.DecodeRune(js[i:])
		if r >= 0x20 && unsafeRune(r) {
			return true
		}
		i += size
	}
	return false
}
