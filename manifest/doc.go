// Package manifest holds Kubernetes objects as read from YAML and JSON: each Object keeps its
// file, its node tree (the position of every node), its reference, labels and annotations,
// and its typed Go value for known kinds, so that anything said about it can point at a line
// and column. An Inventory indexes the objects of one run by kind, name and namespace.
//
// The load releases the node tree of an object decoded into its Go type, keeping its labels
// and annotations and its pod template's as strings (File.ReleaseTrees, Object.MapEntries):
// Object.Root, Lookup and Pos parse its file again, once, when asked for a node, which a run
// does only to place a finding. Object.Released says whether that has happened yet.
//
// An Object's origin is a file (Object.File), a file at a git revision (File.Revision), the
// object a GitOps build rendered it from (Object.Source), or an object of a live cluster
// (Object.Live): what is said about a live object is placed at the object and a field path
// (Position.Object, Position.Field) instead of a line and column.
//
// The package does no I/O: package manifest/load reads and parses files into Objects,
// package manifest/cluster reads a live cluster's objects into them, and package gitops
// renders what each GitOps unit applies as new Objects that point back at their sources
// (Object.Source).
package manifest
