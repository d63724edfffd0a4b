package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/ambientkit/ambientkit/readiness"
)

func TestReadyUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"an unknown flag is a usage error", []string{"--nope"}, exitError, "unknown flag: --nope"},
		{"an argument is a usage error", []string{"shop"}, exitError, `ready takes no arguments, got "shop"`},
		{"an unknown format is a usage error", []string{"--format", "yaml"}, exitError, `"yaml" is not one of text, json`},
		{"a negative wait is a usage error", []string{"--wait", "-1s"}, exitError, "--wait must not be negative"},
		{"a missing kubeconfig is an error", []string{"--kubeconfig", "testdata/no-such-kubeconfig"}, exitError, "reading kubeconfig"},
		{"an unreachable cluster is an error", []string{"--kubeconfig", writeKubeconfig(t, "https://127.0.0.1:1", nil, "")}, exitError,
			"reaching the API server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runReady(t.Context(), tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("runReady(%q) = %d, stderr %q; want %d and %q", tt.args, code, stderr.String(), tt.code, tt.stderr)
			}
		})
	}
	t.Run("--help prints the usage", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		if code := runReady(t.Context(), []string{"--help"}, &stdout, &stderr); code != exitOK || !strings.Contains(stdout.String(), "-n, --namespace NAMESPACE") {
			t.Errorf("runReady(--help) = %d, stdout %q", code, stdout.String())
		}
	})
}

func TestWriteReport(t *testing.T) {
	r := readiness.Report{Checks: []readiness.Check{
		{Name: "istiod", Result: readiness.Result{Status: readiness.Ready, Reason: "Deployment istio-system/istiod 1/1 replicas available"}},
		{Name: "ztunnel", Result: readiness.Result{Status: readiness.NotReady, Reason: "2/3 nodes ready",
			Remediation: "kubectl -n istio-system get pods -l app=ztunnel -o wide"}},
		{Name: "enrollment shop", Result: readiness.Result{Status: readiness.NotReady,
			Reason: "1 pods still carry a sidecar: restart deployment/cart"},
			Restarts: []readiness.Restart{{Namespace: "shop", Kind: "Deployment", Name: "cart", Pods: []string{"cart-1"},
				Command: "kubectl -n shop rollout restart deployment/cart"}}},
	}}
	t.Run("text is a table followed by the fixes", func(t *testing.T) {
		var b bytes.Buffer
		if err := writeReport(&b, r, "text"); err != nil {
			t.Fatal(err)
		}
		want := `CHECK            STATUS    REASON
istiod           Ready     Deployment istio-system/istiod 1/1 replicas available
ztunnel          NotReady  2/3 nodes ready
enrollment shop  NotReady  1 pods still carry a sidecar: restart deployment/cart

To fix:
  ztunnel: kubectl -n istio-system get pods -l app=ztunnel -o wide
  enrollment shop: kubectl -n shop rollout restart deployment/cart
`
		if diff := cmp.Diff(want, b.String()); diff != "" {
			t.Errorf("text report mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("json carries the overall status and every check", func(t *testing.T) {
		var b bytes.Buffer
		if err := writeReport(&b, r, "json"); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Status string            `json:"status"`
			Checks []json.RawMessage `json:"checks"`
		}
		if err := json.Unmarshal(b.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got.Status != "NotReady" || len(got.Checks) != 3 || !strings.Contains(string(got.Checks[2]), `"command": "kubectl -n shop rollout restart deployment/cart"`) {
			t.Errorf("json report = %s", b.String())
		}
	})
}

// writeKubeconfig writes a kubeconfig for server and returns its path.
func writeKubeconfig(t *testing.T, server string, ca []byte, token string) string {
	t.Helper()
	cfg := map[string]any{
		"apiVersion": "v1", "kind": "Config", "current-context": "test",
		"clusters": []any{map[string]any{"name": "test", "cluster": map[string]any{
			"server": server, "certificate-authority-data": ca, "insecure-skip-tls-verify": ca == nil,
		}}},
		"users":    []any{map[string]any{"name": "test", "user": map[string]any{"token": token}}},
		"contexts": []any{map[string]any{"name": "test", "context": map[string]any{"cluster": "test", "user": "test"}}},
	}
	raw, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startAPIServer starts a real kube-apiserver and etcd (envtest) with the Gateway API and
// Istio CRDs installed, stopped when t ends. It skips with -short, and without
// KUBEBUILDER_ASSETS outside CI; in CI (CI=true) missing assets fail the test.
func startAPIServer(t *testing.T) (*envtest.Environment, *rest.Config) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: skipped with -short")
	}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		hint := "export KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh) (builds kube-apiserver and etcd from source the first time)"
		if os.Getenv("CI") == "true" {
			t.Fatalf("KUBEBUILDER_ASSETS is not set, and CI=true requires the integration tests: %s", hint)
		}
		t.Skipf("integration test needs kube-apiserver and etcd: %s", hint)
	}
	env := &envtest.Environment{CRDs: readyCRDs(t), ControlPlaneStartTimeout: 90 * time.Second}
	cfg, err := env.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	return env, cfg
}

// TestReadyAgainstAPIServer runs the command against a real kube-apiserver: not ready (exit 1)
// with no Istio, ready (exit 0) once istiod, istio-cni and ztunnel report ready.
func TestReadyAgainstAPIServer(t *testing.T) {
	env, cfg := startAPIServer(t)
	user, err := env.AddUser(envtest.User{Name: "admin", Groups: []string{"system:masters"}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	kc, err := user.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, kc, 0o600); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	if code := runReady(t.Context(), []string{"--kubeconfig", kubeconfig}, &stdout, &stderr); code != exitFindings {
		t.Fatalf("ready without Istio = %d, want %d; stderr %s", code, exitFindings, stderr.String())
	}
	if want := "istiod            NotReady  no istiod Deployment (app=istiod) found"; !strings.Contains(stdout.String(), want) {
		t.Errorf("ready without Istio does not report %q:\n%s", want, stdout.String())
	}

	installIstio(t, kubernetes.NewForConfigOrDie(cfg))
	stdout.Reset()
	stderr.Reset()
	if code := runReady(t.Context(), []string{"--kubeconfig", kubeconfig, "--wait", "30s", "--format", "json"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("ready with Istio = %d, want %d; stdout %s; stderr %s", code, exitOK, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), `"status": "Ready"`) {
		t.Errorf("ready with Istio does not report Ready:\n%s", stdout.String())
	}

	t.Run("an enrolled namespace without Pods is Unknown, and --wait waits for them", func(t *testing.T) {
		c := kubernetes.NewForConfigOrDie(cfg)
		if _, err := c.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop",
			Labels: map[string]string{"istio.io/dataplane-mode": "ambient"}}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		if code := runReady(t.Context(), []string{"--kubeconfig", kubeconfig, "-n", "shop"}, &stdout, &stderr); code != exitFindings {
			t.Fatalf("ready -n shop = %d, want %d; stdout %s; stderr %s", code, exitFindings, stdout.String(), stderr.String())
		}
		for _, want := range []string{
			"enrollment shop   Unknown  no Pods yet, so their capture cannot be checked\n",
			"To fix:\n  enrollment shop: deploy the workloads of namespace shop, then check again\n",
		} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("ready -n shop does not report %q:\n%s", want, stdout.String())
			}
		}
		stdout.Reset()
		stderr.Reset()
		if code := runReady(t.Context(), []string{"--kubeconfig", kubeconfig, "-n", "shop", "--wait", "2s"}, &stdout, &stderr); code != exitFindings {
			t.Fatalf("ready -n shop --wait 2s = %d, want %d; stdout %s; stderr %s", code, exitFindings, stdout.String(), stderr.String())
		}
		if want := "ambientlint: not ready after 2s"; !strings.Contains(stderr.String(), want) {
			t.Errorf("ready -n shop --wait 2s stderr does not say %q: %s", want, stderr.String())
		}
		if want := "no Pods yet, so their capture cannot be checked"; !strings.Contains(stdout.String(), want) {
			t.Errorf("ready -n shop --wait 2s does not print the last state %q:\n%s", want, stdout.String())
		}
	})
}

// installIstio creates istiod, istio-cni and ztunnel, and writes a ready status for each.
func installIstio(t *testing.T, c kubernetes.Interface) {
	t.Helper()
	ctx := t.Context()
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "istio-system"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	template := func(l map[string]string) corev1.PodTemplateSpec {
		return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: l},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.example/c:1"}}}}
	}
	l := map[string]string{"app": "istiod", "app.kubernetes.io/version": "1.30.2"}
	d, err := c.AppsV1().Deployments("istio-system").Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "istiod", Labels: l},
		Spec:       appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: l}, Template: template(l)},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d.Status = appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: 1, UpdatedReplicas: 1, ReadyReplicas: 1, AvailableReplicas: 1}
	if _, err := c.AppsV1().Deployments("istio-system").UpdateStatus(ctx, d, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	for name, l := range map[string]map[string]string{"istio-cni-node": {"k8s-app": "istio-cni-node"}, "ztunnel": {"app": "ztunnel"}} {
		ds, err := c.AppsV1().DaemonSets("istio-system").Create(ctx, &appsv1.DaemonSet{
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l},
			Spec:       appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: l}, Template: template(l)},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ds.Status = appsv1.DaemonSetStatus{ObservedGeneration: ds.Generation, CurrentNumberScheduled: 2,
			DesiredNumberScheduled: 2, UpdatedNumberScheduled: 2, NumberReady: 2, NumberAvailable: 2}
		if _, err := c.AppsV1().DaemonSets("istio-system").UpdateStatus(ctx, ds, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// readyCRDs reads the Gateway API (standard channel) and Istio CRDs from their modules.
func readyCRDs(t *testing.T) []*apiextv1.CustomResourceDefinition {
	t.Helper()
	dir := func(module string) string {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
		if err != nil {
			t.Fatalf("locating module %s: %v", module, err)
		}
		return strings.TrimSpace(string(out))
	}
	files, _ := filepath.Glob(filepath.Join(dir("sigs.k8s.io/gateway-api"), "config", "crd", "standard", "*.yaml"))
	files = append(files, filepath.Join(dir("istio.io/api"), "kubernetes", "customresourcedefinitions.gen.yaml"))
	var crds []*apiextv1.CustomResourceDefinition
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range bytes.Split(raw, []byte("\n---")) {
			var head struct{ Kind string }
			if err := yaml.Unmarshal(doc, &head); err != nil || head.Kind != "CustomResourceDefinition" {
				continue
			}
			crd := &apiextv1.CustomResourceDefinition{}
			if err := yaml.Unmarshal(doc, crd); err != nil {
				t.Fatalf("reading %s: %v", f, err)
			}
			crds = append(crds, crd)
		}
	}
	return crds
}
