package lint

import (
	"cmp"
	"fmt"
	"github.com/ambientkit/ambientkit/manifest"
	"slices"
	"strings"
)

// Severity is how much a finding matters. The zero value is Off.
type Severity int

// Severities, from least to most severe.
const (
	Off Severity = iota
	Info
	Warning
	Error
)

// String returns the severity's name as users write it: off, info, warning, error.
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "off"
}

// ParseSeverity parses off, info, warning or error (case-insensitive; "warn" and "none" are
// accepted for warning and off).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "off", "none":
		return Off, nil
	case "info":
		return Info, nil
	case "warning", "warn":
		return Warning, nil
	case "error":
		return Error, nil
	}
	return Off, fmt.Errorf("unknown severity %q (want error, warning, info or off)", s)
}

// TextEdit replaces the bytes of File from Start to End (both 1-based line:column positions;
// End exclusive) with NewText. An empty range inserts.
type TextEdit struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	NewText   string `json:"newText"`
}

// Fix is a suggested change that resolves a finding.
type Fix struct {
	Message string     `json:"message"`
	Edits   []TextEdit `json:"edits"`
}

// Related is another place a finding is about, such as the other end of an ordering problem.
type Related struct {
	manifest.Position
	Message string `json:"message"`
}

// Finding is one problem a rule reported.
type Finding struct {
	Rule     string             // stable ID, e.g. AMB301
	Name     string             // stable name, e.g. wildcard-egress
	Severity Severity           // effective severity after configuration
	Message  string             // one sentence, no trailing period needed
	Pos      manifest.Position  // where the problem is
	Object   manifest.ObjectRef // the object it is about, when there is one
	Related  []Related
	Fixes    []Fix
}

// SortFindings sorts findings by file, line, column, rule ID and message, which makes every
// output deterministic; findings about live objects (which have no file) by kind, namespace,
// name, API version and field.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		ao, bo := a.Pos.Object, b.Pos.Object
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column),
			cmp.Compare(ao.Kind, bo.Kind),
			cmp.Compare(ao.Namespace, bo.Namespace),
			cmp.Compare(ao.Name, bo.Name),
			cmp.Compare(ao.APIVersion, bo.APIVersion),
			cmp.Compare(a.Pos.Field, b.Pos.Field),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// InvalidYAMLID and InvalidYAMLName identify the findings that report the loader's problems (rule AMB001).
const (
	InvalidYAMLID   = "AMB001"
	InvalidYAMLName = "invalid-yaml"
)
