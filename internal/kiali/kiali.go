package kiali

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Name is the name Kiali's Helm charts, operator and Istio's sample addon give its Service,
// and the value of the app and app.kubernetes.io/name labels on its Pods.
const Name = "kiali"

// Label keys whose value [Name] marks Kiali's Pods; a Service that selects either is Kiali's.
const (
	LabelApp     = "app"
	LabelAppName = "app.kubernetes.io/name"
)

// IsService reports whether svc is Kiali's Service: it is named kiali, or its selector picks
// Pods labelled app: kiali or app.kubernetes.io/name: kiali. A nil svc is not Kiali's.
func IsService(svc *corev1.Service) bool {
	if svc == nil {
		return false
	}
	if svc.Name == Name {
		return true
	}
	return svc.Spec.Selector[LabelApp] == Name || svc.Spec.Selector[LabelAppName] == Name
}

// ServiceExposure returns why svc is reachable from outside the cluster on its own, one
// sentence per reason, sorted: a NodePort or LoadBalancer type, or external IPs. It returns
// nil for a ClusterIP (or headless, or ExternalName) Service without external IPs.
func ServiceExposure(svc *corev1.Service) []string {
	if svc == nil {
		return nil
	}
	var why []string
	switch svc.Spec.Type {
	case corev1.ServiceTypeNodePort:
		why = append(why, "Service type NodePort opens a port on every node")
	case corev1.ServiceTypeLoadBalancer:
		why = append(why, "Service type LoadBalancer asks the cloud for an external load balancer")
	}
	if len(svc.Spec.ExternalIPs) > 0 {
		ips := slices.Clone(svc.Spec.ExternalIPs)
		slices.Sort(ips)
		why = append(why, fmt.Sprintf("Service has externalIPs %s", strings.Join(ips, ", ")))
	}
	slices.Sort(why)
	return why
}
