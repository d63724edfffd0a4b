package config

import (
	"fmt"
	"strings"

	"github.com/ambientkit/ambientkit/internal/textdist"
	"github.com/ambientkit/ambientkit/lint"
)

// Config is the linter's configuration: the merged result of .ambientlint.yaml and the
// command-line flags.
type Config struct {
	// Path is the configuration file read, "" when none.
	Path string
	// Severity overrides a rule's default severity, by rule ID; Off disables it. A rule
	// without an entry keeps its default.
	Severity map[string]lint.Severity
	// Exclude holds path globs (with **) of files not to lint, relative to the repository root.
	// See MatchGlob for their syntax.
	Exclude []string
	// MaxFileSize is the size in bytes above which a file is reported, not read (default
	// 16 MiB, at most MaxSize).
	MaxFileSize int64
	Egress      Egress
	ArgoCD      ArgoCD
	// Restarts says when AMB201 asks for a pod-template change: RestartsChanged (the default)
	// only for workloads whose namespace moves from sidecars to ambient in the change under
	// review, RestartsAlways for every workload of a newly enrolled namespace.
	Restarts string
	// LintUnreached lints the files that no unit of a tree with GitOps roots applies (key
	// unreached: lint) as if applied by hand; by default (unreached: skip) they are left
	// out and only counted.
	LintUnreached bool
}

// Values of the unreached key.
const (
	UnreachedSkip = "skip"
	UnreachedLint = "lint"
)

// Egress is the egress section of the configuration.
type Egress struct {
	// AllowWildcards lists wildcard ServiceEntry hosts that AMB301 accepts.
	AllowWildcards []string
}

// ArgoCD is the argocd section of the configuration.
type ArgoCD struct {
	// RepoURLs lists the Git repository addresses that mean "this repository" in an Argo CD
	// Application's source, so that its path is resolved inside the tree being linted.
	// Without it, the addresses of the root Applications (those nothing else applies) whose
	// paths are directories of the tree are (see gitops.Options.RepoURLs).
	RepoURLs []string
}

// DefaultMaxFileSize is the default Config.MaxFileSize.
const DefaultMaxFileSize = 16 << 20

// MaxSize is the largest size ParseSize accepts, 4 GiB: the most --max-file-size and
// maxFileSize may be. A manifest is far smaller, and parsing a file of that size would take
// more memory than a CI runner has.
const MaxSize = 4 << 30

// Default returns the configuration used when no file is found: every rule at its
// default severity, nothing excluded, the default size limit.
func Default() *Config {
	return &Config{
		Severity:    map[string]lint.Severity{},
		MaxFileSize: DefaultMaxFileSize,
		Restarts:    lint.RestartsChanged,
	}
}

// Settings returns the values of c that rules read.
func (c *Config) Settings() lint.Settings {
	return lint.Settings{AllowWildcards: c.Egress.AllowWildcards, Restarts: c.Restarts}
}

// SeverityOf returns r's effective severity under c: the override for its ID, else its
// default. A nil c means the defaults.
func (c *Config) SeverityOf(r *lint.Rule) lint.Severity {
	if c != nil {
		if s, ok := c.Severity[r.ID]; ok {
			return s
		}
	}
	return r.Severity
}

// Excluded reports whether the file at rel (a slash-separated path relative to the
// repository root) matches one of c's exclude globs.
func (c *Config) Excluded(rel string) bool {
	if c == nil {
		return false
	}
	for _, g := range c.Exclude {
		if MatchGlob(g, rel) {
			return true
		}
	}
	return false
}

// SetSeverity overrides the severity of the rule that ref names (its ID, in any case, or its
// name) among known.
func (c *Config) SetSeverity(known []*lint.Rule, ref string, s lint.Severity) error {
	r, err := LookupRule(known, ref)
	if err != nil {
		return err
	}
	if c.Severity == nil {
		c.Severity = map[string]lint.Severity{}
	}
	c.Severity[r.ID] = s
	return nil
}

// Enable turns the rule that ref names back on: a rule switched off by the configuration gets
// its default severity again, and a rule that is off by default becomes a warning.
func (c *Config) Enable(known []*lint.Rule, ref string) error {
	r, err := LookupRule(known, ref)
	if err != nil {
		return err
	}
	if c.SeverityOf(r) != lint.Off {
		return nil
	}
	if r.Severity != lint.Off {
		delete(c.Severity, r.ID)
		return nil
	}
	return c.SetSeverity(known, r.ID, lint.Warning)
}

// LookupRule returns the rule of known that ref names: its ID (in any case) or its name.
func LookupRule(known []*lint.Rule, ref string) (*lint.Rule, error) {
	ref = strings.TrimSpace(ref)
	for _, r := range known {
		if strings.EqualFold(r.ID, ref) || r.Name == ref {
			return r, nil
		}
	}
	msg := fmt.Sprintf("unknown rule %q", ref)
	if s := suggestRule(known, ref); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	} else {
		msg += ` (run "ambientlint rules" for the list)`
	}
	return nil, fmt.Errorf("%s", msg)
}

// isIDShaped reports whether ref is letters then digits, as rule IDs are (AMB301).
func isIDShaped(ref string) bool {
	i := strings.IndexFunc(ref, func(r rune) bool { return r >= '0' && r <= '9' })
	if i <= 0 {
		return false
	}
	for _, r := range ref[:i] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	for _, r := range ref[i:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// suggestRule returns the name of the rule closest to ref, when it is close enough to be a
// typo.
func suggestRule(known []*lint.Rule, ref string) string {
	// An ID differs from another by a digit and means another rule: AMB999 is no typo of
	// AMB109. Names, and IDs misspelt in their letters, are suggested.
	if isIDShaped(ref) {
		return ""
	}
	best, bestD := "", 3
	for _, r := range known {
		for _, cand := range []string{r.ID, r.Name} {
			if d := textdist.Distance(strings.ToLower(ref), strings.ToLower(cand)); d < bestD {
				best, bestD = cand, d
			}
		}
	}
	return best
}
