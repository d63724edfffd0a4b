package output

import (
	"strings"
)

// ansiCode is the style of code in rendered Markdown (strong text is ansiBold).
const ansiCode = "\x1b[36m"

// PlainText renders the Markdown of a rule's documentation as text for a terminal or a
// plain-text field: **strong** and `code` lose their markers, [text](url) becomes
// "text (url)", and a list item's "- " becomes "• ". The line breaks stay as written.
func PlainText(md string) string { return renderMarkdown(md, false) }

// renderMarkdown is PlainText, with strong text in bold and code in cyan when color is set.
func renderMarkdown(md string, color bool) string {
	var b strings.Builder
	for line := range strings.Lines(md) {
		indent := len(line) - len(strings.TrimLeft(line, " "))
		rest := line[indent:]
		b.WriteString(line[:indent])
		if item, ok := strings.CutPrefix(rest, "- "); ok {
			b.WriteString("• ")
			rest = item
		}
		renderInline(&b, rest, color)
	}
	return b.String()
}

// renderInline renders the emphasis, code spans and links of one line.
func renderInline(b *strings.Builder, s string, color bool) {
	for s != "" {
		switch {
		case strings.HasPrefix(s, "**"):
			end := strings.Index(s[2:], "**")
			if end < 0 {
				b.WriteString(s)
				return
			}
			style(b, s[2:2+end], ansiBold, color)
			s = s[4+end:]
		case s[0] == '`':
			end := strings.IndexByte(s[1:], '`')
			if end < 0 {
				b.WriteString(s)
				return
			}
			style(b, s[1:1+end], ansiCode, color)
			s = s[2+end:]
		case s[0] == '[':
			text, rest, ok := link(s)
			if !ok {
				b.WriteByte('[')
				s = s[1:]
				continue
			}
			renderInline(b, text, color)
			s = rest
		default:
			i := strings.IndexAny(s[1:], "*`[")
			if i < 0 {
				b.WriteString(s)
				return
			}
			b.WriteString(s[:1+i])
			s = s[1+i:]
		}
	}
}

// link reads a Markdown link [text](url) at the start of s and returns "text (url)" and
// what follows it.
func link(s string) (text, rest string, ok bool) {
	close := strings.Index(s, "](")
	if close < 0 {
		return "", s, false
	}
	end := strings.IndexByte(s[close:], ')')
	if end < 0 || strings.ContainsAny(s[1:close], "[]") {
		return "", s, false
	}
	url := s[close+2 : close+end]
	return s[1:close] + " (" + url + ")", s[close+end+1:], true
}

// style writes text, wrapped in an ANSI style when color is set.
func style(b *strings.Builder, text, ansi string, color bool) {
	if color {
		b.WriteString(ansi + text + ansiReset)
		return
	}
	b.WriteString(text)
}
