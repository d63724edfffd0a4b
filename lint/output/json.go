package output

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// JSONVersion is the version of the JSON format. It changes only when a field changes
// meaning or goes away; new fields may appear without a new version.
const JSONVersion = 1

// jsonReport is the top level of the JSON format; README.md documents it.
type jsonReport struct {
	Version  int           `json:"version"`
	Findings []jsonFinding `json:"findings"`
	Summary  jsonSummary   `json:"summary"`
}

type jsonFinding struct {
	Rule      string              `json:"rule"`
	Name      string              `json:"name"`
	Severity  string              `json:"severity"`
	Message   string              `json:"message"`
	File      string              `json:"file"`
	Line      int                 `json:"line"`
	Column    int                 `json:"column"`
	EndLine   int                 `json:"endLine"`
	EndColumn int                 `json:"endColumn"`
	Object    *manifest.ObjectRef `json:"object,omitempty"`
	Field     string              `json:"field,omitempty"`
	Related   []jsonRelated       `json:"related"`
	Fixes     []jsonFix           `json:"fixes"`
}

type jsonRelated struct {
	File      string              `json:"file"`
	Line      int                 `json:"line"`
	Column    int                 `json:"column"`
	EndLine   int                 `json:"endLine"`
	EndColumn int                 `json:"endColumn"`
	Object    *manifest.ObjectRef `json:"object,omitempty"`
	Field     string              `json:"field,omitempty"`
	Message   string              `json:"message"`
}

type jsonFix struct {
	Message string          `json:"message"`
	Edits   []lint.TextEdit `json:"edits"`
}

type jsonSummary struct {
	Files   int `json:"files"`
	Objects int `json:"objects"`
	// Unreached counts the objects that no Application or Flux Kustomization of the tree
	// applies; they are linted only with --unreached.
	Unreached int `json:"unreached"`
	Errors    int `json:"errors"`
	Warnings  int `json:"warnings"`
	Infos     int `json:"infos"`
}

func writeJSON(w io.Writer, res *lint.Result) error {
	c := Count(res)
	rep := jsonReport{
		Version:  JSONVersion,
		Findings: make([]jsonFinding, 0, len(res.Findings)),
		Summary: jsonSummary{Files: res.Files, Objects: res.Objects, Unreached: res.Unreached,
			Errors: c.Errors, Warnings: c.Warnings, Infos: c.Infos},
	}
	for _, f := range res.Findings {
		jf := jsonFinding{
			Rule: f.Rule, Name: f.Name, Severity: f.Severity.String(), Message: f.Message,
			File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Column,
			EndLine: f.Pos.EndLine, EndColumn: f.Pos.EndColumn,
			Related: make([]jsonRelated, 0, len(f.Related)),
			Fixes:   make([]jsonFix, 0, len(f.Fixes)),
		}
		if f.Object != (manifest.ObjectRef{}) {
			obj := f.Object
			jf.Object = &obj
		}
		if f.Pos.IsLive() {
			// A finding about a live object is placed at the object and its field.
			obj := f.Pos.Object
			jf.Object, jf.Field = &obj, f.Pos.Field
		}
		for _, r := range f.Related {
			jr := jsonRelated{File: r.File, Line: r.Line, Column: r.Column,
				EndLine: r.EndLine, EndColumn: r.EndColumn, Message: r.Message}
			if r.IsLive() {
				obj := r.Object
				jr.Object, jr.Field = &obj, r.Field
			}
			jf.Related = append(jf.Related, jr)
		}
		for _, fx := range f.Fixes {
			edits := fx.Edits
			if edits == nil {
				edits = []lint.TextEdit{}
			}
			jf.Fixes = append(jf.Fixes, jsonFix{Message: fx.Message, Edits: edits})
		}
		rep.Findings = append(rep.Findings, jf)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		return err
	}
	_, err := w.Write(escapeJSON(buf.Bytes()))
	return err
}
