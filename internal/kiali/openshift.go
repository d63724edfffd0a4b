package kiali

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// OpenShiftRouteGVK is the kind of an OpenShift Route. ambientkit has no typed client for it,
// so [OpenShiftRouteRoutes] reads it unstructured.
var OpenShiftRouteGVK = schema.GroupVersionKind{Group: "route.openshift.io", Version: "v1", Kind: "Route"}

// OpenShiftRouteRoutes returns the Services an OpenShift Route sends traffic to: spec.to and
// spec.alternateBackends entries of kind Service (the default). The OpenShift router serves
// every Route from outside the cluster. Objects of another kind yield nil.
func OpenShiftRouteRoutes(u *unstructured.Unstructured) []Route {
	if u == nil || u.GroupVersionKind().GroupKind() != OpenShiftRouteGVK.GroupKind() {
		return nil
	}
	var targets []map[string]any
	if to, ok, _ := unstructured.NestedMap(u.Object, "spec", "to"); ok {
		targets = append(targets, to)
	}
	if alts, ok, _ := unstructured.NestedSlice(u.Object, "spec", "alternateBackends"); ok {
		for _, a := range alts {
			if m, ok := a.(map[string]any); ok {
				targets = append(targets, m)
			}
		}
	}
	var out []Route
	for _, t := range targets {
		kind, _, _ := unstructured.NestedString(t, "kind")
		name, _, _ := unstructured.NestedString(t, "name")
		if (kind != "" && kind != "Service") || name == "" {
			continue
		}
		out = append(out, Route{
			Kind: "Route", Namespace: u.GetNamespace(), Name: u.GetName(),
			Backend: Backend{Namespace: u.GetNamespace(), Name: name},
			Via:     "OpenShift router",
		})
	}
	return dedupe(out)
}
