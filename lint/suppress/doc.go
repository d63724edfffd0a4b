// Package suppress reads ambientlint's suppression directives and applies them to findings.
// A YAML comment "# ambientlint:ignore AMB301,AMB303 -- reason" suppresses those rules'
// findings on the line it ends or, standing on a line of its own, on the line below it; the
// annotation `ambientlint.io/ignore: "AMB301 -- reason"` suppresses those rules' findings
// about the annotated object. Rules may be named by ID or name. A directive without a reason
// suppresses nothing; it, a directive naming an unknown rule, and a directive that
// suppressed no finding are reported by AMB004 (unused-ignore) from the Suppressions the
// Suppressor records.
package suppress
