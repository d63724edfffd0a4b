// Package lint is the rule API of ambientlint: a Rule (metadata from which the documentation
// is generated, and a Run), the Pass a rule receives (the objects as the cluster gets them,
// the GitOps model, the base revision of a change, the settings, and Report), typed Facts
// that several rules share, and the Findings they report, with positions, related locations
// and suggested fixes.
//
// The packages below it do the rest: lint/engine loads a tree (package manifest/load),
// models it (package gitops), runs the enabled rules and applies suppressions (lint/suppress)
// and the configuration (lint/config); lint/rules is the catalogue; lint/fix applies
// suggested fixes; lint/output writes findings as text, JSON, SARIF or GitHub annotations;
// lint/linttest checks rules against testdata whose lines carry `# want "regexp"`
// comments; lint/vet reports the same rules on Go code.
package lint
