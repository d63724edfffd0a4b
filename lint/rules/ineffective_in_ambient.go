package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	networkingapi "istio.io/api/networking/v1alpha3"
	istionetworkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

const (
	sidecarGK     = "networking.istio.io/Sidecar"
	envoyFilterGK = "networking.istio.io/EnvoyFilter"
)

// IneffectiveInAmbient is AMB208: settings that ambient mode ignores.
var IneffectiveInAmbient = &lint.Rule{
	ID:       "AMB208",
	Name:     "ineffective-in-ambient",
	Severity: lint.Warning,
	Summary:  "a Sidecar, EnvoyFilter, sidecar or redirection annotation, exportTo, Service route or REGISTRY_ONLY that ambient mode ignores",
	Doc: `**What.** Settings written for sidecars that have no effect on ambient workloads:

- a ` + "`Sidecar`" + ` resource or an ` + "`EnvoyFilter`" + ` whose ` + "`workloadSelector`" + ` selects only ambient
  workloads, or that has no selector in an ambient namespace (outside the root namespace:
  ` + "`istio-system`" + `, or what the istiod chart of the tree sets as ` + "`meshConfig.rootNamespace`" + `)
  where no workload runs a sidecar (and, for an EnvoyFilter, no Gateway or
  Helm chart of the tree runs an Envoy);
- ` + "`sidecar.istio.io/*`" + ` annotations, other than ` + "`sidecar.istio.io/inject`" + `, on a pod template
  whose pods are in ambient mode;
- ` + "`exportTo`" + ` on a ServiceEntry, when the tree enrolls workloads in ambient mode;
- an HTTPRoute or GRPCRoute whose ` + "`parentRefs`" + ` name a Service of an ambient namespace that no
  waypoint serves (neither the Service nor its Namespace has ` + "`istio.io/use-waypoint`" + `, or its
  waypoint does not serve service traffic), in a tree that runs no sidecars;
- ` + "`ambient.istio.io/redirection`" + ` written on a pod template or Pod: since Istio 1.22 it is the
  status istio-cni writes, and ` + "`disabled`" + ` no longer opts a pod out (` + "`istio.io/dataplane-mode: none`" + `
  does);
- ` + "`meshConfig.outboundTrafficPolicy.mode: REGISTRY_ONLY`" + ` in an istiod chart's values, when the tree
  enrolls workloads in ambient mode: ztunnel does not enforce it.

*Changed:* the routes, the redirection annotation and REGISTRY_ONLY were not reported.

**Why it breaks a cluster.** Ambient pods have no sidecar: ztunnel is not Envoy and reads
neither Sidecar resources, EnvoyFilters nor sidecar annotations, so the egress limits, filters
and proxy settings they carry are silently not applied. ztunnel also ignores a ServiceEntry's
` + "`exportTo`" + `: ambient workloads of every namespace resolve and reach its hosts, so a
visibility limit someone relies on is not there. A route attached to a Service (the Gateway API
for meshes, GAMMA) is carried out by the proxy that serves the Service: in ambient mode that is
its waypoint, and a sidecar client's own Envoy; ztunnel does no HTTP routing, so without a
waypoint the route's matches, splits, retries and timeouts do nothing.

**Fix.** Remove what does not apply, or move it where it does: L7 behaviour into a waypoint
(Gateway API routes, policy attached with ` + "`targetRefs`" + `, an EnvoyFilter with ` + "`targetRefs`" + `
naming the waypoint), egress control into ServiceEntries and an egress waypoint, and visibility
limits into AuthorizationPolicy. Bind a waypoint to the Service a route names (label it, or its
Namespace, ` + "`istio.io/use-waypoint`" + `).`,
	Kinds: append([]string{sidecarGK, envoyFilterGK, serviceEntryGK, namespaceGK, gatewayGK, gatewayClassGK,
		serviceGK, httpRouteGK, grpcRouteGK}, workloadKinds...),
	Run: runIneffectiveInAmbient,
}

func runIneffectiveInAmbient(p *lint.Pass) error {
	inv := p.Inventory
	for _, o := range inv.Kind(sidecarGK) {
		sc := sidecarSpec(o)
		if sc == nil {
			continue
		}
		if scope := ambientOnlyScope(p, o, sc.GetWorkloadSelector().GetLabels(), false); scope != "" {
			p.Report(lint.Finding{
				Message: fmt.Sprintf("Sidecar %s %s: ambient pods have no sidecar, so nothing applies it", nsName(o), scope),
				Pos:     selectorPos(o),
				Object:  o.Ref,
			})
		}
	}
	for _, o := range inv.Kind(envoyFilterGK) {
		ef, ok := o.Typed.(*istionetworkingv1alpha3.EnvoyFilter)
		if !ok || len(ef.Spec.GetTargetRefs()) > 0 {
			continue // targetRefs name a Gateway or waypoint, which runs Envoy
		}
		if scope := ambientOnlyScope(p, o, ef.Spec.GetWorkloadSelector().GetLabels(), true); scope != "" {
			p.Report(lint.Finding{
				Message: fmt.Sprintf("EnvoyFilter %s %s: ambient pods have no Envoy sidecar and ztunnel is not Envoy, "+
					"so nothing applies it; to change a waypoint, name it with targetRefs", nsName(o), scope),
				Pos:    selectorPos(o),
				Object: o.Ref,
			})
		}
	}
	for _, w := range workloads(inv) {
		redirectionByHand(p, w)
		if w.mode(inv).Mode != ambient.Ambient {
			continue
		}
		template := w.Obj.Ref.Kind != "Pod"
		what := "the pod template of " + objectName(w.Obj)
		if !template {
			what = objectName(w.Obj)
		}
		for _, e := range objectMeta(p, w.Obj) {
			if e.Label || e.Template != template || !strings.HasPrefix(e.Key, "sidecar.istio.io/") ||
				e.Key == ambient.AnnotationSidecarInject {
				continue
			}
			p.Report(lint.Finding{
				Message: fmt.Sprintf("annotation %s on %s has no effect: its pods are in ambient mode and get no sidecar",
					e.Key, what),
				Pos:    w.Obj.KeyPos(e.Path()...),
				Object: w.Obj.Ref,
			})
		}
	}
	if treeEnrolls(p) {
		for _, o := range inv.Kind(serviceEntryGK) {
			se := serviceEntry(o)
			if se == nil || len(se.Spec.ExportTo) == 0 || slices.Contains(se.Spec.ExportTo, "*") ||
				slices.ContainsFunc(se.Spec.ExportTo, manifest.IsOpaque) {
				continue
			}
			p.Report(lint.Finding{
				Message: fmt.Sprintf("ServiceEntry %s limits exportTo to %q, but ztunnel ignores exportTo: ambient "+
					"workloads of every namespace resolve and reach its hosts", nsName(o), se.Spec.ExportTo),
				Pos:    o.KeyPos("spec", "exportTo"),
				Object: o.Ref,
			})
		}
	}
	routesWithoutWaypoint(p)
	registryOnly(p)
	return nil
}

// sidecarSpec returns o's Sidecar spec (the same message in every version), or nil.
// redirectionByHand reports ambient.istio.io/redirection written on a pod template or Pod:
// since Istio 1.22 istio-cni writes it as the status of a pod's capture and reads no input
// from it, so "disabled" opts nothing out (istio/istio#50804).
func redirectionByHand(p *lint.Pass, w workload) {
	onPod := w.Obj.Ref.Kind != "Pod" // a workload's pods carry its template's metadata
	for _, e := range objectMeta(p, w.Obj) {
		if e.Label || e.Template != onPod || e.Key != ambient.AnnotationRedirection || manifest.IsOpaque(e.Value) {
			continue
		}
		what := objectName(w.Obj)
		if e.Template {
			what = "the pod template of " + what
		}
		p.Report(lint.Finding{
			Message: fmt.Sprintf("annotation %s: %s on %s has no effect: istio-cni writes it as the status of a pod's "+
				"capture (since Istio 1.22) and reads nothing from it; to keep the pods out of ambient mode, label "+
				"them %s: %s", e.Key, e.Value, what, ambient.LabelDataplaneMode, ambient.DataplaneModeNone),
			Pos:    w.Obj.KeyPos(e.Path()...),
			Object: w.Obj.Ref,
		})
	}
}

// registryOnly reports meshConfig.outboundTrafficPolicy.mode: REGISTRY_ONLY in the values of
// an istiod chart of a tree that enrolls workloads in ambient mode: sidecars enforce it,
// ztunnel does not, so ambient workloads still reach any host.
func registryOnly(p *lint.Pass) {
	if !treeEnrolls(p) {
		return
	}
	for _, ci := range p.Model.Charts {
		if k, ok := gitops.ChartComponent(ci); !ok || k != gitops.Istiod {
			continue
		}
		const mode = "meshConfig.outboundTrafficPolicy.mode"
		if v, ok := istiodChartValue(ci.Values, mode); !ok || v != "REGISTRY_ONLY" {
			continue
		}
		at := mode
		if _, ok := gitops.ValueAt(ci.Values, "pilot."+mode); ok {
			at = "pilot." + mode // the chart copies pilot up a level, over the plain value
		}
		f := lint.Finding{
			Message: fmt.Sprintf("%s sets outboundTrafficPolicy mode REGISTRY_ONLY, which sidecars enforce and ztunnel "+
				"does not: ambient workloads still reach hosts no ServiceEntry declares; restrict their egress with an "+
				"egress waypoint and AuthorizationPolicy, or a NetworkPolicy", chartWhat(ci)),
			Pos: valuePos(ci, strings.Split(at, ".")...),
		}
		if ci.Object != nil {
			f.Object = ci.Object.Ref
		}
		p.Report(f)
	}
}

// routesWithoutWaypoint reports the HTTPRoutes and GRPCRoutes whose parentRefs name a
// Service of an ambient namespace that no waypoint serves: nothing carries their rules out. A
// tree that runs sidecars is left alone, since a sidecar client applies a Service's routes
// itself.
func routesWithoutWaypoint(p *lint.Pass) {
	inv := p.Inventory
	// Whether the tree runs sidecars is asked only once a route is a candidate: most trees
	// attach no route to a Service, and the answer takes every workload's mode.
	sidecars := sync.OnceValue(func() bool { return treeRunsSidecars(p) })
	for _, gk := range []string{httpRouteGK, grpcRouteGK} {
		for _, o := range inv.Kind(gk) {
			var refs []gatewayv1.ParentReference
			switch r := o.Typed.(type) {
			case *gatewayv1.HTTPRoute:
				refs = r.Spec.ParentRefs
			case *gatewayv1.GRPCRoute:
				refs = r.Spec.ParentRefs
			}
			for i, ref := range refs {
				if ref.Kind == nil || *ref.Kind != "Service" || (ref.Group != nil && *ref.Group != "" && *ref.Group != "core") {
					continue
				}
				ns := o.Namespace
				if ref.Namespace != nil {
					ns = string(*ref.Namespace)
				}
				svc := inv.Get(serviceGK, ns, string(ref.Name))
				if svc == nil || manifest.IsOpaque(string(ref.Name)) || !namespaceAmbient(p, ns) {
					continue
				}
				why := ""
				switch wp, bound, known := servingWaypoint(inv, svc); {
				case !known:
					continue
				case !bound:
					why = fmt.Sprintf("no waypoint serves it (neither it nor its Namespace has %s)", ambient.LabelUseWaypoint)
				case !servesServices(inv, wp):
					why = fmt.Sprintf("its waypoint %s does not serve service traffic", wp)
				default:
					continue
				}
				if sidecars() {
					return
				}
				p.Report(lint.Finding{
					Message: fmt.Sprintf("%s %s is attached to Service %s/%s, but %s: in ambient mode a Service's routes "+
						"are carried out by its waypoint, and ztunnel does no HTTP routing, so the route does nothing for "+
						"mesh traffic; bind a waypoint to the Service or its Namespace", o.Ref.Kind, nsName(o), ns, ref.Name, why),
					Pos:     o.Pos("spec", "parentRefs", strconv.Itoa(i)),
					Object:  o.Ref,
					Related: []lint.Related{{Position: svc.Pos(), Message: fmt.Sprintf("Service %s/%s", ns, ref.Name)}},
				})
			}
		}
	}
}

// treeRunsSidecars reports whether the tree runs workloads with sidecars: a Namespace or a
// workload whose pods get one.
func treeRunsSidecars(p *lint.Pass) bool {
	inv := p.Inventory
	for _, o := range inv.Kind(namespaceGK) {
		if ambient.NamespaceMode(o.Ref.Name, o.Labels).Mode == ambient.Sidecar {
			return true
		}
	}
	for _, w := range workloads(inv) {
		if w.mode(inv).Mode == ambient.Sidecar {
			return true
		}
	}
	return false
}

func sidecarSpec(o *manifest.Object) *networkingapi.Sidecar {
	switch x := o.Typed.(type) {
	case *istionetworkingv1.Sidecar:
		return &x.Spec
	case *istionetworkingv1beta1.Sidecar:
		return &x.Spec
	case *istionetworkingv1alpha3.Sidecar:
		return &x.Spec
	}
	return nil
}

// selectorPos is where a finding about o's reach points: its workloadSelector, else its name.
func selectorPos(o *manifest.Object) manifest.Position {
	if o.Lookup("spec", "workloadSelector") != nil {
		return o.KeyPos("spec", "workloadSelector")
	}
	return o.Pos("metadata", "name")
}

// ambientOnlyScope says, as a clause, that the sidecar configuration o (selecting sel)
// reaches only ambient workloads; "" when it reaches a sidecar, when envoy is true and a
// Gateway or chart of the tree runs an Envoy it reaches, or when the tree cannot tell.
func ambientOnlyScope(p *lint.Pass, o *manifest.Object, sel map[string]string, envoy bool) string {
	inv := p.Inventory
	ns := o.Namespace
	if ns == "" || isRootNamespace(p, ns) || selectsGatewayPods(sel) {
		return ""
	}
	ws := selected(inv, ns, sel)
	var amb []string
	for _, w := range ws {
		if w.mode(inv).Mode != ambient.Ambient {
			return "" // a workload it reaches has a sidecar (or is outside the mesh)
		}
		amb = append(amb, objectName(w.Obj))
	}
	if len(sel) > 0 && len(amb) > 0 {
		return "selects only ambient workloads (" + strings.Join(amb, ", ") + ")"
	}
	if !namespaceAmbient(p, ns) {
		return ""
	}
	if envoy && len(sel) == 0 && runsEnvoy(p, ns) {
		return ""
	}
	if len(sel) > 0 {
		return "selects workloads of the ambient namespace " + ns
	}
	return "applies to the whole ambient namespace " + ns
}

// runsEnvoy reports whether the tree runs an Envoy proxy in namespace ns other than sidecars:
// a Gateway (waypoint or ingress) or a Helm chart whose objects the tree does not show.
func runsEnvoy(p *lint.Pass, ns string) bool {
	inv := p.Inventory
	for _, o := range inv.Kind(gatewayGK) {
		if o.Namespace == ns {
			return true
		}
	}
	for _, c := range p.Model.Charts {
		if c.Namespace == ns {
			return true
		}
	}
	return false
}
