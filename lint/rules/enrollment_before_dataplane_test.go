package rules_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// runOrderTrees runs linttest over every repository tree in testdata/<name>/, one subtest per
// tree, named after the tree's directory.
func runOrderTrees(t *testing.T, r *lint.Rule) {
	t.Helper()
	dir := filepath.Join("testdata", r.Name)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		t.Run(strings.ReplaceAll(e.Name(), "-", " "), func(t *testing.T) {
			linttest.Run(t, filepath.Join(dir, e.Name()), r)
		})
	}
}

func TestEnrollmentBeforeDataplane(t *testing.T) { runOrderTrees(t, rules.EnrollmentBeforeDataplane) }

func TestGatewayBeforeCRDs(t *testing.T) { runOrderTrees(t, rules.GatewayBeforeCRDs) }

func TestIstioResourceBeforeCRDs(t *testing.T) { runOrderTrees(t, rules.IstioResourceBeforeCRDs) }

func TestControlPlaneOrder(t *testing.T) { runOrderTrees(t, rules.ControlPlaneOrder) }

func TestAppOfAppsNotGated(t *testing.T) { runOrderTrees(t, rules.AppOfAppsNotGated) }

func TestDependencyCycle(t *testing.T) { runOrderTrees(t, rules.DependencyCycle) }

func TestAmbientProfileMissing(t *testing.T) { runOrderTrees(t, rules.AmbientProfileMissing) }

func TestInvalidSyncWave(t *testing.T) { runOrderTrees(t, rules.InvalidSyncWave) }

func TestDataplaneComponentMissing(t *testing.T) { runOrderTrees(t, rules.DataplaneComponentMissing) }

// findingsOf lints one testdata tree of r (checking its want comments) and returns the
// findings.
func findingsOf(t *testing.T, r *lint.Rule, tree string) []lint.Finding {
	t.Helper()
	res := linttest.Run(t, filepath.Join("testdata", r.Name, tree), r)
	if res == nil {
		t.FailNow()
	}
	return res.Findings
}

func TestOrderingSeverities(t *testing.T) {
	tests := []struct {
		name string
		rule *lint.Rule
		tree string
		want []lint.Severity
	}{
		{"an ungated app-of-apps without Argo CD configuration is info", rules.AppOfAppsNotGated, "no-argocd-config", []lint.Severity{lint.Info}},
		{"an ungated app-of-apps with argocd-cm is a warning", rules.AppOfAppsNotGated, "argocd-cm-without-check", []lint.Severity{lint.Warning}},
		{"Argo CD from its upstream install.yaml has the stock argocd-cm: a warning", rules.AppOfAppsNotGated, "stock-install", []lint.Severity{lint.Warning}},
		{"a missing dependency is a warning and a cycle an error", rules.DependencyCycle, "kustomizations", []lint.Severity{lint.Error, lint.Warning}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []lint.Severity
			for _, f := range findingsOf(t, tt.rule, tt.tree) {
				got = append(got, f.Severity)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("severities (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOrderingFindingsPointAtTheOtherEnd(t *testing.T) {
	fs := findingsOf(t, rules.EnrollmentBeforeDataplane, "argocd-child-waves")
	var got []string
	for _, f := range fs {
		for _, r := range f.Related {
			got = append(got, filepath.Base(r.File)+": "+r.Message)
		}
	}
	const via = " (chart %s 1.28.0 from https://istio-release.storage.googleapis.com/charts)"
	want := []string{
		"istio-cni.yaml: istio-cni is installed here" + fmt.Sprintf(via, "cni"),
		"ztunnel.yaml: ztunnel is installed here" + fmt.Sprintf(via, "ztunnel"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("related locations (-want +got):\n%s", diff)
	}
}

// A namespace enrolled early is judged by when its pods arrive: the finding is at the first
// workload ordered before the data plane, and points back at the label.
func TestEnrollmentIsJudgedByItsPods(t *testing.T) {
	fs := findingsOf(t, rules.EnrollmentBeforeDataplane, "early-namespaces")
	if len(fs) != 1 {
		t.Fatalf("%d findings, want 1 (the early workload of payments): %v", len(fs), fs)
	}
	var got []string
	for _, r := range fs[0].Related {
		got = append(got, fmt.Sprintf("%s:%d: %s", filepath.Base(r.File), r.Line, r.Message))
	}
	want := []string{
		"namespaces.yaml:21: namespace payments is enrolled here",
		"dataplane.yaml:4: istio-cni is installed here (DaemonSet istio-system/istio-cni-node)",
		"dataplane.yaml:23: ztunnel is installed here (DaemonSet istio-system/ztunnel)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("related locations (-want +got):\n%s", diff)
	}
}

// An argocd-cm whose health check key is spelt with "/" (Argo CD reads only
// resource.customizations.health.argoproj.io_Application) is pointed at, key and all.
func TestAppOfAppsNotGatedNamesAMisspeltHealthKey(t *testing.T) {
	fs := findingsOf(t, rules.AppOfAppsNotGated, "argocd-cm-misspelt-key")
	if len(fs) != 1 || len(fs[0].Related) != 2 {
		t.Fatalf("findings: %+v", fs)
	}
	r := fs[0].Related[1]
	want := "argocd-cm sets resource.customizations.health.argoproj.io/Application, which Argo CD does not read: did you mean resource.customizations.health.argoproj.io_Application?"
	if filepath.Base(r.File) != "argocd-cm.yaml" || r.Line != 10 || r.Message != want {
		t.Errorf("related %s:%d %q, want argocd-cm.yaml:10 %q", filepath.Base(r.File), r.Line, r.Message, want)
	}
}
