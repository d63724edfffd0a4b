package rego

//go:generate go run ./internal/gen -dir .
