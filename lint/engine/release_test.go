package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ambientkit/ambientkit/internal/gentree"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// The load releases the trees of decoded objects (manifest.File.ReleaseTrees); the model and
// the rules read those objects through their Go types and kept metadata, so that a run
// parses a file again only to place a finding in it. A file parsed again without a finding
// is a rule or a model step reading trees it could read from Typed.
func TestRunParsesAgainOnlyFilesWithFindings(t *testing.T) {
	dir := t.TempDir()
	if err := gentree.GenerateTree(dir, 1000); err != nil {
		t.Fatal(err)
	}
	// Kinds the generated tree lacks, in a directory its Applications apply, each in a file
	// of its own: a ConfigMap of an enrolled namespace without an external URL and with a
	// well-formed sync-wave, a deny-all NetworkPolicy, and a Gateway API CRD (a mesh
	// component of the model).
	for name, data := range map[string]string{
		"settings.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: app-0000
  annotations:
    argocd.argoproj.io/sync-wave: "1"
data:
  LOG_LEVEL: info
  BACKEND: http://app-0000.app-0000.svc.cluster.local:8080
`,
		"deny-all.yaml": `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
  namespace: plain
spec:
  podSelector: {}
  policyTypes: [Ingress]
`,
		"crd.yaml": `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: grpcroutes.gateway.networking.k8s.io
spec:
  group: gateway.networking.k8s.io
  scope: Namespaced
  names: {kind: GRPCRoute, plural: grpcroutes, singular: grpcroute, listKind: GRPCRouteList}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object}}
`,
	} {
		if err := os.WriteFile(filepath.Join(dir, "apps", "app-0000", name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	kust := filepath.Join(dir, "apps", "app-0000", "kustomization.yaml")
	k, err := os.ReadFile(kust)
	if err != nil {
		t.Fatal(err)
	}
	k = append(k, "  - settings.yaml\n  - deny-all.yaml\n  - crd.yaml\n"...)
	if err := os.WriteFile(kust, k, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Root: dir, Rules: rules.All()})
	if err != nil {
		t.Fatal(err)
	}
	added := 0
	for _, o := range res.Inventory.Objects {
		switch filepath.Base(o.File.Path) {
		case "settings.yaml", "deny-all.yaml", "crd.yaml":
			added++
		}
	}
	if added != 3 {
		t.Fatalf("%d of the 3 objects added are applied", added)
	}
	withFindings := map[string]bool{}
	for _, f := range res.Findings {
		withFindings[f.Pos.File] = true
		for _, r := range f.Related {
			withFindings[r.File] = true
		}
	}
	reparsed := 0
	for _, f := range res.Inventory.Files {
		if f.Reparsed() {
			reparsed++
			if !withFindings[f.Path] {
				t.Errorf("%s was parsed again, and has no finding", f.Path)
			}
		}
	}
	if len(res.Findings) == 0 || reparsed == 0 {
		t.Fatalf("%d findings, %d files parsed again: the generated tree no longer exercises this", len(res.Findings), reparsed)
	}
}
