package load_test

import (
	"testing"

	istionetworking "istio.io/client-go/pkg/apis/networking/v1"
	istiosecurity "istio.io/client-go/pkg/apis/security/v1"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/manifest/load"
)

// An object decodes into its Go type as the API server reads it: a key must match a field's
// JSON name exactly. A key that differs in case, or an Istio field written with its protobuf
// name (export_to for exportTo), is an unknown field that the API server drops, so a rule
// must not see it as the field. A value of a type Istio's CRD schemas reject, which protojson
// takes (a number as a string, an enum as a number), does not decode.
func TestObjectsDecodeAsTheAPIServerReadsThem(t *testing.T) {
	parse := func(t *testing.T, data string) *manifest.Object {
		t.Helper()
		objs, problems := load.Parse(&manifest.File{Path: "in.yaml", Data: []byte(data)})
		if len(problems) > 0 || len(objs) != 1 {
			t.Fatalf("%d objects, problems %v", len(objs), problems)
		}
		if objs[0].Typed == nil {
			t.Fatalf("%s did not decode", objs[0].Ref)
		}
		return objs[0]
	}
	t.Run("a Kubernetes field in another case", func(t *testing.T) {
		d := parse(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
Spec:
  replicas: 3
  template: {spec: {containers: [{name: web, image: nginx}]}}
`).Typed.(*appsv1.Deployment)
		if d.Spec.Replicas != nil || len(d.Spec.Template.Spec.Containers) > 0 {
			t.Errorf("Spec: decoded as spec: %+v", d.Spec)
		}
		d = parse(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  template: {spec: {containers: [{name: web, image: nginx, imagePullPolicy: Always, ImagePullPolicy: Never}]}}
`).Typed.(*appsv1.Deployment)
		if d.Spec.Replicas == nil || *d.Spec.Replicas != 3 || d.Spec.Template.Spec.Containers[0].ImagePullPolicy != "Always" {
			t.Errorf("spec: %+v", d.Spec)
		}
	})
	t.Run("an Istio field by its protobuf name", func(t *testing.T) {
		se := parse(t, `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: shop}
spec:
  hosts: [api.example.com]
  export_to: ["."]
  workload_selector: {labels: {app: api}}
  ports: [{number: 443, name: https, protocol: TLS, target_port: 8443}]
`).Typed.(*istionetworking.ServiceEntry)
		if len(se.Spec.ExportTo) > 0 || se.Spec.WorkloadSelector != nil || se.Spec.Ports[0].TargetPort != 0 || se.Spec.Ports[0].Number != 443 {
			t.Errorf("protobuf names decoded as fields: %v", &se.Spec)
		}
	})
	t.Run("both names of one Istio field", func(t *testing.T) {
		se := parse(t, `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: shop}
spec:
  hosts: [api.example.com]
  export_to: ["*"]
  exportTo: ["."]
`).Typed.(*istionetworking.ServiceEntry)
		if len(se.Spec.ExportTo) != 1 || se.Spec.ExportTo[0] != "." {
			t.Errorf("exportTo %q, want [.]", se.Spec.ExportTo)
		}
	})
	t.Run("protobuf names below lists and merge keys", func(t *testing.T) {
		ap := parse(t, `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny, namespace: shop}
x-base: &from {source: {principals: [a], not_principals: [b]}}
spec:
  action: DENY
  rules:
  - from:
    - <<: *from
    - source: {namespaces: [x], not_namespaces: [y]}
`).Typed.(*istiosecurity.AuthorizationPolicy)
		from := ap.Spec.Rules[0].From
		if len(from) != 2 || len(from[0].Source.Principals) != 1 || len(from[0].Source.NotPrincipals) > 0 ||
			len(from[1].Source.Namespaces) != 1 || len(from[1].Source.NotNamespaces) > 0 {
			t.Errorf("rules[0].from = %v", from)
		}
	})
	t.Run("a number as a string, an enum as a number", func(t *testing.T) {
		for _, tt := range []struct{ in, want string }{
			{"spec:\n  hosts: [a.example]\n  ports: [{number: \"443\", name: https}]\n",
				"ServiceEntry shop/x does not decode: spec.ports[0].number is a string, want a number (uint32)"},
			{"spec:\n  hosts: [a.example]\n  resolution: 1\n",
				"ServiceEntry shop/x does not decode: spec.resolution is a number, want a string (one of NONE, STATIC, DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS)"},
		} {
			objs, problems := load.Parse(&manifest.File{Path: "in.yaml", Data: []byte(
				"apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: x, namespace: shop}\n" + tt.in)})
			if len(problems) != 1 || problems[0].Message != tt.want || len(objs) != 1 || objs[0].Typed != nil {
				t.Errorf("%q: problems %v, want %q and no typed object", tt.in, problems, tt.want)
			}
		}
	})
}
