package readiness

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	istionetworking "istio.io/client-go/pkg/apis/networking/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"
)

// fixture holds the typed objects of a multi-document YAML file under testdata, as pointers,
// the shape the evaluators take.
type fixture struct {
	CRDs            []*apiextv1.CustomResourceDefinition
	Deployments     []*appsv1.Deployment
	DaemonSets      []*appsv1.DaemonSet
	ReplicaSets     []*appsv1.ReplicaSet
	Namespaces      []*corev1.Namespace
	Pods            []*corev1.Pod
	Services        []*corev1.Service
	Gateways        []*gatewayv1.Gateway
	HTTPRoutes      []*gatewayv1.HTTPRoute
	Ingresses       []*networkingv1.Ingress
	ServiceEntries  []*istionetworking.ServiceEntry
	VirtualServices []*istionetworking.VirtualService
}

func decodeInto[T any](t *testing.T, file string, doc []byte, into *[]*T) {
	t.Helper()
	v := new(T)
	if err := yaml.UnmarshalStrict(doc, v); err != nil {
		t.Fatalf("decoding %s: %v", file, err)
	}
	*into = append(*into, v)
}

func decodePtr[T any](t *testing.T, file string, doc []byte, into *[]*T) {
	t.Helper()
	v := new(T)
	if err := yaml.Unmarshal(doc, v); err != nil {
		t.Fatalf("decoding %s: %v", file, err)
	}
	*into = append(*into, v)
}

func load(t *testing.T, name string) fixture {
	t.Helper()
	file := filepath.Join("testdata", name)
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	for _, doc := range bytes.Split(raw, []byte("\n---\n")) {
		doc = bytes.TrimPrefix(bytes.TrimSpace(doc), []byte("---"))
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		var head struct{ Kind string }
		if err := yaml.Unmarshal(doc, &head); err != nil {
			t.Fatalf("decoding %s: %v", file, err)
		}
		switch head.Kind {
		case "CustomResourceDefinition":
			decodeInto(t, file, doc, &f.CRDs)
		case "Deployment":
			decodeInto(t, file, doc, &f.Deployments)
		case "DaemonSet":
			decodeInto(t, file, doc, &f.DaemonSets)
		case "ReplicaSet":
			decodeInto(t, file, doc, &f.ReplicaSets)
		case "Namespace":
			decodeInto(t, file, doc, &f.Namespaces)
		case "Pod":
			decodeInto(t, file, doc, &f.Pods)
		case "Service":
			decodeInto(t, file, doc, &f.Services)
		case "Gateway":
			decodeInto(t, file, doc, &f.Gateways)
		case "HTTPRoute":
			decodeInto(t, file, doc, &f.HTTPRoutes)
		case "Ingress":
			decodeInto(t, file, doc, &f.Ingresses)
		case "ServiceEntry":
			decodePtr(t, file, doc, &f.ServiceEntries)
		case "VirtualService":
			decodePtr(t, file, doc, &f.VirtualServices)
		default:
			t.Fatalf("%s: no fixture slot for kind %q", file, head.Kind)
		}
	}
	return f
}
