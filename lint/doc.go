// Package lint is the engine of ambientlint: it loads Kubernetes manifests from files,
// directories and stdin, keeps the position of every YAML node, decodes known kinds into
// their typed Go objects, runs a catalogue of rules over one shared inventory, and applies
// suppressions, so that every finding points at the exact line and column of the problem.
//
// # Loading
//
// Run reads .yaml, .yml and .json files (any file named explicitly, and stdin as "-"),
// walking directories recursively in lexical order. It skips hidden directories (.git, …)
// unless named explicitly, Helm chart directories (a Chart.yaml beside templates/, since
// templates are not YAML), files matching Config.Exclude, and non-regular files met while
// walking. A directory reached twice through symbolic links is read once. Every YAML
// document with a string apiVersion and kind is an Object; the items of a List (kind List,
// or any *List kind with items) are Objects of their own; other documents (Helm values, CI
// workflows, kustomization.yaml without apiVersion) are ignored quietly.
//
// Bad input never stops a run: a file that does not parse, a binary file, an alias bomb, a
// file over Config.MaxFileSize, an unreadable file met while walking, and an object of a
// known kind that does not decode each become an AMB001 (invalid-yaml) finding, reported
// through the load findings of the Inventory. A path named on the command line that cannot
// be read is an error.
//
// Values that a later tool fills in (Flux post-build variables such as ${DOMAIN}, Helm-style
// {{ … }} placeholders, SOPS ciphertext) are opaque: see IsOpaque. An object whose typed
// decoding fails only because of such a value keeps its Node and has a nil Typed, without a
// finding.
//
// # Suppression
//
// A YAML comment "# ambientlint:ignore AMB301,AMB303 -- reason" suppresses those rules'
// findings on the line it ends or, standing on a line of its own, on the line below it; the
// annotation `ambientlint.io/ignore: "AMB301 -- reason"` suppresses those rules' findings
// about the annotated object. Rules may be named by ID or name. A directive without a reason
// suppresses nothing; it, a directive naming an unknown rule, and a directive that
// suppressed no finding are reported by AMB004 (unused-ignore), a rule marked Late.
package lint
