// Package engine runs ambientlint over a tree: Run loads the paths (package manifest/load),
// builds the GitOps model (package gitops) over the working tree as an fs.FS, indexes the
// objects the model renders, runs the enabled rules of the catalogue in parallel over them
// (a rule runs only when the tree holds a kind it reads, and only the kinds enabled rules
// read are decoded into Go types), applies the ambientlint:ignore directives (package
// lint/suppress) and the configured severities, then runs the Late rules (AMB004).
//
// With Options.Base, a run lints a change: the git revision is read through package
// manifest/gitrev as a file system, the files that did not change since it share the working
// tree's parse, the rules see the base tree as Pass.Base, and only the findings whose file or
// a related location changed are kept (unless Options.All). Nothing is written to disk.
//
// Bad input never stops a run: what cannot be read becomes an AMB001 finding. An error is an
// unreadable PATH argument, a base that cannot be resolved, or an internal failure (a rule
// that panics is reported as an error naming it).
package engine
