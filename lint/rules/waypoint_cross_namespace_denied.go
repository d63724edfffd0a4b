package rules

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/waypoint"
)

// WaypointCrossNamespaceDenied is AMB205: a binding reaches a waypoint whose HBONE listener
// does not admit the binding's namespace.
var WaypointCrossNamespaceDenied = &lint.Rule{
	ID:       "AMB205",
	Name:     "waypoint-cross-namespace-denied",
	Severity: lint.Error,
	Summary:  "a binding reaches a waypoint whose allowedRoutes do not admit the binding namespace",
	Doc: `**What.** An object binds a waypoint (` + "`istio.io/use-waypoint`" + `, usually with
` + "`istio.io/use-waypoint-namespace`" + ` naming another namespace) whose HBONE listener (port 15008,
protocol HBONE) does not admit the binding namespace through
` + "`allowedRoutes.namespaces`" + `: ` + "`from`" + ` unset or ` + "`Same`" + ` admits only the waypoint's own
namespace, ` + "`All`" + ` every namespace, ` + "`Selector`" + ` the namespaces whose labels match (every
Namespace carries ` + "`kubernetes.io/metadata.name`" + `). The binding namespace's labels are read from
its Namespace object in the tree; a selector on other labels of a namespace the tree does not
define is not judged. The check is the SDK's ` + "`waypoint.ValidateBinding`" + `.

**Why it breaks a cluster.** istiod refuses the attachment (status AttachmentDenied), so the
objects get no waypoint and their traffic goes around it: the L7 policy and routing of the
shared waypoint do not apply to them.

**Fix.** On the waypoint's HBONE listener, admit the namespace:
` + "`allowedRoutes.namespaces.from: All`" + `, or ` + "`from: Selector`" + ` with a selector that matches it (the SDK's
` + "`waypoint.AllowNamespaceSelector`" + `); or bind a waypoint in the object's own namespace.`,
	Kinds: append([]string{namespaceGK, serviceGK, serviceEntryGK, workloadEntryGK, gatewayGK}, workloadKinds...),
	Run:   runWaypointCrossNamespaceDenied,
}

func runWaypointCrossNamespaceDenied(p *lint.Pass) error {
	inv := p.Inventory
	for _, b := range bindings(p) {
		if b.Namespace == "" {
			continue // the binding namespace is unknown
		}
		gwObj := waypointGateway(inv, b.WaypointNamespace, b.Name)
		if gwObj == nil || gateway(gwObj) == nil {
			continue
		}
		// Judge the Gateway in its effective namespace: kustomize, the Argo CD destination or
		// the Flux targetNamespace place a Gateway that names none, and "Same" compares with it.
		gw := gateway(gwObj).DeepCopy()
		gw.Namespace = gwObj.Namespace
		nsLabels, inTree := namespaceLabels(inv, b.Namespace)
		denied := waypoint.ValidateBinding(gw, b.Namespace, nsLabels)
		if len(denied) == 0 || (!inTree && !judgeableWithoutLabels(gw)) || opaqueLabels(nsLabels) || opaqueSelector(gw) {
			continue
		}
		p.Report(lint.Finding{
			Message: fmt.Sprintf("%s binds waypoint %s, but %s: istiod denies the attachment and the traffic "+
				"goes around the waypoint", b.What, b.Ref(), denied[0].Message),
			Pos:    b.NamespacePos(),
			Object: b.Obj.Ref,
			Related: []lint.Related{{
				Position: hboneListenerPos(gwObj, gw),
				Message:  fmt.Sprintf("the HBONE listener of waypoint %s", b.Ref()),
			}},
		})
	}
	return nil
}

// judgeableWithoutLabels reports whether the admission of gw's HBONE listener can be decided
// without the binding Namespace's labels: anything but a selector, or a selector on
// kubernetes.io/metadata.name alone (the API server sets it from the name).
func judgeableWithoutLabels(gw *gatewayv1.Gateway) bool {
	i := hboneListenerIndex(gw)
	if i < 0 || gw.Spec.Listeners[i].AllowedRoutes == nil || gw.Spec.Listeners[i].AllowedRoutes.Namespaces == nil {
		return true
	}
	rn := gw.Spec.Listeners[i].AllowedRoutes.Namespaces
	if rn.From == nil || *rn.From != gatewayv1.NamespacesFromSelector || rn.Selector == nil {
		return true
	}
	for k := range rn.Selector.MatchLabels {
		if k != corev1.LabelMetadataName {
			return false
		}
	}
	for _, e := range rn.Selector.MatchExpressions {
		if e.Key != corev1.LabelMetadataName {
			return false
		}
	}
	return true
}

// opaqueLabels reports whether a label value is filled in later, so a selector cannot be
// judged against the labels.
func opaqueLabels(l map[string]string) bool {
	for _, v := range l {
		if manifest.IsOpaque(v) {
			return true
		}
	}
	return false
}

// opaqueSelector reports whether the namespace selector of gw's HBONE listener holds a value
// filled in later.
func opaqueSelector(gw *gatewayv1.Gateway) bool {
	i := hboneListenerIndex(gw)
	if i < 0 || gw.Spec.Listeners[i].AllowedRoutes == nil || gw.Spec.Listeners[i].AllowedRoutes.Namespaces == nil ||
		gw.Spec.Listeners[i].AllowedRoutes.Namespaces.Selector == nil {
		return false
	}
	sel := gw.Spec.Listeners[i].AllowedRoutes.Namespaces.Selector
	if opaqueLabels(sel.MatchLabels) {
		return true
	}
	for _, e := range sel.MatchExpressions {
		if manifest.IsOpaque(e.Key) || slices.ContainsFunc(e.Values, manifest.IsOpaque) {
			return true
		}
	}
	return false
}

// hboneListenerIndex returns the index of gw's listener on port 15008 with protocol HBONE, or -1.
func hboneListenerIndex(gw *gatewayv1.Gateway) int {
	for i, l := range gw.Spec.Listeners {
		if l.Port == ambient.HBONEPort && l.Protocol == ambient.HBONEProtocol {
			return i
		}
	}
	return -1
}

// hboneListenerPos returns the position of gw's HBONE listener in o, or of its listeners.
func hboneListenerPos(o *manifest.Object, gw *gatewayv1.Gateway) manifest.Position {
	if i := hboneListenerIndex(gw); i >= 0 {
		return o.Pos("spec", "listeners", fmt.Sprint(i))
	}
	return o.Pos("spec", "listeners")
}
