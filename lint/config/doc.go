// Package config reads ambientlint's configuration file, .ambientlint.yaml: severities per
// rule, exclude globs, the file size limit, and the values rules read (wildcard egress hosts
// allowed, Argo CD repository addresses, when AMB201 asks for restarts). Find looks for the
// file from a directory up to the repository root; Load and Parse read it, and report a bad
// key or value as an Error that names the file, line and column.
package config
