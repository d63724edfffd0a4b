// Package policy runs Rego policies in-process as lint rules: ambientlint's own bundle
// (package rego), whose rules are twins of Go rules, and a team's conftest-style policies
// (--policy DIR).
//
// Policies are compiled once per run with the bundle's locked-down capabilities (no
// http.send, no net.lookup_ip_addr, no opa.runtime, no network): a policy that calls a
// refused built-in fails to compile with an error naming it. They are evaluated on the
// objects the loader and the GitOps model already produced, converted once to Rego values
// as Kubernetes reads YAML (package manifest/load); nothing is parsed again. The bundle's
// twins see each object as the model applies it (the effective namespace, the labels a build
// adds, the name a build gives a Namespace), like the Go rules; a team's policies see it as
// written, as conftest gives it to them.
//
// The rules a Set evaluates are those conftest evaluates: in each selected package, every
// rule named deny, violation or warn (or deny_…, violation_…, warn_…). A result is a string
// (the message) or an object with msg and, optionally, path: the offending field as a list of
// keys and array indices below the object, which the finding points at. Conftest's
// exceptions (exception[_][_] naming a rule without its prefix) turn that rule's results
// off for the input. As conftest does, a Set evaluates each object on its own (input is the
// object), or with Combine all of them at once (input is an array of {"path", "contents"}
// entries, one an object); a combined result says which entry it is about with doc (the
// entry's index), or it is about the run as a whole.
//
// All evaluation of one run happens once, the first time one of the Set's rules runs (a
// lint.Fact), whichever rule asks first.
package policy
