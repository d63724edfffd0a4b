package gitops_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/manifest/load"
)

// The resolved sync order of the seed post's app-of-apps, one line per Application, with the
// mesh components each installs and the namespaces it enrolls: what `ambientlint order`
// prints.
func ExampleModel_Plan() {
	tree := "../lint/rules/testdata/enrollment-before-dataplane/argocd-child-waves"
	m, err := model(tree)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range m.Plan()[1:] {
		line := fmt.Sprintf("%swave %d %s", strings.Repeat("  ", s.Level-1), s.Unit.At.Wave, s.Unit)
		for _, c := range s.Components {
			line += " [" + c.Kind.String() + "]"
		}
		for _, e := range s.Enrollments {
			line += " enrolls " + e.Namespace
		}
		fmt.Println(line)
	}
	// Output:
	// wave 0 Application root
	//   wave -20 Application istiod [istiod]
	//   wave -15 Application example-worker enrolls example-worker enrolls example-worker
	//   wave -10 Application istio-cni [istio-cni]
	//   wave -5 Application ztunnel [ztunnel]
	//   wave 10 Application example-api enrolls example-api
}

// Whether an enrolled namespace is ordered after the data plane, and how each end is
// ordered.
func ExampleModel_Compare() {
	tree := "../lint/rules/testdata/enrollment-before-dataplane/argocd-child-waves"
	m, err := model(tree)
	if err != nil {
		fmt.Println(err)
		return
	}
	ztunnel := m.ComponentsOf(gitops.Ztunnel)[0]
	for _, e := range m.Enrollments {
		r := m.Compare(e.Placements[0], ztunnel.Placement)
		fmt.Printf("%s: after ztunnel %v: %s, ztunnel %s\n", e.What, r.After, r.A, r.B)
	}
	// Output:
	// Namespace example-api: after ztunnel true: at wave 10 (Application example-api), ztunnel at wave -5 (Application ztunnel)
	// the pod template of Deployment example-worker/worker: after ztunnel false: at wave -15 (Application example-worker), ztunnel at wave -5 (Application ztunnel)
	// Namespace example-worker: after ztunnel false: at wave -15 (Application example-worker), ztunnel at wave -5 (Application ztunnel)
}

// model loads the manifests of the repository at root and builds its model.
func model(root string) (*gitops.Model, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	loaded, err := load.Load(context.Background(), []string{abs}, load.Options{Root: abs, MaxFileSize: 16 << 20})
	if err != nil {
		return nil, err
	}
	return gitops.Build(os.DirFS(abs), abs, loaded.Objects, gitops.Options{})
}
