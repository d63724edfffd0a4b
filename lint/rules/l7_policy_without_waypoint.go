package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	securityapi "istio.io/api/security/v1beta1"
	istiosecurityv1 "istio.io/client-go/pkg/apis/security/v1"
	istiosecurityv1beta1 "istio.io/client-go/pkg/apis/security/v1beta1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

const authorizationPolicyGK = "security.istio.io/AuthorizationPolicy"

// rootNamespaces are Istio's root namespaces of the tree's istiod installs.
var rootNamespaces = &lint.Fact[[]string]{Name: "root namespaces",
	Compute: func(p *lint.Pass) []string { return p.Model.RootNamespaces() }}

// isRootNamespace reports whether ns is Istio's root namespace (meshConfig.rootNamespace)
// for an istiod of the tree (see lint.Model.RootNamespaces): policy there without a
// selector applies to the whole mesh, and a selector there picks workloads of every
// namespace.
func isRootNamespace(p *lint.Pass, ns string) bool {
	roots := rootNamespaces.Of(p)
	return slices.Contains(roots, ns)
}

// L7PolicyWithoutWaypoint is AMB207: an AuthorizationPolicy with L7 attributes that ztunnel,
// not a waypoint, would enforce.
var L7PolicyWithoutWaypoint = &lint.Rule{
	ID:       "AMB207",
	Name:     "l7-policy-without-waypoint",
	Severity: lint.Error,
	Summary:  "an AuthorizationPolicy with L7 attributes that no waypoint enforces for ambient workloads",
	Doc: `**What.** An AuthorizationPolicy (action ALLOW or DENY) that applies to ambient workloads
uses attributes only an HTTP proxy can see: ` + "`to.operation`" + ` ` + "`hosts`, `notHosts`, `methods`,\n`notMethods`, `paths`, `notPaths`" + `; ` + "`from.source`" + ` ` + "`requestPrincipals`,\n`notRequestPrincipals`, `remoteIpBlocks`, `notRemoteIpBlocks`" + `; or ` + "`when`" + ` conditions on any key but
` + "`source.ip`, `source.namespace`, `source.principal`, `destination.ip` and `destination.port`" + `
(so ` + "`request.*`" + ` keys among others). These are the attributes istiod flags when it converts a
policy for ztunnel. The finding lists each attribute with its field path, and says which proxy
enforces the policy instead of a waypoint:

- a policy that selects workloads with ` + "`selector`" + `, or has neither ` + "`selector`" + ` nor
  ` + "`targetRefs`" + ` (namespace-wide; mesh-wide in the root namespace: ` + "`istio-system`" + `, or what the
  istiod chart of the tree sets as ` + "`meshConfig.rootNamespace`" + ` or ` + "`global.istioNamespace`" + `), is enforced by the
  destination's ztunnel for ambient workloads, whether or not they have a waypoint;
- a policy with ` + "`targetRefs`" + ` is never given to ztunnel: it is enforced by the waypoint of the
  Service or ServiceEntry it names (or by the Gateway it names). When no waypoint serves that
  Service, nothing enforces it.

**Why it breaks a cluster.** ztunnel sees connections, not requests. In an ALLOW policy it
drops the rules that use L7 attributes, so the requests they were written to allow are denied
(if no rule is left, the selected workloads accept nothing). In a DENY policy it keeps the rules
without their L7 attributes, so they deny every matching connection, far more than the requests
they named. A ` + "`targetRefs`" + ` policy on a Service that no waypoint serves is not enforced at all.

**Fix.** Enforce L7 policy in a waypoint: bind one to the workloads' Services (` + "`istio.io/use-waypoint`" + `),
and attach the policy to it with ` + "`targetRefs`" + ` (` + "`kind: Service`" + ` for one Service, ` + "`kind: Gateway`" + `
with the waypoint's name for all it serves) instead of ` + "`selector`" + `. Keep a ` + "`selector`" + ` policy
L4-only (principals, namespaces, ports), for instance one that admits only the waypoint.`,
	Kinds: append([]string{authorizationPolicyGK, namespaceGK, serviceGK, serviceEntryGK, gatewayGK, gatewayClassGK}, workloadKinds...),
	Run:   runL7PolicyWithoutWaypoint,
}

// l4WhenKeys are the condition keys ztunnel enforces (istiod's l4WhenAttributes).
var l4WhenKeys = map[string]bool{
	"source.ip": true, "source.namespace": true, "source.principal": true,
	"destination.ip": true, "destination.port": true,
}

// l7Attr is one L7 attribute of a policy: what it is and the node path of its key.
type l7Attr struct {
	Name string
	Path []string
}

// field returns the attribute's field path as users read it: spec.rules[0].to[0].operation.methods.
func (a l7Attr) field() string {
	var b strings.Builder
	for i, p := range a.Path {
		if _, err := strconv.Atoi(p); err == nil {
			fmt.Fprintf(&b, "[%s]", p)
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

func runL7PolicyWithoutWaypoint(p *lint.Pass) error {
	inv := p.Inventory
	for _, o := range inv.Kind(authorizationPolicyGK) {
		spec := authorizationPolicySpec(o)
		if spec == nil {
			continue
		}
		action := spec.GetAction()
		if action != securityapi.AuthorizationPolicy_ALLOW && action != securityapi.AuthorizationPolicy_DENY {
			continue // AUDIT and CUSTOM are not about ztunnel's L7 blindness
		}
		attrs := l7Attributes(spec)
		if len(attrs) == 0 {
			continue
		}
		var list []string
		for _, a := range attrs {
			list = append(list, fmt.Sprintf("%s at %s", a.Name, a.field()))
		}
		found := fmt.Sprintf("AuthorizationPolicy %s uses L7 attributes (%s)", nsName(o), strings.Join(list, ", "))

		var msg string
		refs := spec.GetTargetRefs()
		if r := spec.GetTargetRef(); r != nil {
			refs = append(refs, r)
		}
		if len(refs) > 0 {
			var unserved []string
			for _, r := range refs {
				if why := unservedTarget(p, o, r.GetGroup(), r.GetKind(), r.GetName()); why != "" {
					unserved = append(unserved, why)
				}
			}
			if len(unserved) == 0 {
				continue
			}
			msg = fmt.Sprintf("%s and is attached with targetRefs, but %s: ztunnel ignores targetRefs policies, so no proxy "+
				"enforces it; bind a waypoint to the target (istio.io/use-waypoint)", found, strings.Join(unserved, "; "))
		} else {
			scope := ztunnelScope(p, o, spec.GetSelector().GetMatchLabels())
			if scope == "" {
				continue
			}
			effect := "ztunnel drops its rules with L7 attributes, so the requests they allow are denied"
			if action == securityapi.AuthorizationPolicy_DENY {
				effect = "ztunnel applies its rules without the L7 attributes, so they deny every matching connection, not just the requests they name"
			}
			msg = fmt.Sprintf("%s, but ztunnel enforces it, not a waypoint: it %s; %s; attach it to a waypoint "+
				"with targetRefs%s", found, scope, effect, waypointHint(inv, o.Namespace))
		}
		f := lint.Finding{Message: msg, Pos: o.KeyPos(attrs[0].Path...), Object: o.Ref}
		for _, a := range attrs[1:] {
			f.Related = append(f.Related, lint.Related{Position: o.KeyPos(a.Path...), Message: "L7 attribute " + a.Name})
		}
		p.Report(f)
	}
	return nil
}

// authorizationPolicySpec returns o's AuthorizationPolicy spec (the same message in v1 and
// v1beta1), or nil when o was not decoded.
func authorizationPolicySpec(o *manifest.Object) *securityapi.AuthorizationPolicy {
	switch x := o.Typed.(type) {
	case *istiosecurityv1.AuthorizationPolicy:
		return &x.Spec
	case *istiosecurityv1beta1.AuthorizationPolicy:
		return &x.Spec
	}
	return nil
}

// l7Attributes returns the attributes of spec that ztunnel cannot enforce, in document order,
// as istiod's conversion for ztunnel finds them.
func l7Attributes(spec *securityapi.AuthorizationPolicy) []l7Attr {
	var out []l7Attr
	for i, r := range spec.GetRules() {
		ri := strconv.Itoa(i)
		for j, to := range r.GetTo() {
			op := to.GetOperation()
			for _, f := range []struct {
				name string
				v    []string
			}{
				{"hosts", op.GetHosts()}, {"notHosts", op.GetNotHosts()},
				{"methods", op.GetMethods()}, {"notMethods", op.GetNotMethods()},
				{"paths", op.GetPaths()}, {"notPaths", op.GetNotPaths()},
			} {
				if len(f.v) > 0 {
					out = append(out, l7Attr{f.name, []string{"spec", "rules", ri, "to", strconv.Itoa(j), "operation", f.name}})
				}
			}
		}
		for j, from := range r.GetFrom() {
			src := from.GetSource()
			for _, f := range []struct {
				name string
				v    []string
			}{
				{"requestPrincipals", src.GetRequestPrincipals()}, {"notRequestPrincipals", src.GetNotRequestPrincipals()},
				{"remoteIpBlocks", src.GetRemoteIpBlocks()}, {"notRemoteIpBlocks", src.GetNotRemoteIpBlocks()},
			} {
				if len(f.v) > 0 {
					out = append(out, l7Attr{f.name, []string{"spec", "rules", ri, "from", strconv.Itoa(j), "source", f.name}})
				}
			}
		}
		for k, w := range r.GetWhen() {
			if !l4WhenKeys[w.GetKey()] {
				out = append(out, l7Attr{"when " + w.GetKey(), []string{"spec", "rules", ri, "when", strconv.Itoa(k), "key"}})
			}
		}
	}
	return out
}

// ztunnelScope says, as a clause, which ambient workloads ztunnel enforces the selector (or
// namespace-wide) policy o for; "" when the tree shows it applies to none.
func ztunnelScope(p *lint.Pass, o *manifest.Object, sel map[string]string) string {
	inv := p.Inventory
	ns := o.Namespace
	if ns == "" || selectsGatewayPods(sel) {
		return ""
	}
	root := isRootNamespace(p, ns)
	if len(sel) == 0 && root {
		if !treeEnrolls(p) {
			return ""
		}
		return fmt.Sprintf("has no selector in the root namespace %s, so it applies to every ambient workload of the mesh", ns)
	}
	var amb []string
	ws := selected(inv, ns, sel)
	if root {
		// A selector in the root namespace picks workloads of every namespace.
		ws = nil
		for _, w := range workloads(inv) {
			if labels.SelectorFromSet(sel).Matches(labels.Set(w.Meta.Labels)) {
				ws = append(ws, w)
			}
		}
	}
	for _, w := range ws {
		if w.mode(inv).Mode == ambient.Ambient {
			amb = append(amb, objectName(w.Obj))
		}
	}
	nsAmbient := namespaceAmbient(p, ns)
	switch {
	case len(sel) == 0 && (len(amb) > 0 || nsAmbient):
		return fmt.Sprintf("has neither selector nor targetRefs, so it applies to the ambient workloads of namespace %s", ns)
	case len(amb) > 0:
		return fmt.Sprintf("selects the ambient workloads %s with selector", strings.Join(amb, ", "))
	case len(ws) == 0 && nsAmbient:
		return fmt.Sprintf("selects workloads with selector in the ambient namespace %s", ns)
	}
	return ""
}

// unservedTarget explains, as a clause, why no waypoint serves the targetRefs entry
// group/kind/name of policy o; "" when one does, when the target is a Gateway or GatewayClass
// (a proxy itself), or when the tree cannot tell.
func unservedTarget(p *lint.Pass, o *manifest.Object, group, kind, name string) string {
	inv := p.Inventory
	var gk string
	switch {
	case kind == "Service" && (group == "" || group == "core"):
		gk = serviceGK
	case kind == "ServiceEntry" && group == "networking.istio.io":
		gk = serviceEntryGK
	default:
		return ""
	}
	target := inv.Get(gk, o.Namespace, name)
	if target == nil || !servesAmbient(p, target.Namespace) {
		return ""
	}
	ref, bound, known := servingWaypoint(inv, target)
	switch {
	case !known:
		return ""
	case !bound:
		return fmt.Sprintf("no waypoint serves %s (neither it nor its Namespace has %s)", objectName(target), ambient.LabelUseWaypoint)
	case !servesServices(inv, ref):
		return fmt.Sprintf("the waypoint %s of %s does not serve service traffic", ref, objectName(target))
	}
	return ""
}

// servesAmbient reports whether namespace ns runs ambient workloads: it is enrolled as a
// whole, or one of its workloads is.
func servesAmbient(p *lint.Pass, ns string) bool {
	inv := p.Inventory
	if namespaceAmbient(p, ns) {
		return true
	}
	for _, w := range selected(inv, ns, nil) {
		if w.mode(inv).Mode == ambient.Ambient {
			return true
		}
	}
	return false
}

// waypointHint suggests the targetRefs entry to use: the waypoint namespace ns binds, when
// its Namespace names one.
func waypointHint(inv *manifest.Inventory, ns string) string {
	l, ok := namespaceLabels(inv, ns)
	if !ok {
		return " (kind Service, or kind Gateway naming the waypoint)"
	}
	wp := l[ambient.LabelUseWaypoint]
	if wp == "" || wp == ambient.UseWaypointNone || manifest.IsOpaque(wp) {
		return " (kind Service, or kind Gateway naming the waypoint), after binding a waypoint to the namespace"
	}
	if other, ok := l[ambient.LabelUseWaypointNamespace]; ok && other != ns {
		return fmt.Sprintf(" (kind Service, or kind Gateway naming waypoint %s/%s)", other, wp)
	}
	return fmt.Sprintf(" (kind Service, or kind Gateway with name %s, the namespace's waypoint)", wp)
}

// nsName names o as namespace/name.
func nsName(o *manifest.Object) string {
	if o.Namespace == "" {
		return o.Ref.Name
	}
	return o.Namespace + "/" + o.Ref.Name
}
