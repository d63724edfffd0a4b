// Command startup links the libraries ambientlint calls to do what their tools do, and
// exits: Flux's kustomize package (the kustomization.yaml kustomize-controller generates),
// kustomize's build, OPA's Rego, client-go's clientset (the readiness probes and --cluster),
// and the Istio and Gateway API types. Its start-up time is what any program that calls them
// pays before its main function runs, the floor under a short ambientlint run.
//
//	go -C hack build -o /tmp/startup ./bench/startup && /tmp/startup
package main

import (
	_ "github.com/fluxcd/pkg/kustomize"
	_ "github.com/open-policy-agent/opa/v1/rego"
	_ "istio.io/client-go/pkg/apis/networking/v1"
	_ "istio.io/client-go/pkg/apis/security/v1"
	_ "k8s.io/api/apps/v1"
	_ "k8s.io/client-go/kubernetes"
	_ "sigs.k8s.io/gateway-api/apis/v1"
	_ "sigs.k8s.io/kustomize/api/krusty"
)

func main() {}
