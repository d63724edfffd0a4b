package rules

import (
	"fmt"
	"slices"

	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// UnusedWaypoint is AMB212: a waypoint Gateway that nothing in the tree binds.
var UnusedWaypoint = &lint.Rule{
	ID:       "AMB212",
	Name:     "unused-waypoint",
	Severity: lint.Info,
	Summary:  "a waypoint Gateway that no istio.io/use-waypoint label of the tree binds",
	Doc: `**What.** A Gateway of class ` + "`istio-waypoint`" + ` that no ` + "`istio.io/use-waypoint`" + ` label of the
tree names: not on a Namespace (nor an Argo CD Application's ` + "`managedNamespaceMetadata`" + `), Service,
ServiceEntry, WorkloadEntry, Pod or pod template, in the waypoint's own namespace or in another
one through ` + "`istio.io/use-waypoint-namespace`" + `. Labels a build adds (kustomize, Flux
` + "`commonMetadata`" + `) count. The rule stays quiet when a binding could come from outside what it sees:
a ` + "`use-waypoint`" + ` value the tree leaves to a later tool (` + "`${VAR}`" + `, ` + "`{{ … }}`" + `); a
waypoint in a namespace that a Helm chart of the tree renders into or that an Argo CD Application or
Flux Kustomization fills from a source the tree does not hold; or a waypoint that admits other
namespaces (` + "`allowedRoutes.namespaces.from`" + ` ` + "`All`" + ` or ` + "`Selector`" + `) while such a namespace exists.
Other Gateways (an ingress gateway, the ` + "`istio-east-west`" + ` gateway, a Gateway labelled
` + "`topology.istio.io/network`" + `) are never reported. Applies to every Istio version with waypoints
(1.22 and later).

**Why it breaks a cluster.** Nothing breaks, which is the point of an info finding: Istio sends
traffic to a waypoint only for what a ` + "`use-waypoint`" + ` label binds to it. A waypoint that nothing
binds runs its Deployment for nothing, and the HTTPRoutes, AuthorizationPolicies and telemetry
attached to it (` + "`targetRefs`" + ` naming the Gateway) do nothing: traffic that was meant to pass
through it flows straight from ztunnel to the workloads, without the L7 policy it was written for.

**Fix.** Bind the waypoint where it was meant to apply: ` + "`istio.io/use-waypoint: NAME`" + ` on the
Namespace (` + "`istioctl waypoint apply -n NS --enroll-namespace`" + ` does this) or on the Services that
need it, with ` + "`istio.io/use-waypoint-namespace`" + ` from other namespaces; or remove the Gateway.`,
	Kinds: append([]string{gatewayGK, namespaceGK, serviceGK, serviceEntryGK, workloadEntryGK}, workloadKinds...),
	Run:   runUnusedWaypoint,
}

// networkLabel marks Istio's multi-network (east-west) gateways.
const networkLabel = "topology.istio.io/network"

// waypointUse is what the tree's use-waypoint labels say about which waypoints are bound.
type waypointUse struct {
	bound     map[string]bool // namespace/name of every waypoint a label names
	nameOnly  map[string]bool // names bound from an object whose namespace is unknown
	anyIn     map[string]bool // namespaces where an opaque name could bind any waypoint
	anyWhere  bool            // an opaque use-waypoint-namespace could bind anywhere
	bindingNS []string        // namespaces holding bindings (for messages)
}

func runUnusedWaypoint(p *lint.Pass) error {
	inv := p.Inventory
	use := collectWaypointUse(p)
	if use.anyWhere {
		return nil
	}
	unseen := p.Model.UnseenNamespaces()
	for _, o := range inv.Kind(gatewayGK) {
		gw := gateway(o)
		if !isWaypoint(gw) || o.Namespace == "" || manifest.IsOpaque(o.Namespace) || manifest.IsOpaque(o.Ref.Name) {
			continue
		}
		if _, ok := o.Labels[networkLabel]; ok {
			continue
		}
		ref := o.Namespace + "/" + o.Ref.Name
		if use.bound[ref] || use.nameOnly[o.Ref.Name] || use.anyIn[o.Namespace] {
			continue
		}
		if slices.Contains(unseen, o.Namespace) {
			continue // a chart or a source outside the tree renders into its namespace
		}
		if admitsOtherNamespaces(gw) && slices.ContainsFunc(unseen, func(ns string) bool { return ns != o.Namespace }) {
			continue
		}
		f := lint.Finding{
			Message: fmt.Sprintf("waypoint Gateway %s is bound by nothing in the tree (no Namespace, Service, ServiceEntry "+
				"or pod template carries %s: %s in namespace %s, or with %s: %s elsewhere): Istio sends it no traffic, so "+
				"the routes and policies attached to it do nothing; bind it with %s or remove it",
				ref, ambient.LabelUseWaypoint, o.Ref.Name, o.Namespace, ambient.LabelUseWaypointNamespace, o.Namespace,
				ambient.LabelUseWaypoint),
			Pos:    o.Pos("metadata", "name"),
			Object: o.Ref,
		}
		f.Related = attachedToWaypoint(inv, o)
		for _, b := range bindings(p) {
			if b.Name == o.Ref.Name && b.WaypointNamespace != o.Namespace && b.WaypointNamespace != "" {
				f.Related = append(f.Related, lint.Related{Position: b.Pos(), Message: fmt.Sprintf(
					"%s binds a waypoint of this name in namespace %s, not this one: did it mean %s: %s?",
					b.What, b.WaypointNamespace, ambient.LabelUseWaypointNamespace, o.Namespace)})
			}
		}
		p.Report(f)
	}
	return nil
}

// collectWaypointUse gathers every use-waypoint label of the tree: the resolved bindings,
// the labels whose values a later tool fills in, and Argo CD managedNamespaceMetadata.
func collectWaypointUse(p *lint.Pass) waypointUse {
	u := waypointUse{bound: map[string]bool{}, nameOnly: map[string]bool{}, anyIn: map[string]bool{}}
	for _, b := range bindings(p) {
		if b.WaypointNamespace == "" {
			u.nameOnly[b.Name] = true
			continue
		}
		u.bound[b.Ref()] = true
	}
	// note records a label pair that bindings leaves out because a value is opaque.
	note := func(ns string, l map[string]string) {
		wp, ok := l[ambient.LabelUseWaypoint]
		if !ok || wp == ambient.UseWaypointNone {
			return
		}
		wpNS, cross := l[ambient.LabelUseWaypointNamespace]
		switch {
		case cross && manifest.IsOpaque(wpNS):
			u.anyWhere = true
		case !manifest.IsOpaque(wp):
		case cross:
			u.anyIn[wpNS] = true
		case ns == "" || manifest.IsOpaque(ns):
			u.anyWhere = true
		default:
			u.anyIn[ns] = true
		}
	}
	for _, o := range p.Inventory.Objects {
		ns := []string{o.Namespace}
		if o.GK() == namespaceGK {
			ns = p.Model.Names(o)
		}
		tmpl := map[string]string{}
		for _, e := range objectMeta(p, o) {
			if e.Label && e.Template {
				tmpl[e.Key] = e.Value
			}
		}
		for _, n := range ns {
			note(n, o.Labels)
			note(n, tmpl)
		}
	}
	// Argo CD labels the namespace it creates with managedNamespaceMetadata.
	for _, unit := range p.Model.Units {
		if unit.Kind != gitops.ApplicationUnit || unit.Object == nil {
			continue
		}
		for _, base := range [][]string{{"spec"}, {"spec", "template", "spec"}} {
			lp := append(slices.Clone(base), "syncPolicy", "managedNamespaceMetadata", "labels")
			l := map[string]string{}
			for _, k := range []string{ambient.LabelUseWaypoint, ambient.LabelUseWaypointNamespace} {
				if n := unit.Object.Lookup(append(slices.Clone(lp), k)...); n != nil {
					l[k] = n.Value
				}
			}
			wp, ok := l[ambient.LabelUseWaypoint]
			if !ok || wp == ambient.UseWaypointNone {
				continue
			}
			ns := unit.TargetNamespace
			if v, ok := l[ambient.LabelUseWaypointNamespace]; ok {
				ns = v
			}
			switch {
			case ns == "" || manifest.IsOpaque(ns):
				u.anyWhere = true
			case manifest.IsOpaque(wp):
				u.anyIn[ns] = true
			default:
				u.bound[ns+"/"+wp] = true
			}
		}
	}
	return u
}

// admitsOtherNamespaces reports whether gw's HBONE listener admits bindings from namespaces
// other than its own (allowedRoutes.namespaces.from All or Selector).
func admitsOtherNamespaces(gw *gatewayv1.Gateway) bool {
	for _, l := range gw.Spec.Listeners {
		if l.Port != ambient.HBONEPort || string(l.Protocol) != ambient.HBONEProtocol {
			continue
		}
		if l.AllowedRoutes == nil || l.AllowedRoutes.Namespaces == nil || l.AllowedRoutes.Namespaces.From == nil {
			return false
		}
		from := *l.AllowedRoutes.Namespaces.From
		return from == gatewayv1.NamespacesFromAll || from == gatewayv1.NamespacesFromSelector
	}
	return false
}

// attachedToWaypoint returns, as related locations, the AuthorizationPolicies and routes of
// the tree that attach to the waypoint Gateway o, which do nothing while it is unbound.
func attachedToWaypoint(inv *manifest.Inventory, o *manifest.Object) []lint.Related {
	var out []lint.Related
	for _, gk := range []string{authorizationPolicyGK, httpRouteGK, grpcRouteGK} {
		field := "targetRefs"
		if gk != authorizationPolicyGK {
			field = "parentRefs"
		}
		for _, a := range inv.Kind(gk) {
			if a.Namespace != o.Namespace {
				continue
			}
			refs := a.Lookup("spec", field)
			if refs == nil {
				continue
			}
			for i := range refs.Content {
				idx := fmt.Sprint(i)
				kind, name := a.Lookup("spec", field, idx, "kind"), a.Lookup("spec", field, idx, "name")
				if name == nil || name.Value != o.Ref.Name {
					continue
				}
				if kind != nil && kind.Value != "Gateway" || kind == nil && gk == authorizationPolicyGK {
					continue
				}
				out = append(out, lint.Related{
					Position: a.Pos("spec", field, idx, "name"),
					Message:  fmt.Sprintf("%s attaches to it and does nothing while it is unbound", objectName(a)),
				})
			}
		}
	}
	return out
}
