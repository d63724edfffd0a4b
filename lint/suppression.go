package lint

import "github.com/ambientkit/ambientkit/manifest"

// IgnoreAnnotation is the annotation that suppresses rules' findings about the object that
// carries it: `ambientlint.io/ignore: "AMB301,AMB303 -- reason"`.
const IgnoreAnnotation = "ambientlint.io/ignore"

// Directive is one suppression written in the input: an ambientlint:ignore comment or an
// ambientlint.io/ignore annotation.
type Directive struct {
	// Pos is where the directive is written: the comment's '#', or the annotation's value.
	Pos manifest.Position
	// Object is the annotated object; nil for a comment.
	Object *manifest.Object
	// Rules lists the rules the directive names, as written (IDs or names).
	Rules []string
	// Reason is the text after "--", trimmed; "" when the directive gives none.
	Reason string
	// Above is true for a comment on a line of its own: it covers the line below it. A
	// comment after other text covers its own line.
	Above bool
}

// Suppression is how one directive was used by a run. Late rules read them through
// Pass.Suppressions.
type Suppression struct {
	Directive
	// Unknown lists the entries of Rules that name no rule of the catalogue.
	Unknown []string
	// Unused lists the IDs of the named rules that ran but had no finding the directive
	// suppressed. It is empty when Reason is: a directive without a reason suppresses nothing.
	Unused []string
	// Suppressed counts the findings the directive suppressed.
	Suppressed int
}
