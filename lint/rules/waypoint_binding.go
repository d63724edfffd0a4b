package rules

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/internal/textdist"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/waypoint"
)

const (
	namespaceGK     = "/Namespace"
	serviceGK       = "/Service"
	workloadEntryGK = "networking.istio.io/WorkloadEntry"
)

// binding is one istio.io/use-waypoint label, written on a Namespace, Service, ServiceEntry,
// WorkloadEntry, Pod or pod template, that names a waypoint (not "none").
type binding struct {
	Obj *manifest.Object
	// Kind is the kind of object the label binds, as waypoint.Traffic.Serves takes it: Namespace,
	// Service, ServiceEntry, or Pod for a pod template.
	Kind string
	// What names the binding object in messages: "Namespace apps", "Service apps/api", "the
	// pod template of Deployment apps/web".
	What string
	// Namespace is the binding namespace: the Namespace's own name, or the object's effective
	// namespace ("" when unknown).
	Namespace string
	// Name is the waypoint's name, and WaypointNamespace its namespace: the value of
	// istio.io/use-waypoint-namespace, else Namespace.
	Name, WaypointNamespace string
	// CrossNamespace is true when istio.io/use-waypoint-namespace is set.
	CrossNamespace bool
	// Path is the node path of the istio.io/use-waypoint value.
	Path []string
	// At is where a build sets the label (a kustomize or Flux label transformer) when Obj
	// does not hold it (Path is then nil), and NSAt the same for
	// istio.io/use-waypoint-namespace.
	At, NSAt *manifest.Position
}

// Pos returns where the istio.io/use-waypoint label is set.
func (b binding) Pos() manifest.Position {
	if b.At != nil {
		return *b.At
	}
	return b.Obj.Pos(b.Path...)
}

// NamespacePos returns where istio.io/use-waypoint-namespace is set (or, without it, the
// istio.io/use-waypoint label).
func (b binding) NamespacePos() manifest.Position {
	switch {
	case !b.CrossNamespace:
		return b.Pos()
	case b.NSAt != nil:
		return *b.NSAt
	case b.Path == nil:
		return b.Pos()
	}
	return b.Obj.Pos(append(append([]string(nil), b.Path[:len(b.Path)-1]...), ambient.LabelUseWaypointNamespace)...)
}

// Ref names the waypoint the binding reaches, as namespace/name.
func (b binding) Ref() string { return b.WaypointNamespace + "/" + b.Name }

// bindings returns every waypoint binding the tree writes, in a fixed order, computed once per
// run. Bindings whose values are opaque are left out: they name no waypoint yet.
func bindings(p *lint.Pass) []binding {
	return bindingsFact.Of(p)
}

var bindingsFact = &lint.Fact[[]binding]{Name: "waypoint bindings", Compute: collectBindings}

func collectBindings(p *lint.Pass) []binding {
	inv := p.Inventory
	var out []binding
	model := p.Model
	add := func(o *manifest.Object, kind, what, ns string, template bool) {
		var wp, wpNS *metaEntry
		for _, e := range objectMeta(p, o) {
			if !e.Label || e.Template != template {
				continue
			}
			switch e.Key {
			case ambient.LabelUseWaypoint:
				wp = &e
			case ambient.LabelUseWaypointNamespace:
				wpNS = &e
			}
		}
		var at, nsAt *manifest.Position
		if !template {
			// A label a build sets (kustomize, Flux commonMetadata) overrides the written one.
			set := func(e **metaEntry, key string) *manifest.Position {
				pos, ok := model.LabelSetAt(o, key)
				if !ok {
					return nil
				}
				*e = &metaEntry{Key: key, Value: o.Labels[key], Label: true}
				return &pos
			}
			at, nsAt = set(&wp, ambient.LabelUseWaypoint), set(&wpNS, ambient.LabelUseWaypointNamespace)
		}
		if wp == nil || wp.Value == ambient.UseWaypointNone || wp.Value == "" || manifest.IsOpaque(wp.Value) {
			return
		}
		b := binding{Obj: o, Kind: kind, What: what, Namespace: ns, Name: wp.Value,
			WaypointNamespace: ns, At: at, NSAt: nsAt}
		if at == nil {
			b.Path = wp.Path()
		}
		if wpNS != nil {
			if manifest.IsOpaque(wpNS.Value) {
				return
			}
			b.WaypointNamespace, b.CrossNamespace = wpNS.Value, true
		}
		out = append(out, b)
	}
	for _, o := range inv.Kind(namespaceGK) {
		// A Namespace binds the namespaces it becomes: kustomize's namespace renames it.
		for _, name := range model.Names(o) {
			add(o, "Namespace", "Namespace "+name, name, false)
		}
	}
	for _, gk := range []string{serviceGK, serviceEntryGK} {
		for _, o := range inv.Kind(gk) {
			add(o, o.Ref.Kind, objectName(o), o.Namespace, false)
		}
	}
	for _, o := range inv.Kind(workloadEntryGK) {
		add(o, "WorkloadEntry", objectName(o), o.Namespace, false)
	}
	for _, w := range workloads(inv) {
		if w.Obj.Ref.Kind == "Pod" {
			add(w.Obj, "Pod", objectName(w.Obj), w.Obj.Namespace, false)
			continue
		}
		add(w.Obj, "Pod", "the pod template of "+objectName(w.Obj), w.Obj.Namespace, true)
	}
	return out
}

// objectName names o in messages as Kind namespace/name (Kind name without a namespace).
func objectName(o *manifest.Object) string {
	if o.Namespace == "" {
		return o.Ref.Kind + " " + o.Ref.Name
	}
	return o.Ref.Kind + " " + o.Namespace + "/" + o.Ref.Name
}

// waypointGateway returns the Gateway namespace/name of the tree that a binding reaches, or
// nil. Istio looks the waypoint up among all Gateways, whatever their class.
func waypointGateway(inv *manifest.Inventory, namespace, name string) *manifest.Object {
	return inv.Get(gatewayGK, namespace, name)
}

// trafficType returns the traffic the waypoint Gateway o serves (see waypoint.TrafficType),
// reading its GatewayClass from the tree when the tree defines it, and where the value comes
// from, for messages.
func trafficType(inv *manifest.Inventory, o *manifest.Object) (tt, source string) {
	gw := gateway(o)
	if gw == nil {
		return "", ""
	}
	var gc *gatewayv1.GatewayClass
	if c := string(gw.Spec.GatewayClassName); c != "" {
		if co := inv.Get(gatewayClassGK, "", c); co != nil {
			gc = gatewayClass(co)
		}
	}
	tt = string(waypoint.TrafficType(gw, gc))
	switch {
	case hasLabel(gw.Labels, ambient.LabelWaypointFor):
		source = fmt.Sprintf("the Gateway's label %s=%s", ambient.LabelWaypointFor, tt)
	case gc != nil && hasLabel(gc.Labels, ambient.LabelWaypointFor):
		source = fmt.Sprintf("the label %s=%s of GatewayClass %s", ambient.LabelWaypointFor, tt, gc.Name)
	default:
		source = fmt.Sprintf("the default %q, as neither the Gateway nor its GatewayClass sets %s", tt, ambient.LabelWaypointFor)
	}
	return tt, source
}

func hasLabel(m map[string]string, key string) bool {
	_, ok := m[key]
	return ok
}

// waypointNames returns the names of the Gateways in namespace ns that are meant as
// waypoints (class istio-waypoint, or labelled istio.io/waypoint-for), sorted.
func waypointNames(inv *manifest.Inventory, ns string) []string {
	var out []string
	for _, o := range inv.Kind(gatewayGK) {
		if o.Namespace != ns {
			continue
		}
		if gw := gateway(o); isWaypoint(gw) || (gw != nil && hasLabel(gw.Labels, ambient.LabelWaypointFor)) ||
			(gw == nil && o.Labels[ambient.LabelWaypointFor] != "") {
			out = append(out, o.Ref.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// nearestName returns the candidate closest to name by edit distance when it is a plausible
// misspelling (at most 2 edits, or a third of name's length for long names), else "".
// Ties go to the first candidate in order.
func nearestName(name string, candidates []string) string {
	limit := max(2, len(name)/3)
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := textdist.Distance(name, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// holdsNamespace reports whether the tree holds the manifests of namespace ns: some object
// of the tree has ns as its effective namespace, and nothing the model cannot see renders
// into it (gitops.Model.UnseenNamespaces: a chart install, a source the tree does not hold),
// since a waypoint could come from there.
func holdsNamespace(p *lint.Pass, ns string) bool {
	return ns != "" && len(p.Inventory.InNamespace(ns)) > 0 && !slices.Contains(p.Model.UnseenNamespaces(), ns)
}

// namespaceAmbient reports whether the tree enrolls namespace ns in ambient mode as a whole:
// its Namespace object resolves to ambient (not to a conflict with sidecar injection), or an
// Argo CD Application's managedNamespaceMetadata labels it.
func namespaceAmbient(p *lint.Pass, ns string) bool {
	inv := p.Inventory
	if ns == "" {
		return false
	}
	if l, ok := namespaceLabels(inv, ns); ok {
		return ambient.NamespaceMode(ns, l).Mode == ambient.Ambient
	}
	for _, e := range p.Model.Enrollments {
		if e.Namespace == ns && e.Object != nil && !slices.Contains(workloadKinds, e.Object.GK()) {
			return true
		}
	}
	return false
}

// treeEnrolls reports whether the tree enrolls any workload in ambient mode.
func treeEnrolls(p *lint.Pass) bool {
	return len(p.Model.Enrollments) > 0
}

// selected returns the workloads of namespace ns whose pod labels match sel (every workload
// of ns for a nil sel).
func selected(inv *manifest.Inventory, ns string, sel map[string]string) []workload {
	var out []workload
	s := labels.SelectorFromSet(sel)
	for _, w := range workloads(inv) {
		if w.Obj.Namespace == ns && s.Matches(labels.Set(w.Meta.Labels)) {
			out = append(out, w)
		}
	}
	return out
}

// selectsGatewayPods reports whether a workload selector picks the Pods of a Gateway or
// waypoint deployment (by the labels Istio gives them), which run Envoy whatever the
// namespace's data plane mode.
func selectsGatewayPods(sel map[string]string) bool {
	for k := range sel {
		if k == "gateway.networking.k8s.io/gateway-name" || k == "istio.io/gateway-name" {
			return true
		}
	}
	return false
}

// servingWaypoint returns the waypoint that serves the Service or ServiceEntry o: its own
// istio.io/use-waypoint label, else its Namespace's, as istiod resolves it. bound is false
// when neither names a waypoint (or o opts out with "none"); known is false when the tree
// cannot tell (o has no label and its Namespace is not in the tree, or a value is opaque).
func servingWaypoint(inv *manifest.Inventory, o *manifest.Object) (ref string, bound, known bool) {
	look := func(l map[string]string, ns string) (string, bool, bool, bool) {
		v, ok := l[ambient.LabelUseWaypoint]
		if !ok {
			return "", false, true, false
		}
		if manifest.IsOpaque(v) || manifest.IsOpaque(l[ambient.LabelUseWaypointNamespace]) {
			return "", false, false, true
		}
		if v == ambient.UseWaypointNone {
			return "", false, true, true
		}
		if n, ok := l[ambient.LabelUseWaypointNamespace]; ok {
			ns = n
		}
		return ns + "/" + v, true, true, true
	}
	if ref, bound, known, decided := look(o.Labels, o.Namespace); decided {
		return ref, bound, known
	}
	nsLabels, ok := namespaceLabels(inv, o.Namespace)
	if !ok {
		return "", false, false
	}
	ref, bound, known, _ = look(nsLabels, o.Namespace)
	return ref, bound, known
}

// servesServices reports whether the waypoint namespace/name (as servingWaypoint returns it)
// takes service traffic: true when the tree does not define it, since AMB203 reports that.
func servesServices(inv *manifest.Inventory, ref string) bool {
	ns, name, _ := strings.Cut(ref, "/")
	o := waypointGateway(inv, ns, name)
	if o == nil {
		return true
	}
	tt, _ := trafficType(inv, o)
	return manifest.IsOpaque(tt) || waypoint.Traffic(tt).Serves("Service")
}

// node returns the node of the istio.io/use-waypoint value (parsing the object's file again
// if the load released its tree), or nil when a build sets it.
func (b binding) node() *yaml.Node {
	if b.Path == nil {
		return nil
	}
	return b.Obj.Lookup(b.Path...)
}
