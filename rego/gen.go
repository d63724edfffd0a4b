package rego

//go:generate go test ./internal/gen -run ^TestGeneratedFilesAreFresh$ -update
