//go:build tools

// Package tools pins the test-only binaries that envtest runs: kube-apiserver and etcd are
// built from their Go modules because no prebuilt download is reachable from CI.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
