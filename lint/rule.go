package lint

import "strings"

// Rule is one check of the catalogue, in the manner of a go/analysis Analyzer: metadata from
// which the documentation is generated, and a Run that reports findings through a Pass.
type Rule struct {
	ID       string   // stable ID, e.g. AMB301; never reused
	Name     string   // stable kebab-case name, e.g. wildcard-egress
	Severity Severity // default severity
	Summary  string   // one line: what the rule catches
	// Doc is Markdown in three parts: what the rule catches, why it breaks a cluster, and the
	// fix.
	Doc string
	// Kinds lists the kinds the rule reads, as "group/Kind" ("/Namespace" for the core
	// group). The engine runs the rule only when the tree has an object of one of them, and
	// decodes into Go types (Object.Typed) only the kinds that enabled rules list. Empty
	// means the rule runs on every tree and reads no Typed value: it reads every object's
	// labels and annotations (AMB002, AMB108), the model, or no objects at all (AMB001, AMB004).
	Kinds []string
	// Trees marks a rule that reads the node tree of every object (a Rego rule, whose input
	// is every object as written): the load then keeps every tree in memory instead of
	// releasing those of decoded objects and parsing their files again when asked.
	Trees bool
	// Run reports the rule's findings. It must not modify the inventory. A returned error
	// is an internal failure (exit 2), never a finding.
	Run func(*Pass) error
	// Late marks a rule that runs after the other rules, once their findings have been
	// suppressed: it reads Pass.Suppressions (AMB004 unused-ignore). Its own findings cannot
	// be suppressed.
	Late bool
}

// HelpURI returns the rule's documentation address.
func (r *Rule) HelpURI() string {
	return DocsBaseURL + "#" + strings.ToLower(r.ID)
}

// DocsBaseURL is where docs/rules.md is published; each rule has an anchor named after its ID.
const DocsBaseURL = "https://github.com/ambientkit/ambientkit/blob/main/docs/rules.md"
