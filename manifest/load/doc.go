// Package load reads Kubernetes manifests into manifest.Objects: it walks files and
// directories (Load) or a file system such as a git revision (WalkFS), parses YAML and JSON
// keeping the position of every node, and decodes known kinds into their typed Go objects.
// Load then releases the node trees of the decoded objects (Options.KeepTrees keeps them):
// see manifest.File.ReleaseTrees.
//
// Load reads .yaml, .yml and .json files (any file named explicitly, and stdin as "-"),
// walking directories recursively in lexical order. It skips hidden directories (.git, …)
// unless named explicitly, Helm chart directories (a Chart.yaml beside templates/, since
// templates are not YAML), excluded files, and non-regular files met while walking. A
// directory reached twice through symbolic links is read once. Every YAML document with a
// string apiVersion and kind is an Object; the items of a List (kind List, or any *List kind
// with items) are Objects of their own; other documents (Helm values, CI workflows,
// kustomization.yaml without apiVersion) are ignored quietly.
//
// A key repeated in a mapping of an object is a Problem, and only its last occurrence is
// kept in the object's nodes: kubectl and Argo CD apply the last value, and kustomize
// rejects the file, so no tool applies the first (see duplicates.go).
//
// Bad input never stops a load: a file that does not parse, a binary file, an alias bomb, a
// file over the size limit, an unreadable file met while walking, and an object of a known
// kind that does not decode each become a Problem. A path named explicitly that cannot be
// read is an error.
//
// Known kinds decode into their Go types as the API server reads them: a key must match a
// field's JSON name exactly, so a key in another case (Spec:) or an Istio field written with
// its protobuf name (export_to for exportTo) is an unknown field, dropped as the API server
// drops it, not the field it resembles.
//
// Values that a later tool fills in (Flux post-build variables such as ${DOMAIN}, Helm-style
// {{ … }} placeholders, SOPS ciphertext) are opaque (manifest.IsOpaque). An object whose
// typed decoding fails only because of such a value keeps its node and has a nil Typed,
// without a Problem.
package load
