package rules

import (
	"strconv"
	"strings"

	"github.com/ambientkit/ambientkit/lint"
)

// UnusedIgnore is AMB004: a suppression directive that gives no reason, names an unknown
// rule, or suppressed no finding. It runs after suppression (Late).
var UnusedIgnore = &lint.Rule{
	ID:       "AMB004",
	Name:     "unused-ignore",
	Severity: lint.Warning,
	Summary:  "an ambientlint:ignore comment or ambientlint.io/ignore annotation that suppressed nothing or gave no reason",
	Doc: `**What.** A suppression that does no work: a ` + "`# ambientlint:ignore AMB301 -- reason`" + `
comment, or an ` + "`ambientlint.io/ignore: \"AMB301 -- reason\"`" + ` annotation, that

- gives no reason after ` + "`--`" + ` (such a directive suppresses nothing),
- names a rule that does not exist, or
- names a rule that ran but had no finding there to suppress.

A comment after a value covers the findings on its line; a comment on a line of its own
covers the line below it. An annotation covers the named rules' findings about the
annotated object. A rule switched off by the
configuration is not counted as unused.

**Why it breaks a cluster.** A suppression outlives the problem it hid. When the manifest
changes, a stale directive silently hides the next, real finding on that line or object:
a wildcard host added later, a waypoint renamed. A directive with a typo in the rule ID
never worked at all, and one without a reason leaves the next reader unable to judge
whether it still applies.

**Fix.** Delete the directive when the finding it was for is gone. Correct the rule ID or
name (` + "`ambientlint rules`" + ` lists them). Add the reason after ` + "`--`" + `:
` + "`# ambientlint:ignore AMB301 -- the vendor publishes no fixed host list`" + `.`,
	Late: true,
	Run:  runUnusedIgnore,
}

func runUnusedIgnore(p *lint.Pass) error {
	for _, s := range p.Suppressions() {
		kind := "ambientlint:ignore comment"
		if s.Object != nil {
			kind = lint.IgnoreAnnotation + " annotation"
		}
		f := lint.Finding{Pos: s.Pos}
		if s.Object != nil {
			f.Object = s.Object.Ref
		}
		report := func(msg string) {
			f.Message = msg
			p.Report(f)
		}
		switch {
		case len(s.Rules) == 0:
			report(kind + " names no rule: write the rule IDs, then -- and the reason")
			continue
		case s.Reason == "":
			report(kind + " needs a reason: a reason is required after the rule IDs, as in \"" +
				strings.Join(s.Rules, ",") + " -- why this is fine\"; without one it suppresses nothing")
		}
		for _, name := range s.Unknown {
			report(kind + " names unknown rule " + strconv.Quote(name))
		}
		for _, id := range s.Unused {
			report(kind + " for " + id + " suppressed no finding: remove it")
		}
	}
	return nil
}
