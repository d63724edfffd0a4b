package output

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"strings"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// SARIF 2.1.0 (OASIS), the subset this linter writes. Field names follow the specification.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	toolName     = "ambientlint"
	toolURI      = "https://github.com/ambientkit/ambientkit"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	// ColumnKind says how columns count: in Unicode code points, as findings do.
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	ShortDescription     sarifMessage      `json:"shortDescription"`
	FullDescription      sarifMessage      `json:"fullDescription"`
	Help                 sarifMessage      `json:"help"`
	HelpURI              string            `json:"helpUri"`
	DefaultConfiguration sarifRuleDefaults `json:"defaultConfiguration"`
}

type sarifRuleDefaults struct {
	Enabled bool   `json:"enabled"`
	Level   string `json:"level"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool `json:"executionSuccessful"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId"`
	RuleIndex        *int            `json:"ruleIndex,omitempty"`
	Level            string          `json:"level"`
	Message          sarifMessage    `json:"message"`
	Locations        []sarifLocation `json:"locations,omitempty"`
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
	Fixes            []sarifFix      `json:"fixes,omitempty"`
}

type sarifLocation struct {
	ID               *int                   `json:"id,omitempty"`
	PhysicalLocation *sarifPhysical         `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
	Message          *sarifMessage          `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifLogicalLocation struct {
	Name               string `json:"name,omitempty"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifFix struct {
	Description     sarifMessage          `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Replacements     []sarifReplacement    `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion   `json:"deletedRegion"`
	InsertedContent *sarifContent `json:"insertedContent,omitempty"`
}

type sarifContent struct {
	Text string `json:"text"`
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	case lint.Info:
		return "note"
	}
	return "none"
}

func writeSARIF(w io.Writer, res *lint.Result, catalogue []*lint.Rule, opts Options) error {
	index := map[string]int{}
	rules := make([]sarifRule, 0, len(catalogue))
	for i, r := range catalogue {
		index[r.ID] = i
		level := sarifLevel(r.Severity)
		if r.Severity == lint.Off {
			level = "warning" // the level it would have if enabled
		}
		rules = append(rules, sarifRule{
			ID:               r.ID,
			Name:             r.Name,
			ShortDescription: sarifMessage{Text: r.Summary},
			FullDescription:  sarifMessage{Text: PlainText(firstParagraph(r.Doc)), Markdown: firstParagraph(r.Doc)},
			Help:             sarifMessage{Text: PlainText(r.Doc), Markdown: r.Doc},
			HelpURI:          r.HelpURI(),
			DefaultConfiguration: sarifRuleDefaults{
				Enabled: r.Severity != lint.Off,
				Level:   level,
			},
		})
	}

	results := make([]sarifResult, 0, len(res.Findings))
	for _, f := range res.Findings {
		sr := sarifResult{
			RuleID:  f.Rule,
			Level:   sarifLevel(f.Severity),
			Message: sarifMessage{Text: f.Message},
		}
		if i, ok := index[f.Rule]; ok {
			sr.RuleIndex = &i
		}
		loc := sarifLocation{PhysicalLocation: physical(f.Pos, opts)}
		switch {
		case f.Pos.IsLive():
			loc.LogicalLocations = logical(f.Pos)
		case f.Object != (manifest.ObjectRef{}):
			loc.LogicalLocations = logical(manifest.Position{Object: f.Object})
		}
		if loc.PhysicalLocation != nil || loc.LogicalLocations != nil {
			sr.Locations = []sarifLocation{loc}
		}
		for i, r := range f.Related {
			id := i + 1
			rl := sarifLocation{
				ID:               &id,
				PhysicalLocation: physical(r.Position, opts),
				Message:          &sarifMessage{Text: r.Message},
			}
			if r.IsLive() {
				rl.LogicalLocations = logical(r.Position)
			}
			sr.RelatedLocations = append(sr.RelatedLocations, rl)
		}
		for _, fx := range f.Fixes {
			if sf, ok := sarifFixOf(fx, opts); ok {
				sr.Fixes = append(sr.Fixes, sf)
			}
		}
		results = append(results, sr)
	}

	log := sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name: toolName, Version: opts.ToolVersion, InformationURI: toolURI, Rules: rules,
			}},
			Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
			ColumnKind:  "unicodeCodePoints",
			Results:     results,
		}},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(log); err != nil {
		return err
	}
	_, err := w.Write(escapeJSON(buf.Bytes()))
	return err
}

// physical returns the SARIF physical location of p, nil when p names no file.
func physical(p manifest.Position, opts Options) *sarifPhysical {
	if p.File == "" {
		return nil
	}
	loc := &sarifPhysical{ArtifactLocation: sarifArtifactLocation{URI: artifactURI(p.File, opts)}}
	if p.Line > 0 {
		loc.Region = region(p.Line, p.Column, p.EndLine, p.EndColumn)
	}
	return loc
}

// logical returns the SARIF logical locations of an object (p.Object): the object as a
// resource, and for a position in a live object its field as a property of it. A live
// object has no physical location.
func logical(p manifest.Position) []sarifLogicalLocation {
	fqn := objectFQN(p.Object)
	out := []sarifLogicalLocation{{Name: p.Object.Name, FullyQualifiedName: fqn, Kind: "resource"}}
	if p.Field != "" {
		out = append(out, sarifLogicalLocation{Name: p.Field, FullyQualifiedName: fqn + "/" + p.Field, Kind: "property"})
	}
	return out
}

// sarifFixOf converts a fix; SARIF groups edits by file.
func sarifFixOf(fx lint.Fix, opts Options) (sarifFix, bool) {
	sf := sarifFix{Description: sarifMessage{Text: fx.Message}}
	byFile := map[string]int{}
	for _, e := range fx.Edits {
		if e.File == "" || e.Line <= 0 {
			continue
		}
		i, ok := byFile[e.File]
		if !ok {
			i = len(sf.ArtifactChanges)
			byFile[e.File] = i
			sf.ArtifactChanges = append(sf.ArtifactChanges, sarifArtifactChange{
				ArtifactLocation: sarifArtifactLocation{URI: artifactURI(e.File, opts)},
			})
		}
		region := region(e.Line, e.Column, e.EndLine, e.EndColumn)
		if e.EndLine == 0 { // an insertion: an empty region at the start
			region.EndLine, region.EndColumn = region.StartLine, region.StartColumn
		}
		sf.ArtifactChanges[i].Replacements = append(sf.ArtifactChanges[i].Replacements, sarifReplacement{
			DeletedRegion:   *region,
			InsertedContent: &sarifContent{Text: e.NewText},
		})
	}
	return sf, len(sf.ArtifactChanges) > 0
}

// artifactURI returns the relative, forward-slash, percent-encoded URI of file.
func artifactURI(file string, opts Options) string {
	u := url.URL{Path: repoPath(file, opts)}
	return u.String()
}

// objectFQN names an object as apiVersion/Kind/namespace/name (namespace left out when
// empty).
func objectFQN(r manifest.ObjectRef) string {
	parts := []string{}
	for _, s := range []string{r.APIVersion, r.Kind, r.Namespace, r.Name} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "/")
}

// firstParagraph returns the first paragraph of a Markdown doc, joined onto one line.
func firstParagraph(doc string) string {
	doc = strings.TrimSpace(doc)
	if i := strings.Index(doc, "\n\n"); i >= 0 {
		doc = doc[:i]
	}
	return strings.Join(strings.Fields(doc), " ")
}

// region returns the SARIF region of a range: positions count lines as SARIF does and columns
// in Unicode code points (see manifest.Offset), SARIF's "unicodeCodePoints".
func region(line, col, endLine, endCol int) *sarifRegion {
	r := &sarifRegion{StartLine: line, StartColumn: col}
	if endLine >= line && endLine > 0 {
		r.EndLine, r.EndColumn = endLine, endCol
	}
	return r
}
