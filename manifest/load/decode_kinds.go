package load

import (
	istionetworkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	istiosecurityv1 "istio.io/client-go/pkg/apis/security/v1"
	istiosecurityv1beta1 "istio.io/client-go/pkg/apis/security/v1beta1"
	istiotelemetryv1 "istio.io/client-go/pkg/apis/telemetry/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	gatewayv1alpha2 "sigs.k8s.io/gateway-api/apis/v1alpha2"

	"github.com/ambientkit/ambientkit/manifest"
)

// knownKinds maps "apiVersion/Kind" to a constructor of the Go type an object of that kind
// decodes into. Gateway API versions whose Go type is a plain redefinition of the v1 type
// (v1beta1 Gateway, v1alpha2 GRPCRoute, v1alpha3 TLSRoute, …) decode into the v1 type, so
// rules handle one type per kind; Istio versions decode into their own client-go types.
// The table is a map of small functions: nothing is built until an object needs it.
var knownKinds = map[string]func() any{
	"v1/Namespace":      func() any { return new(corev1.Namespace) },
	"v1/Service":        func() any { return new(corev1.Service) },
	"v1/Pod":            func() any { return new(corev1.Pod) },
	"v1/ConfigMap":      func() any { return new(corev1.ConfigMap) },
	"v1/Secret":         func() any { return new(corev1.Secret) },
	"v1/ServiceAccount": func() any { return new(corev1.ServiceAccount) },

	"apps/v1/Deployment":  func() any { return new(appsv1.Deployment) },
	"apps/v1/StatefulSet": func() any { return new(appsv1.StatefulSet) },
	"apps/v1/DaemonSet":   func() any { return new(appsv1.DaemonSet) },
	"apps/v1/ReplicaSet":  func() any { return new(appsv1.ReplicaSet) },

	"batch/v1/Job":     func() any { return new(batchv1.Job) },
	"batch/v1/CronJob": func() any { return new(batchv1.CronJob) },

	"networking.k8s.io/v1/Ingress":       func() any { return new(networkingv1.Ingress) },
	"networking.k8s.io/v1/IngressClass":  func() any { return new(networkingv1.IngressClass) },
	"networking.k8s.io/v1/NetworkPolicy": func() any { return new(networkingv1.NetworkPolicy) },

	"apiextensions.k8s.io/v1/CustomResourceDefinition": func() any { return new(apiextensionsv1.CustomResourceDefinition) },

	"gateway.networking.k8s.io/v1/Gateway":                func() any { return new(gatewayv1.Gateway) },
	"gateway.networking.k8s.io/v1/GatewayClass":           func() any { return new(gatewayv1.GatewayClass) },
	"gateway.networking.k8s.io/v1/HTTPRoute":              func() any { return new(gatewayv1.HTTPRoute) },
	"gateway.networking.k8s.io/v1/GRPCRoute":              func() any { return new(gatewayv1.GRPCRoute) },
	"gateway.networking.k8s.io/v1/TLSRoute":               func() any { return new(gatewayv1.TLSRoute) },
	"gateway.networking.k8s.io/v1/TCPRoute":               func() any { return new(gatewayv1.TCPRoute) },
	"gateway.networking.k8s.io/v1/UDPRoute":               func() any { return new(gatewayv1.UDPRoute) },
	"gateway.networking.k8s.io/v1/ReferenceGrant":         func() any { return new(gatewayv1.ReferenceGrant) },
	"gateway.networking.k8s.io/v1/ListenerSet":            func() any { return new(gatewayv1.ListenerSet) },
	"gateway.networking.k8s.io/v1/BackendTLSPolicy":       func() any { return new(gatewayv1.BackendTLSPolicy) },
	"gateway.networking.k8s.io/v1beta1/Gateway":           func() any { return new(gatewayv1.Gateway) },
	"gateway.networking.k8s.io/v1beta1/GatewayClass":      func() any { return new(gatewayv1.GatewayClass) },
	"gateway.networking.k8s.io/v1beta1/HTTPRoute":         func() any { return new(gatewayv1.HTTPRoute) },
	"gateway.networking.k8s.io/v1beta1/ReferenceGrant":    func() any { return new(gatewayv1.ReferenceGrant) },
	"gateway.networking.k8s.io/v1alpha2/GRPCRoute":        func() any { return new(gatewayv1.GRPCRoute) },
	"gateway.networking.k8s.io/v1alpha2/ReferenceGrant":   func() any { return new(gatewayv1.ReferenceGrant) },
	"gateway.networking.k8s.io/v1alpha2/TLSRoute":         func() any { return new(gatewayv1alpha2.TLSRoute) },
	"gateway.networking.k8s.io/v1alpha2/TCPRoute":         func() any { return new(gatewayv1alpha2.TCPRoute) },
	"gateway.networking.k8s.io/v1alpha2/UDPRoute":         func() any { return new(gatewayv1alpha2.UDPRoute) },
	"gateway.networking.k8s.io/v1alpha3/TLSRoute":         func() any { return new(gatewayv1.TLSRoute) },
	"gateway.networking.k8s.io/v1alpha3/BackendTLSPolicy": func() any { return new(gatewayv1.BackendTLSPolicy) },

	"networking.istio.io/v1/ServiceEntry":    func() any { return new(istionetworkingv1.ServiceEntry) },
	"networking.istio.io/v1/VirtualService":  func() any { return new(istionetworkingv1.VirtualService) },
	"networking.istio.io/v1/DestinationRule": func() any { return new(istionetworkingv1.DestinationRule) },
	"networking.istio.io/v1/Sidecar":         func() any { return new(istionetworkingv1.Sidecar) },
	"networking.istio.io/v1/Gateway":         func() any { return new(istionetworkingv1.Gateway) },
	"networking.istio.io/v1/WorkloadEntry":   func() any { return new(istionetworkingv1.WorkloadEntry) },
	"networking.istio.io/v1/WorkloadGroup":   func() any { return new(istionetworkingv1.WorkloadGroup) },

	"networking.istio.io/v1beta1/ServiceEntry":    func() any { return new(istionetworkingv1beta1.ServiceEntry) },
	"networking.istio.io/v1beta1/VirtualService":  func() any { return new(istionetworkingv1beta1.VirtualService) },
	"networking.istio.io/v1beta1/DestinationRule": func() any { return new(istionetworkingv1beta1.DestinationRule) },
	"networking.istio.io/v1beta1/Sidecar":         func() any { return new(istionetworkingv1beta1.Sidecar) },
	"networking.istio.io/v1beta1/Gateway":         func() any { return new(istionetworkingv1beta1.Gateway) },
	"networking.istio.io/v1beta1/WorkloadEntry":   func() any { return new(istionetworkingv1beta1.WorkloadEntry) },
	"networking.istio.io/v1beta1/WorkloadGroup":   func() any { return new(istionetworkingv1beta1.WorkloadGroup) },

	"networking.istio.io/v1alpha3/ServiceEntry":    func() any { return new(istionetworkingv1alpha3.ServiceEntry) },
	"networking.istio.io/v1alpha3/VirtualService":  func() any { return new(istionetworkingv1alpha3.VirtualService) },
	"networking.istio.io/v1alpha3/DestinationRule": func() any { return new(istionetworkingv1alpha3.DestinationRule) },
	"networking.istio.io/v1alpha3/Sidecar":         func() any { return new(istionetworkingv1alpha3.Sidecar) },
	"networking.istio.io/v1alpha3/Gateway":         func() any { return new(istionetworkingv1alpha3.Gateway) },
	"networking.istio.io/v1alpha3/EnvoyFilter":     func() any { return new(istionetworkingv1alpha3.EnvoyFilter) },
	"networking.istio.io/v1alpha3/WorkloadEntry":   func() any { return new(istionetworkingv1alpha3.WorkloadEntry) },
	"networking.istio.io/v1alpha3/WorkloadGroup":   func() any { return new(istionetworkingv1alpha3.WorkloadGroup) },

	"security.istio.io/v1/AuthorizationPolicy":        func() any { return new(istiosecurityv1.AuthorizationPolicy) },
	"security.istio.io/v1/PeerAuthentication":         func() any { return new(istiosecurityv1.PeerAuthentication) },
	"security.istio.io/v1/RequestAuthentication":      func() any { return new(istiosecurityv1.RequestAuthentication) },
	"security.istio.io/v1beta1/AuthorizationPolicy":   func() any { return new(istiosecurityv1beta1.AuthorizationPolicy) },
	"security.istio.io/v1beta1/PeerAuthentication":    func() any { return new(istiosecurityv1beta1.PeerAuthentication) },
	"security.istio.io/v1beta1/RequestAuthentication": func() any { return new(istiosecurityv1beta1.RequestAuthentication) },

	"telemetry.istio.io/v1/Telemetry": func() any { return new(istiotelemetryv1.Telemetry) },
}

// IsKnownKind reports whether objects of apiVersion and kind decode into a typed Go object
// (Object.Typed).
func IsKnownKind(apiVersion, kind string) bool {
	_, ok := knownKinds[apiVersion+"/"+kind]
	return ok
}

// clusterScoped lists, by "group/Kind", the kinds that have no namespace; an object of one
// of them has an empty effective namespace whatever its manifest says.
var clusterScoped = map[string]bool{
	"/Namespace":        true,
	"/Node":             true,
	"/PersistentVolume": true,
	"apiextensions.k8s.io/CustomResourceDefinition":               true,
	"apiregistration.k8s.io/APIService":                           true,
	"rbac.authorization.k8s.io/ClusterRole":                       true,
	"rbac.authorization.k8s.io/ClusterRoleBinding":                true,
	"admissionregistration.k8s.io/MutatingWebhookConfiguration":   true,
	"admissionregistration.k8s.io/ValidatingWebhookConfiguration": true,
	"admissionregistration.k8s.io/ValidatingAdmissionPolicy":      true,
	"storage.k8s.io/StorageClass":                                 true,
	"storage.k8s.io/CSIDriver":                                    true,
	"scheduling.k8s.io/PriorityClass":                             true,
	"node.k8s.io/RuntimeClass":                                    true,
	"networking.k8s.io/IngressClass":                              true,
	"gateway.networking.k8s.io/GatewayClass":                      true,
	"cert-manager.io/ClusterIssuer":                               true,
}

// IsClusterScoped reports whether gk ("group/Kind", "/Namespace" for the core group) names a
// well-known cluster-scoped kind.
func IsClusterScoped(gk string) bool { return clusterScoped[gk] }

// NewTyped returns a new zero value of the Go type that objects of apiVersion and kind
// decode into (a pointer, e.g. *corev1.Namespace), or nil for a kind the loader does not
// decode.
func NewTyped(apiVersion, kind string) any {
	if f := knownKinds[apiVersion+"/"+kind]; f != nil {
		return f()
	}
	return nil
}

// Decode decodes o's node into the Go type of its kind, as Load does, and returns it: nil
// for a kind that is not decoded, or a node that does not decode. The GitOps model calls it
// for an object whose node it rendered anew (substituted variables).
func Decode(o *manifest.Object) any {
	newTyped := knownKinds[o.Ref.APIVersion+"/"+o.Ref.Kind]
	if newTyped == nil {
		return nil
	}
	c := *o
	c.Typed = nil
	var d decoder
	if p := d.decodeTyped(&c, newTyped); p != nil {
		return nil
	}
	return c.Typed
}
