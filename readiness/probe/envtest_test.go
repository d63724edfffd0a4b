package probe

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"
)

// The integration tests share one kube-apiserver and etcd per test binary, started on first
// use and stopped by TestMain.
var cluster struct {
	once sync.Once
	env  *envtest.Environment
	cfg  *rest.Config
	err  error
}

const assetsHint = "export KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh) (builds kube-apiserver and etcd from source the first time)"

func TestMain(m *testing.M) {
	code := m.Run()
	if cluster.env != nil {
		if err := cluster.env.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "stopping envtest: %v\n", err)
		}
	}
	os.Exit(code)
}

// apiServer returns an admin configuration for the shared API server, starting it on first
// use. Without KUBEBUILDER_ASSETS the test is skipped, or fails when CI=true.
func apiServer(t *testing.T) *rest.Config {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: skipped with -short")
	}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("KUBEBUILDER_ASSETS is not set, and CI=true requires the integration tests: %s", assetsHint)
		}
		t.Skipf("integration test needs kube-apiserver and etcd: %s", assetsHint)
	}
	cluster.once.Do(func() {
		start := time.Now()
		crds, err := installableCRDs()
		if err != nil {
			cluster.err = err
			return
		}
		cluster.env = &envtest.Environment{
			CRDs:                     crds,
			ErrorIfCRDPathMissing:    true,
			ControlPlaneStartTimeout: 90 * time.Second,
			ControlPlaneStopTimeout:  30 * time.Second,
		}
		cluster.cfg, cluster.err = cluster.env.Start()
		if cluster.err != nil {
			cluster.err = fmt.Errorf("starting envtest from %s: %w", os.Getenv("KUBEBUILDER_ASSETS"), cluster.err)
			return
		}
		t.Logf("envtest started with %d CRDs in %s", len(crds), time.Since(start).Round(time.Millisecond))
	})
	if cluster.err != nil {
		t.Fatal(cluster.err)
	}
	return rest.CopyConfig(cluster.cfg)
}

// installableCRDs reads the Gateway API CRDs (standard channel) from the gateway-api module
// and Istio's from the istio.io/api module, the versions go.mod pins.
func installableCRDs() ([]*apiextv1.CustomResourceDefinition, error) {
	gwDir, err := moduleDir("sigs.k8s.io/gateway-api")
	if err != nil {
		return nil, err
	}
	istioDir, err := moduleDir("istio.io/api")
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(gwDir, "config", "crd", "standard", "*.yaml"))
	if err != nil {
		return nil, err
	}
	files = append(files, filepath.Join(istioDir, "kubernetes", "customresourcedefinitions.gen.yaml"))
	var crds []*apiextv1.CustomResourceDefinition
	for _, f := range files {
		got, err := readCRDs(f)
		if err != nil {
			return nil, err
		}
		crds = append(crds, got...)
	}
	return crds, nil
}

func moduleDir(module string) (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
	if err != nil {
		return "", fmt.Errorf("locating module %s: %w", module, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// readCRDs returns the CustomResourceDefinitions of a multi-document YAML file, skipping its
// other kinds (the Gateway API bundle also ships a ValidatingAdmissionPolicy).
func readCRDs(file string) ([]*apiextv1.CustomResourceDefinition, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var out []*apiextv1.CustomResourceDefinition
	for _, doc := range bytes.Split(raw, []byte("\n---")) {
		var head struct{ Kind string }
		if err := yaml.Unmarshal(doc, &head); err != nil {
			return nil, fmt.Errorf("reading %s: %w", file, err)
		}
		if head.Kind != "CustomResourceDefinition" {
			continue
		}
		crd := &apiextv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(doc, crd); err != nil {
			return nil, fmt.Errorf("reading %s: %w", file, err)
		}
		out = append(out, crd)
	}
	return out, nil
}
