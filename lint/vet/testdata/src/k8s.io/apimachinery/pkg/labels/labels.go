// Package labels is a stub of k8s.io/apimachinery/pkg/labels for the analyzer's tests.
package labels

type Set map[string]string

type Requirement struct{}

func NewRequirement(key string, op string, vals []string) (*Requirement, error) { return nil, nil }
