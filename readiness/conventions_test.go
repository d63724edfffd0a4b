package readiness

import (
	"encoding/json"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The evaluators read the objects they are given and never change them: a caller may pass the
// objects of an informer's cache.
func TestEvaluatorsLeaveTheirArgumentsAlone(t *testing.T) {
	var files []string
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".yaml") {
			files = append(files, strings.TrimPrefix(filepath.ToSlash(path), "testdata/"))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(file+" is unchanged by every evaluator", func(t *testing.T) {
			f := load(t, file)
			before := snapshot(t, f)
			for _, v := range []string{"", "1.28.0", "1.30.2"} {
				GatewayAPICRDs(f.CRDs, v)
				IstioCRDs(f.CRDs, v)
			}
			for _, crd := range f.CRDs {
				CRD(crd)
			}
			IstioVersion(f.Deployments)
			Istiod(f.Deployments)
			IstioCNI(f.DaemonSets)
			Ztunnel(f.DaemonSets)
			for _, ds := range f.DaemonSets {
				DaemonSet(ds)
			}
			for _, gw := range f.Gateways {
				Waypoint(gw, f.Deployments)
			}
			HasWaypointBound(f.Services, f.ServiceEntries)
			WaypointBindings(f.Services, f.ServiceEntries)
			for _, ns := range f.Namespaces {
				Enrollment(ns, f.Pods, f.ReplicaSets)
			}
			Kiali(KialiObjects{Services: f.Services, Ingresses: f.Ingresses, HTTPRoutes: f.HTTPRoutes,
				VirtualServices: f.VirtualServices, Gateways: f.Gateways})
			if diff := cmp.Diff(before, snapshot(t, f)); diff != "" {
				t.Errorf("an evaluator changed its arguments (-before +after):\n%s", diff)
			}
		})
	}
}

// snapshot is the JSON of a fixture's objects: Istio's protobuf-backed kinds cannot be compared
// field by field.
func snapshot(t *testing.T, f fixture) string {
	t.Helper()
	raw, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestNewReportLeavesItsArgumentAlone(t *testing.T) {
	checks := []Check{{Name: "kiali"}, {Name: "istiod"}}
	r := NewReport(checks)
	if diff := cmp.Diff([]Check{{Name: "kiali"}, {Name: "istiod"}}, checks); diff != "" {
		t.Errorf("NewReport changed its argument (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Check{{Name: "istiod"}, {Name: "kiali"}}, r.Checks); diff != "" {
		t.Errorf("NewReport's checks mismatch (-want +got):\n%s", diff)
	}
}

// The evaluators are usable without client-go: the probe that reads a cluster is a package of
// its own (readiness/probe), so that a program judging objects it already has links none of
// it.
func TestReadinessLinksNoClientGo(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == "k8s.io/client-go" || strings.HasPrefix(pkg, "k8s.io/client-go/") {
			t.Errorf("package readiness links %s", pkg)
		}
	}
}
