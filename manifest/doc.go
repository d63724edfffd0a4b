// Package manifest holds Kubernetes objects as read from YAML and JSON: each Object keeps its
// file, the position of every node, its reference, labels and annotations, and its typed Go
// value for known kinds, so that anything said about it can point at a line and column. An
// Inventory indexes the objects of one run by kind, name and namespace.
//
// The package does no I/O: package manifest/load reads and parses files into Objects, and
// package gitops renders what each GitOps unit applies as new Objects that point back at
// their sources (Object.Source).
package manifest
