package readiness

import (
	"fmt"
	"slices"
	"strings"

	istionetworking "istio.io/client-go/pkg/apis/networking/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ambientkit/ambientkit/ambient"
)

// ConditionWaypointBound is the condition istiod writes on a Service, ServiceEntry or Pod that
// names a waypoint: True once bound, False with the reason when the binding failed.
const ConditionWaypointBound = "istio.io/WaypointBound"

// Waypoint evaluates a waypoint Gateway: Accepted is not False, Programmed is True for the
// Gateway's current generation, and the Deployment Istio made for it (labelled
// gateway.networking.k8s.io/gateway-name=<name> in its namespace, found among deployments) is
// Ready by [Deployment]. Istio sets Programmed once the Gateway's Service has an address, whether
// or not a proxy runs behind it, so Programmed alone does not mean the waypoint can serve.
func Waypoint(gw *gatewayv1.Gateway, deployments []*appsv1.Deployment) Result {
	if gw == nil {
		return notReady("", "waypoint Gateway not found")
	}
	describe := fmt.Sprintf("kubectl -n %s describe gateway/%s", gw.Namespace, gw.Name)
	if c := findCondition(gw.Status.Conditions, string(gatewayv1.GatewayConditionAccepted)); c != nil && c.Status == metav1.ConditionFalse {
		return notReady(describe, "not accepted: %s", conditionText(c))
	}
	p := findCondition(gw.Status.Conditions, string(gatewayv1.GatewayConditionProgrammed))
	switch {
	case p == nil:
		return notReady(describe, "not programmed yet")
	case p.ObservedGeneration < gw.Generation:
		return notReady(describe, "generation %d not programmed yet (status is for %d)", gw.Generation, p.ObservedGeneration)
	case p.Status != metav1.ConditionTrue:
		return notReady(describe, "not programmed: %s", conditionText(p))
	}
	var own []Result
	for _, d := range deployments {
		if d != nil && d.Namespace == gw.Namespace && d.Labels[gatewayv1.GatewayNameLabelKey] == gw.Name {
			own = append(own, Deployment(d))
		}
	}
	if len(own) == 0 {
		return notReady(describe, "programmed, but no Deployment labelled %s=%s", gatewayv1.GatewayNameLabelKey, gw.Name)
	}
	if w := worst(own...); w.Status != Ready {
		return w
	}
	return ready("programmed; %s", own[0].Reason)
}

// WaypointBindings evaluates, for the Services and ServiceEntries of one namespace, the
// [ConditionWaypointBound] condition where istiod wrote it: NotReady if any binding failed,
// Ready if every one was accepted. Objects without the condition are not bound to a waypoint
// and are left out; when none carries it (see [HasWaypointBound]) there is no binding to
// judge, and the result is Unknown.
func WaypointBindings(services []*corev1.Service, entries []*istionetworking.ServiceEntry) Result {
	var bound int
	var failed []string
	for _, svc := range services {
		if svc == nil {
			continue
		}
		c := findCondition(svc.Status.Conditions, ConditionWaypointBound)
		if c == nil {
			continue
		}
		bound++
		if c.Status != metav1.ConditionTrue {
			failed = append(failed, fmt.Sprintf("Service %s: %s", svc.Name, conditionText(c)))
		}
	}
	for _, se := range entries {
		if se == nil {
			continue
		}
		for _, c := range se.Status.GetConditions() {
			if c.GetType() != ConditionWaypointBound {
				continue
			}
			bound++
			if c.GetStatus() != string(metav1.ConditionTrue) {
				failed = append(failed, fmt.Sprintf("ServiceEntry %s: %s", se.Name, reasonMessage(c.GetReason(), c.GetMessage())))
			}
		}
	}
	if bound == 0 {
		return Result{Status: Unknown,
			Reason:      fmt.Sprintf("no Service or ServiceEntry is bound to a waypoint (none carries %s)", ConditionWaypointBound),
			Remediation: fmt.Sprintf("label a Service or ServiceEntry %s=<waypoint> to bind it, then check again", ambient.LabelUseWaypoint)}
	}
	if len(failed) > 0 {
		slices.Sort(failed)
		return notReady("check the istio.io/use-waypoint labels and that the waypoint exists and allows this namespace",
			"%d/%d waypoint bindings failed: %s", len(failed), bound, strings.Join(failed, "; "))
	}
	return ready("%d/%d waypoint bindings accepted", bound, bound)
}

// HasWaypointBound reports whether any of the objects carries [ConditionWaypointBound], that
// is whether [WaypointBindings] has a binding to judge.
func HasWaypointBound(services []*corev1.Service, entries []*istionetworking.ServiceEntry) bool {
	for _, svc := range services {
		if svc != nil && findCondition(svc.Status.Conditions, ConditionWaypointBound) != nil {
			return true
		}
	}
	for _, se := range entries {
		if se == nil {
			continue
		}
		for _, c := range se.Status.GetConditions() {
			if c.GetType() == ConditionWaypointBound {
				return true
			}
		}
	}
	return false
}

func findCondition(cs []metav1.Condition, t string) *metav1.Condition {
	for i := range cs {
		if cs[i].Type == t {
			return &cs[i]
		}
	}
	return nil
}

func conditionText(c *metav1.Condition) string { return reasonMessage(c.Reason, c.Message) }

func reasonMessage(reason, message string) string {
	switch {
	case reason == "":
		return message
	case message == "":
		return reason
	}
	return reason + ": " + message
}
