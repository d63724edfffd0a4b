package rules

import (
	"fmt"
	"strings"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/lint"
)

// WaypointNotFound is AMB203: istio.io/use-waypoint names a waypoint the tree does not
// define, in a namespace whose manifests the tree holds.
var WaypointNotFound = &lint.Rule{
	ID:       "AMB203",
	Name:     "waypoint-not-found",
	Severity: lint.Error,
	Summary:  "istio.io/use-waypoint names a waypoint that the tree does not define",
	Doc: `**What.** The label ` + "`istio.io/use-waypoint`" + ` on a Namespace, Service, ServiceEntry,
WorkloadEntry, Pod or pod template names a waypoint, in the object's own namespace or in the
one ` + "`istio.io/use-waypoint-namespace`" + ` names, and the tree defines no Gateway of that name
there, although it holds that namespace's manifests (some object of the tree lives in it, no
Helm chart of the tree renders into it, and no Argo CD Application or Flux Kustomization
targets it with a source the tree does not hold, such as another repository or an OCI
artifact). Namespaces are the effective ones: kustomize's
` + "`namespace`" + `, the Argo CD destination, the Flux ` + "`targetNamespace`" + `. The value ` + "`none`" + `
opts out of waypoints and is never reported; nor are values that hold an unresolved ` + "`${VAR}`" + `.
The label may be written in the object or added by its build (kustomize ` + "`commonLabels`" + ` or
` + "`labels`" + `, Flux ` + "`commonMetadata`" + `, Argo CD ` + "`spec.source.kustomize.commonLabels`" + `): the finding
then points where the build sets it.

**Why it breaks a cluster.** istiod looks the waypoint up by namespace and name. When there is
no such Gateway it marks the binding as not ready and sends the traffic straight to the
workloads, around any waypoint: the L7 authorization policy, routing and telemetry that the
waypoint was meant to apply are silently skipped.

**Fix.** Name an existing waypoint (the suggested fix does when one of a close name exists in
that namespace), or add the waypoint: ` + "`istioctl waypoint generate -n NAMESPACE NAME`" + `
writes the Gateway to commit, or the SDK's ` + "`waypoint.New`" + `.`,
	Kinds: append([]string{namespaceGK, serviceGK, serviceEntryGK, workloadEntryGK, gatewayGK}, workloadKinds...),
	Run:   runWaypointNotFound,
}

func runWaypointNotFound(p *lint.Pass) error {
	inv := p.Inventory
	for _, b := range bindings(p) {
		if waypointGateway(inv, b.WaypointNamespace, b.Name) != nil || !holdsNamespace(p, b.WaypointNamespace) {
			continue
		}
		how := fmt.Sprintf("in its namespace %s", b.WaypointNamespace)
		if b.CrossNamespace {
			how = fmt.Sprintf("in namespace %s (%s)", b.WaypointNamespace, ambient.LabelUseWaypointNamespace)
		}
		msg := fmt.Sprintf("%s uses waypoint %q %s, but the tree defines no Gateway %s there: istiod "+
			"sends its traffic around any waypoint", b.What, b.Name, how, b.Ref())
		names := waypointNames(inv, b.WaypointNamespace)
		f := lint.Finding{Pos: b.Pos(), Object: b.Obj.Ref}
		if near := nearestName(b.Name, names); near != "" {
			msg += fmt.Sprintf("; did you mean %q?", near)
			if edit, ok := replaceScalar(b.Obj, b.node(), near); ok {
				f.Fixes = []lint.Fix{{Message: fmt.Sprintf("use waypoint %q", near), Edits: []lint.TextEdit{edit}}}
			}
		} else if len(names) > 0 {
			msg += fmt.Sprintf("; namespace %s has the waypoints %s", b.WaypointNamespace, strings.Join(names, ", "))
		}
		f.Message = msg
		p.Report(f)
	}
	return nil
}
