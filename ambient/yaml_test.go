package ambient

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingapi "istio.io/api/networking/v1alpha3"
	securityapi "istio.io/api/security/v1beta1"
	istionetworkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	istiosecurityv1 "istio.io/client-go/pkg/apis/security/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// The seed post's objects, built from typed objects. Their golden files under
// testdata/golden are copied verbatim from the post: they are the specification of
// WriteYAML's output, so they are edited by hand, never regenerated.

func seedNamespace() *corev1.Namespace {
	return &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{
			Name:   "example-api",
			Labels: map[string]string{LabelDataplaneMode: DataplaneModeAmbient},
		},
	}
}

func seedGateway() *gatewayv1.Gateway {
	return &gatewayv1.Gateway{
		ObjectMeta: metav1.ObjectMeta{
			Name:      "example-api-waypoint",
			Namespace: "example-api",
			Labels:    map[string]string{LabelWaypointFor: "service"},
		},
		Spec: gatewayv1.GatewaySpec{
			GatewayClassName: WaypointGatewayClass,
			Listeners: []gatewayv1.Listener{{
				Name:     "mesh",
				Port:     HBONEPort,
				Protocol: HBONEProtocol,
			}},
		},
	}
}

func seedService() *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{
			Name:      "example-api",
			Namespace: "example-api",
			Labels:    map[string]string{LabelUseWaypoint: "example-api-waypoint"},
		},
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": "example-api"},
			Ports: []corev1.ServicePort{{
				Name:       "http",
				Port:       3000,
				TargetPort: intstr.FromInt32(3000),
			}},
		},
	}
}

func seedServiceEntry() *istionetworkingv1.ServiceEntry {
	return &istionetworkingv1.ServiceEntry{
		ObjectMeta: metav1.ObjectMeta{
			Name:      "example-vendor-api",
			Namespace: "example-api",
		},
		Spec: networkingapi.ServiceEntry{
			Hosts:    []string{"api.vendor.example"},
			Location: networkingapi.ServiceEntry_MESH_EXTERNAL,
			Ports: []*networkingapi.ServicePort{{
				Number:   443,
				Name:     "tls",
				Protocol: "TLS",
			}},
			Resolution: networkingapi.ServiceEntry_DNS,
		},
	}
}

func readGolden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeString(t *testing.T, objs ...runtime.Object) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteYAML(&buf, objs...); err != nil {
		t.Fatalf("WriteYAML: %v", err)
	}
	return buf.String()
}

func TestWriteYAMLReproducesTheSeedPost(t *testing.T) {
	tests := []struct {
		name   string
		obj    runtime.Object
		golden string
	}{
		{"the enrolled Namespace", seedNamespace(), "namespace.yaml"},
		{"the waypoint Gateway", seedGateway(), "gateway.yaml"},
		{"the Service bound to the waypoint", seedService(), "service.yaml"},
		{"the vendor ServiceEntry", seedServiceEntry(), "serviceentry.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" comes out as the post writes it", func(t *testing.T) {
			want := readGolden(t, tt.golden)
			got := writeString(t, tt.obj)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("WriteYAML mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteYAML(t *testing.T) {
	replicas := int32(2)
	tests := []struct {
		name string
		objs []runtime.Object
		want string
	}{
		{
			name: "no objects write nothing",
			want: "",
		},
		{
			name: "several objects become documents separated by ---",
			objs: []runtime.Object{seedNamespace(), seedService()},
			want: readGolden(t, "namespace.yaml") + "---\n" + readGolden(t, "service.yaml"),
		},
		{
			name: "a Deployment loses the zero-value noise and keeps its fields in declaration order",
			objs: []runtime.Object{&appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: "example-api", Namespace: "example-api"},
				Spec: appsv1.DeploymentSpec{
					Replicas: &replicas,
					Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "example-api"}},
					Template: corev1.PodTemplateSpec{
						ObjectMeta: metav1.ObjectMeta{
							Labels:      map[string]string{"app": "example-api"},
							Annotations: map[string]string{AnnotationRestartedAt: "2025-01-02T03:04:05Z"},
						},
						Spec: corev1.PodSpec{Containers: []corev1.Container{{
							Name:  "api",
							Image: "ghcr.io/example/api:1.0.0",
							Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 3000}},
						}}},
					},
				},
			}},
			want: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: example-api
  namespace: example-api
spec:
  replicas: 2
  selector:
    matchLabels:
      app: example-api
  template:
    metadata:
      labels:
        app: example-api
      annotations:
        kubectl.kubernetes.io/restartedAt: "2025-01-02T03:04:05Z"
    spec:
      containers:
        - name: api
          image: ghcr.io/example/api:1.0.0
          ports:
            - name: http
              containerPort: 3000
`,
		},
		{
			name: "values that YAML 1.1 readers take for booleans or numbers are quoted",
			objs: []runtime.Object{&corev1.ConfigMap{
				ObjectMeta: metav1.ObjectMeta{Name: "flags"},
				Data: map[string]string{
					"a": "on", "b": "yes", "c": "true", "d": "0755", "e": "1:20",
					"f": "3000", "g": "", "h": "plain", "i": "null",
				},
			}},
			want: `apiVersion: v1
kind: ConfigMap
metadata:
  name: flags
data:
  a: "on"
  b: "yes"
  c: "true"
  d: "0755"
  e: "1:20"
  f: "3000"
  g: ""
  h: plain
  i: "null"
`,
		},
		{
			name: "multi-line strings are literal blocks",
			objs: []runtime.Object{&corev1.ConfigMap{
				ObjectMeta: metav1.ObjectMeta{Name: "config"},
				Data:       map[string]string{"config.yaml": "auth:\n  strategy: token\n"},
			}},
			want: `apiVersion: v1
kind: ConfigMap
metadata:
  name: config
data:
  config.yaml: |
    auth:
      strategy: token
`,
		},
		{
			name: "an empty AuthorizationPolicy keeps spec: {} because it denies all traffic",
			objs: []runtime.Object{&istiosecurityv1.AuthorizationPolicy{
				ObjectMeta: metav1.ObjectMeta{Name: "deny-all", Namespace: "example-api"},
			}},
			want: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-all
  namespace: example-api
spec: {}
`,
		},
		{
			name: "an AuthorizationPolicy is marshalled with protobuf JSON names and enum strings",
			objs: []runtime.Object{&istiosecurityv1.AuthorizationPolicy{
				ObjectMeta: metav1.ObjectMeta{Name: "deny-post", Namespace: "example-api"},
				Spec: securityapi.AuthorizationPolicy{
					Action: securityapi.AuthorizationPolicy_DENY,
					Rules: []*securityapi.Rule{{To: []*securityapi.Rule_To{{
						Operation: &securityapi.Operation{Methods: []string{"POST"}},
					}}}},
				},
			}},
			want: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-post
  namespace: example-api
spec:
  rules:
    - to:
        - operation:
            methods:
              - POST
  action: DENY
`,
		},
		{
			name: "a ServiceEntry states its default location and resolution",
			objs: []runtime.Object{&istionetworkingv1.ServiceEntry{
				ObjectMeta: metav1.ObjectMeta{Name: "vendor", Namespace: "example-api"},
				Spec:       networkingapi.ServiceEntry{Hosts: []string{"api.vendor.example"}},
			}},
			want: `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: vendor
  namespace: example-api
spec:
  hosts:
    - api.vendor.example
  location: MESH_EXTERNAL
  resolution: NONE
`,
		},
		{
			name: "a wildcard host is quoted because * starts an alias in YAML",
			objs: []runtime.Object{&istionetworkingv1.ServiceEntry{
				ObjectMeta: metav1.ObjectMeta{Name: "vendor"},
				Spec: networkingapi.ServiceEntry{
					Hosts:      []string{"*.vendor.example"},
					Location:   networkingapi.ServiceEntry_MESH_INTERNAL,
					Resolution: networkingapi.ServiceEntry_DNS,
					ExportTo:   []string{"."},
				},
			}},
			want: `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: vendor
spec:
  hosts:
    - '*.vendor.example'
  location: MESH_INTERNAL
  resolution: DNS
  exportTo:
    - .
`,
		},
		{
			name: "an unstructured object keeps its kind and its explicit nulls",
			objs: []runtime.Object{&unstructured.Unstructured{Object: map[string]any{
				"apiVersion": "argoproj.io/v1alpha1",
				"kind":       "Application",
				"metadata": map[string]any{
					"name":        "mesh",
					"namespace":   "argocd",
					"annotations": map[string]any{"argocd.argoproj.io/sync-wave": "-20"},
				},
				"spec": map[string]any{"project": "default", "syncPolicy": nil},
			}}},
			want: `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: mesh
  namespace: argocd
  annotations:
    argocd.argoproj.io/sync-wave: "-20"
spec:
  project: default
  syncPolicy: null
`,
		},
		{
			name: "a TypeMeta that names the kind is kept",
			objs: []runtime.Object{&corev1.Namespace{
				TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
				ObjectMeta: metav1.ObjectMeta{Name: "example-admin"},
			}},
			want: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: example-admin\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := writeString(t, tt.objs...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("WriteYAML mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// notInScheme is a runtime.Object kind that no scheme knows.
type notInScheme struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
}

func (n *notInScheme) DeepCopyObject() runtime.Object { c := *n; return &c }

func TestWriteYAMLErrors(t *testing.T) {
	var nilNamespace *corev1.Namespace
	tests := []struct {
		name    string
		objs    []runtime.Object
		wantErr string
	}{
		{"a nil object is an error", []runtime.Object{seedNamespace(), nil}, "object 2 (nil): object is nil"},
		{"a typed nil object is an error", []runtime.Object{nilNamespace}, "object 1 (nil): object is nil"},
		{
			"an object of an unknown kind without TypeMeta is an error naming it",
			[]runtime.Object{&notInScheme{ObjectMeta: metav1.ObjectMeta{Name: "thing", Namespace: "ns"}}},
			`object 1 (notInScheme "ns/thing"): cannot tell its apiVersion and kind`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteYAML(&buf, tt.objs...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("WriteYAML error = %v, want it to contain %q", err, tt.wantErr)
			}
			if buf.Len() != 0 {
				t.Errorf("WriteYAML wrote %q before failing, want nothing", buf.String())
			}
		})
	}
}

func TestWriteYAMLTrustsTheTypeMetaOfKindsTheSchemeDoesNotKnow(t *testing.T) {
	obj := &notInScheme{
		TypeMeta:   metav1.TypeMeta{APIVersion: "example.com/v1", Kind: "Thing"},
		ObjectMeta: metav1.ObjectMeta{Name: "thing"},
	}
	want := "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: thing\n"
	if diff := cmp.Diff(want, writeString(t, obj)); diff != "" {
		t.Errorf("WriteYAML mismatch (-want +got):\n%s", diff)
	}
}

func TestWriteYAMLLeavesItsInputAlone(t *testing.T) {
	ns := seedNamespace()
	writeString(t, ns)
	if diff := cmp.Diff(seedNamespace(), ns); diff != "" {
		t.Errorf("WriteYAML changed its input (-before +after):\n%s", diff)
	}
}
