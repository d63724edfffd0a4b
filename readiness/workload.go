package readiness

import (
	"cmp"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Label selectors of the ambient components, as Istio's Helm charts and istioctl label them.
const (
	IstiodSelector   = "app=istiod"
	IstioCNISelector = "k8s-app=istio-cni-node"
	ZtunnelSelector  = "app=ztunnel"
)

// Commands that install the ambient components with Istio's Helm charts: the remediations of
// a missing component.
const (
	istiodInstall   = "helm install istiod istio/istiod -n istio-system --set profile=ambient --wait"
	istioCNIInstall = "helm install istio-cni istio/cni -n istio-system --set profile=ambient"
	ztunnelInstall  = "helm install ztunnel istio/ztunnel -n istio-system"
)

// Deployment evaluates a Deployment strictly: the controller has observed its current
// generation, it wants at least one replica, and its updated, ready and available replicas all
// equal the desired count with no old replica left.
func Deployment(d *appsv1.Deployment) Result {
	if d == nil {
		return notReady("", "Deployment not found")
	}
	id := d.Namespace + "/" + d.Name
	if d.Status.ObservedGeneration < d.Generation {
		return notReady(rolloutStatus("deployment", d.Namespace, d.Name),
			"Deployment %s generation %d not observed yet (observed %d)", id, d.Generation, d.Status.ObservedGeneration)
	}
	desired := int32(1)
	if d.Spec.Replicas != nil {
		desired = *d.Spec.Replicas
	}
	if desired == 0 {
		return notReady(fmt.Sprintf("kubectl -n %s scale deployment/%s --replicas=1", d.Namespace, d.Name),
			"Deployment %s is scaled to 0 replicas", id)
	}
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentProgressing && c.Status == corev1.ConditionFalse {
			return notReady(fmt.Sprintf("kubectl -n %s describe deployment/%s", d.Namespace, d.Name),
				"Deployment %s rollout stuck: %s", id, c.Message)
		}
	}
	s := d.Status
	switch {
	case s.UpdatedReplicas < desired:
		return notReady(rolloutStatus("deployment", d.Namespace, d.Name),
			"Deployment %s %d/%d replicas updated", id, s.UpdatedReplicas, desired)
	case s.Replicas > s.UpdatedReplicas:
		return notReady(rolloutStatus("deployment", d.Namespace, d.Name),
			"Deployment %s %d old replicas pending termination", id, s.Replicas-s.UpdatedReplicas)
	case s.ReadyReplicas < desired:
		return notReady(rolloutStatus("deployment", d.Namespace, d.Name),
			"Deployment %s %d/%d replicas ready", id, s.ReadyReplicas, desired)
	case s.AvailableReplicas < desired:
		return notReady(rolloutStatus("deployment", d.Namespace, d.Name),
			"Deployment %s %d/%d replicas available", id, s.AvailableReplicas, desired)
	}
	return ready("Deployment %s %d/%d replicas available", id, s.AvailableReplicas, desired)
}

// Istiod evaluates the istiod Deployments found by [IstiodSelector], one per revision: each
// must be Ready by [Deployment]. None at all (nil entries aside) is NotReady, with the command
// that installs istiod.
func Istiod(deps []*appsv1.Deployment) Result {
	var rs []Result
	for _, d := range deps {
		if d != nil {
			rs = append(rs, Deployment(d))
		}
	}
	if len(rs) == 0 {
		return notReady(istiodInstall, "no istiod Deployment (%s) found", IstiodSelector)
	}
	if w := worst(rs...); w.Status != Ready || len(rs) > 1 {
		if w.Status == Ready {
			return ready("%d istiod Deployments available", len(rs))
		}
		return w
	}
	return rs[0]
}

// DaemonSet evaluates a DaemonSet strictly, like istioctl's install wait and unlike Helm's
// --wait (which subtracts maxUnavailable): the controller has observed its current
// generation, at least one node is scheduled, and every scheduled node runs an updated, ready
// Pod. When nodes are not ready, the remediation lists the DaemonSet's Pods by its selector,
// or describes the DaemonSet when it has none.
func DaemonSet(ds *appsv1.DaemonSet) Result {
	return daemonSet(ds, "")
}

// daemonSet is [DaemonSet], listing the Pods by fallbackSelector (the component's own, when
// the caller knows the component) if the DaemonSet has no selector.
func daemonSet(ds *appsv1.DaemonSet, fallbackSelector string) Result {
	if ds == nil {
		return notReady("", "DaemonSet not found")
	}
	id := ds.Namespace + "/" + ds.Name
	if ds.Status.ObservedGeneration < ds.Generation {
		return notReady(rolloutStatus("daemonset", ds.Namespace, ds.Name),
			"DaemonSet %s generation %d not observed yet (observed %d)", id, ds.Generation, ds.Status.ObservedGeneration)
	}
	s := ds.Status
	pods := fmt.Sprintf("kubectl -n %s describe daemonset/%s", ds.Namespace, ds.Name)
	if sel := cmp.Or(selectorString(ds.Spec.Selector), fallbackSelector); sel != "" {
		pods = fmt.Sprintf("kubectl -n %s get pods -l %s -o wide", ds.Namespace, sel)
	}
	switch {
	case s.DesiredNumberScheduled <= 0:
		return notReady(fmt.Sprintf("check the nodeSelector, affinity and tolerations of daemonset/%s in %s", ds.Name, ds.Namespace),
			"DaemonSet %s is scheduled on no node", id)
	case s.UpdatedNumberScheduled < s.DesiredNumberScheduled:
		return notReady(rolloutStatus("daemonset", ds.Namespace, ds.Name),
			"%d/%d nodes updated", s.UpdatedNumberScheduled, s.DesiredNumberScheduled)
	case s.NumberReady < s.DesiredNumberScheduled:
		return notReady(pods, "%d/%d nodes ready", s.NumberReady, s.DesiredNumberScheduled)
	}
	return ready("%d/%d nodes ready", s.NumberReady, s.DesiredNumberScheduled)
}

// IstioCNI evaluates the istio-cni node agent DaemonSets found by [IstioCNISelector] with
// [DaemonSet]. None at all (nil entries aside) is NotReady, with the command that installs
// istio-cni.
func IstioCNI(dss []*appsv1.DaemonSet) Result {
	return daemonSets(dss, "istio-cni", IstioCNISelector, istioCNIInstall)
}

// Ztunnel evaluates the ztunnel DaemonSets found by [ZtunnelSelector] with [DaemonSet]. None at
// all (nil entries aside) is NotReady, with the command that installs ztunnel.
func Ztunnel(dss []*appsv1.DaemonSet) Result {
	return daemonSets(dss, "ztunnel", ZtunnelSelector, ztunnelInstall)
}

func daemonSets(dss []*appsv1.DaemonSet, name, selector, install string) Result {
	var rs []Result
	for _, ds := range dss {
		if ds != nil {
			rs = append(rs, daemonSet(ds, selector))
		}
	}
	if len(rs) == 0 {
		return notReady(install, "no %s DaemonSet (%s) found", name, selector)
	}
	return worst(rs...)
}

func rolloutStatus(kind, ns, name string) string {
	return fmt.Sprintf("kubectl -n %s rollout status %s/%s", ns, kind, name)
}

// selectorString returns sel as a kubectl -l argument, quoted for a shell when it has set-based
// expressions, or "" when it selects nothing in particular (nil, empty or invalid).
func selectorString(sel *metav1.LabelSelector) string {
	if sel == nil || len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0 {
		return ""
	}
	if len(sel.MatchExpressions) == 0 {
		parts := make([]string, 0, len(sel.MatchLabels))
		for _, k := range sortedKeys(sel.MatchLabels) {
			parts = append(parts, k+"="+sel.MatchLabels[k])
		}
		return strings.Join(parts, ",")
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return ""
	}
	return "'" + s.String() + "'"
}
