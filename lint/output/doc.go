// Package output writes the findings of a lint run, and the rule catalogue, in the formats
// people and tools read: text for terminals, JSON for scripts, SARIF for code-scanning
// services, and GitHub Actions workflow commands for pull-request annotations.
//
// Every format is deterministic: the same result gives the same bytes.
package output
