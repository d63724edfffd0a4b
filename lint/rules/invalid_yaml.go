package rules

import "github.com/ambientkit/ambientkit/lint"

// InvalidYAML is AMB001: an input file, or an object in it, that does not parse or decode.
// The loader finds these problems; the rule reports them, so that they are configured and
// suppressed like any other finding.
var InvalidYAML = &lint.Rule{
	ID:       lint.InvalidYAMLID,
	Name:     lint.InvalidYAMLName,
	Severity: lint.Error,
	Summary:  "a file does not parse, or an object of a known kind does not decode",
	Doc: `**What.** A ` + "`.yaml`" + `, ` + "`.yml`" + ` or ` + "`.json`" + ` file (or stdin) is not valid
YAML or JSON; or an object of a kind ambientlint knows (core, apps, batch, networking,
Gateway API, Istio) has a field of the wrong type, such as labels written as a list,
` + "`spec: 42`" + `, or an unquoted ` + "`true`" + ` as an annotation value. Istio fields are read as
the API server reads them against Istio's CRDs, which is stricter than Istio's own JSON
decoding: a number written as a string (` + "`number: \"443\"`" + `) or an enum written as a number
(` + "`action: 1`" + `) does not decode, and a field under its protobuf name (` + "`export_to`" + `) is an
unknown field, which the API server drops. Binary files, alias
bombs, files over ` + "`max-file-size`" + ` (16 MiB by default) and files that cannot be read are
reported here too. The finding points at the line and column the parser names, or at the
field that does not decode. Every other file is still linted.

Values that a later tool fills in are not errors: an object whose field holds a Flux
post-build variable (` + "`${PORT}`" + `), a Helm-style ` + "`{{ … }}`" + ` action or SOPS
ciphertext is kept without its typed form. Files that are templates (they fail to parse
and hold ` + "`{{ … }}`" + `) and documents without ` + "`apiVersion`" + ` and ` + "`kind`" + ` (Helm
values, CI workflows, ` + "`kustomization.yaml`" + `) are skipped quietly.

**Why it breaks a cluster.** Argo CD and Flux refuse the whole sync or Kustomization when
one document does not parse or decode: nothing in it is applied, including the unrelated
objects next to the broken one, and the error surfaces only in the GitOps controller, after
the merge. An object ambientlint cannot read is also an object no other rule can check.

A symbolic link met while walking that leads out of the tree (the repository root, or the
directory named as a PATH) is not followed, and is reported once, as info: a link to / would
otherwise make a run read the whole machine. Name its target as a PATH to lint it.

**Fix.** Correct the syntax at the position given (indentation, an unclosed quote or
bracket, a tab used for indentation). Quote label and annotation values that YAML reads as
numbers or booleans (` + "`\"true\"`" + `, ` + "`\"8080\"`" + `), and give each field the type its
API defines. Move binary or very large files out of the linted paths, or exclude them in
` + "`.ambientlint.yaml`" + `.`,
	Run: func(p *lint.Pass) error {
		for _, f := range p.LoadFindings() {
			p.Report(f)
		}
		return nil
	},
}
