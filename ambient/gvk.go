package ambient

import (
	"reflect"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The API packages whose import path names the group and version of the types they hold.
// WriteYAML derives apiVersion and kind from these paths instead of registering every
// group in a runtime.Scheme: a scheme would link all of k8s.io/api into every program that
// imports this package and cost its package initialisation, for the linter's start-up, in
// each run. A test checks the derivation against client-go's own scheme.
const (
	k8sAPIPrefix     = "k8s.io/api/"
	istioAPIPrefix   = "istio.io/client-go/pkg/apis/"
	gatewayAPIPrefix = "sigs.k8s.io/gateway-api/apis/"
	gatewayAPIGroup  = "gateway.networking.k8s.io"
)

// k8sGroups maps the directories of k8s.io/api whose group is not "<dir>.k8s.io".
var k8sGroups = map[string]string{
	"core":              "",
	"apps":              "apps",
	"autoscaling":       "autoscaling",
	"batch":             "batch",
	"extensions":        "extensions",
	"policy":            "policy",
	"apiserverinternal": "internal.apiserver.k8s.io",
	"flowcontrol":       "flowcontrol.apiserver.k8s.io",
	"rbac":              "rbac.authorization.k8s.io",
}

// typeKind returns the group, version and kind of obj's Go type when its package is one of
// the API packages above, and false otherwise (a CRD type, an unstructured object).
func typeKind(obj runtime.Object) (schema.GroupVersionKind, bool) {
	t := reflect.TypeOf(obj)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Name() == "" {
		return schema.GroupVersionKind{}, false
	}
	path := t.PkgPath()
	var group, version string
	switch {
	case strings.HasPrefix(path, k8sAPIPrefix):
		dir, v, ok := strings.Cut(path[len(k8sAPIPrefix):], "/")
		if !ok || strings.Contains(v, "/") {
			return schema.GroupVersionKind{}, false
		}
		g, known := k8sGroups[dir]
		if !known {
			g = dir + ".k8s.io"
		}
		group, version = g, v
	case strings.HasPrefix(path, istioAPIPrefix):
		dir, v, ok := strings.Cut(path[len(istioAPIPrefix):], "/")
		if !ok || strings.Contains(v, "/") {
			return schema.GroupVersionKind{}, false
		}
		group, version = dir+".istio.io", v
	case strings.HasPrefix(path, gatewayAPIPrefix):
		v := path[len(gatewayAPIPrefix):]
		if strings.Contains(v, "/") {
			return schema.GroupVersionKind{}, false
		}
		group, version = gatewayAPIGroup, v
	default:
		return schema.GroupVersionKind{}, false
	}
	return schema.GroupVersionKind{Group: group, Version: version, Kind: t.Name()}, true
}
