package rules

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

const (
	networkPolicyGK        = "networking.k8s.io/NetworkPolicy"
	ciliumNetworkPolicyGK  = "cilium.io/CiliumNetworkPolicy"
	ciliumClusterPolicyGK  = "cilium.io/CiliumClusterwideNetworkPolicy"
	hboneProbeSNATIPv4     = "169.254.7.127"
	hboneProbeSNATIPv6     = "fd16:9254:7127:1337:ffff:ffff:ffff:ffff"
	hboneProbeSNATEnv      = "HOST_PROBE_SNAT_IP"
	hboneProbeSNATEnvIPv6  = "HOST_PROBE_SNAT_IPV6"
	hboneProbeHostIPValues = "useHostIPForProbeSnat"
)

// NetworkPolicyBlocksHBONE is AMB209: a NetworkPolicy on ambient pods that drops HBONE
// (port 15008) or the kubelet's health probes, which istio-cni rewrites to a link-local
// source address.
var NetworkPolicyBlocksHBONE = &lint.Rule{
	ID:       "AMB209",
	Name:     "networkpolicy-blocks-hbone",
	Severity: lint.Error,
	Summary:  "a NetworkPolicy on ambient pods drops HBONE (TCP 15008) or the kubelet's health probes",
	Doc: `**What.** A Kubernetes NetworkPolicy (` + "`networking.k8s.io/v1`" + `) whose ` + "`policyTypes`" + `
include Ingress (or that has no ` + "`policyTypes`" + `) and whose ` + "`podSelector`" + ` selects pods in
ambient mode: pods of the tree's workloads whose data plane mode resolves to ambient (the SDK's
` + "`ambient.EffectiveMode`" + `, with the namespace's labels or an Argo CD
` + "`managedNamespaceMetadata`" + ` enrollment), or, when no workload of the tree matches, the pods of
a namespace enrolled as a whole. NetworkPolicies add up, so the rule judges all the policies
that select the same pods together:

- **error**, at the rule's ` + "`ports`" + `, when no ingress rule of any of them admits TCP port
  15008: every rule lists ports (a port, or a ` + "`port`–`endPort`" + ` range) and none of them is
  15008. A rule without ` + "`ports`" + ` admits every port, 15008 included, for its sources. A
  policy with ` + "`ingress: []`" + ` (or no ingress rules) denies all ingress; it is reported, at
  its ` + "`ingress`" + ` or ` + "`policyTypes`" + `, only when no policy selecting the same pods has a rule
  to fix;
- **warning**, at the rule's ` + "`from`" + `, when the pods run HTTP, TCP or gRPC probes, every
  rule restricts its sources with ` + "`from`" + `, and none admits the kubelet probe address:
  an ` + "`ipBlock`" + ` whose ` + "`cidr`" + ` holds ` + "`169.254.7.127`" + ` (IPv6
  ` + "`fd16:9254:7127:1337:ffff:ffff:ffff:ffff`" + `), or the address istio-cni's DaemonSet sets in
  ` + "`HOST_PROBE_SNAT_IP`" + `, and is not in its ` + "`except`" + `.

The rule stays quiet for pods of Gateway API gateways (their listeners, not HBONE, take the
traffic), where a port is a value a template fills in later, where a CiliumNetworkPolicy in
the namespace (or a CiliumClusterwideNetworkPolicy) may admit what the NetworkPolicy does not
(Cilium adds both kinds up; their rules are not judged), and, for probes, where the istio-cni
chart sets ` + "`useHostIPForProbeSnat`" + ` or takes values from outside the tree. Policies that a
Helm chart renders from its own values (` + "`networkPolicy.enabled`" + `) are not seen, and Calico's
own policy kinds are not read. Applies to Istio 1.22 and later (in-pod redirection).

**Why it breaks a cluster.** Once pods join the ambient mesh, other pods' ztunnels and
waypoints tunnel traffic to them over HBONE, on TCP port 15008 of the destination pod; ztunnel
inside the pod hands it to the application port. NetworkPolicy is enforced by the CNI outside
the pod, so it sees port 15008, not the application port: a policy that admits only the
application port drops every mesh connection and clients time out (ztunnel logs "maybe a
NetworkPolicy is blocking HBONE port 15008"). Kubelet health probes come from the node; istio-
cni rewrites their source to 169.254.7.127 so that ztunnel lets them through unauthenticated,
so a policy that admits only some pods or namespaces (where the CNI used to admit the node)
now fails readiness and liveness probes. Istio's "Ambient and Kubernetes NetworkPolicy" page
(docs/ambient/usage/networkpolicy) describes both; istio/istio#52742 and #52208 show them.

**Fix.** Add ` + "`- port: 15008`" + ` with ` + "`protocol: TCP`" + ` to the rule's ports, and an
` + "`ipBlock`" + ` with ` + "`cidr: 169.254.7.127/32`" + ` to its sources for the probes. Once 15008 is open,
the NetworkPolicy no longer tells the application's ports apart for mesh traffic: enforce
them with an L4 AuthorizationPolicy (` + "`to.operation.ports`" + `), which ztunnel applies after
unwrapping HBONE.`,
	Kinds: append([]string{networkPolicyGK, ciliumNetworkPolicyGK, ciliumClusterPolicyGK, namespaceGK}, workloadKinds...),
	Run:   runNetworkPolicyBlocksHBONE,
}

// npPolicy is a NetworkPolicy reduced to what AMB209 reads of its ingress.
type npPolicy struct {
	obj     *manifest.Object
	sel     labels.Selector
	gateway bool // selects the pods of a Gateway API gateway
	rules   []npRule
	denyAll bool // Ingress policy type without rules
	// ingressAt is the index of Ingress in a deny-all policy's policyTypes (-1: none), for
	// denyAt.
	ingressAt int
	portsAt   []string // the ports of its first rule that lists ports
	fromAt    []string // the from of its first rule that restricts sources
	portList  string   // the ports its rules list, for messages
}

// denyAt returns where a deny-all policy says so: its empty ingress list, else Ingress among
// its policyTypes, else its podSelector. It reads the nodes, and so is asked only when
// reporting (it may parse the policy's file again).
func (pol *npPolicy) denyAt() []string {
	switch {
	case !pol.denyAll:
		return nil
	case pol.obj.Lookup("spec", "ingress") != nil:
		return []string{"spec", "ingress"}
	case pol.ingressAt >= 0:
		return []string{"spec", "policyTypes", strconv.Itoa(pol.ingressAt)}
	}
	return []string{"spec", "podSelector"}
}

// npRule is one ingress rule: which ports and sources it admits.
type npRule struct {
	allPorts  bool // no ports: every port
	hbone     bool // admits TCP 15008
	opaque    bool // a port a template fills in later
	anySource bool // no from: every source
	probe     bool // an ipBlock holds the probe SNAT address
}

func runNetworkPolicyBlocksHBONE(p *lint.Pass) error {
	inv := p.Inventory
	if len(inv.Kind(ciliumClusterPolicyGK)) > 0 {
		return nil // a cluster-wide Cilium policy may admit anything for any pod
	}
	snat, probesKnown := hboneProbeAddrs(p)
	byNS := map[string][]*npPolicy{}
	var order []*npPolicy
	for _, o := range inv.Kind(networkPolicyGK) {
		np, ok := o.Typed.(*networkingv1.NetworkPolicy)
		if !ok || o.Namespace == "" {
			continue
		}
		pol, ok := readNetworkPolicy(o, np, snat)
		if !ok {
			continue
		}
		byNS[o.Namespace] = append(byNS[o.Namespace], pol)
		order = append(order, pol)
	}
	ciliumNS := map[string]bool{}
	for _, o := range inv.Kind(ciliumNetworkPolicyGK) {
		ciliumNS[o.Namespace] = true
	}
	all := workloads(inv)
	for _, pol := range order {
		ns := pol.obj.Namespace
		if pol.gateway || ciliumNS[ns] {
			continue
		}
		var noHBONE, noProbe []workload
		matched := false
		for _, w := range all {
			if w.Obj.Namespace != ns || !pol.sel.Matches(labels.Set(w.Meta.Labels)) {
				continue
			}
			matched = true
			if hboneWorkloadMode(p, w) != ambient.Ambient {
				continue
			}
			var set []*npPolicy
			for _, q := range byNS[ns] {
				if q.sel.Matches(labels.Set(w.Meta.Labels)) {
					set = append(set, q)
				}
			}
			hbone, probes := npAdmits(set)
			if !hbone && (len(pol.portsAt) > 0 || !npHasPortRules(set)) {
				noHBONE = append(noHBONE, w)
			}
			if hbone && !probes && probesKnown && len(pol.fromAt) > 0 && hasNetworkProbe(w.Meta) {
				noProbe = append(noProbe, w)
			}
		}
		if !matched && len(pol.portsAt) > 0 && namespaceAmbient(p, ns) {
			// The pods come from outside the tree (a chart): they are ambient as their
			// namespace is, unless they opt out, which the tree cannot show.
			if hbone, _ := npAdmits(byNS[ns]); !hbone {
				reportNoHBONE(p, pol, nil)
			}
			continue
		}
		if len(noHBONE) > 0 {
			reportNoHBONE(p, pol, noHBONE)
		}
		if len(noProbe) > 0 {
			reportNoProbe(p, pol, noProbe, snat)
		}
	}
	return nil
}

// readNetworkPolicy reduces a NetworkPolicy to its ingress; false when it has no ingress
// side or a selector that does not parse.
func readNetworkPolicy(o *manifest.Object, np *networkingv1.NetworkPolicy, snat []netip.Addr) (*npPolicy, bool) {
	spec := np.Spec
	ingress := len(spec.PolicyTypes) == 0
	ingressAt := -1
	for i, t := range spec.PolicyTypes {
		if t == networkingv1.PolicyTypeIngress {
			ingress, ingressAt = true, i
		}
	}
	if !ingress {
		return nil, false
	}
	sel, err := metav1.LabelSelectorAsSelector(&spec.PodSelector)
	if err != nil {
		return nil, false
	}
	pol := &npPolicy{obj: o, sel: sel, gateway: selectsGatewayPods(spec.PodSelector.MatchLabels)}
	var listed []string
	for i, r := range spec.Ingress {
		ri := strconv.Itoa(i)
		nr := npRule{allPorts: len(r.Ports) == 0, anySource: len(r.From) == 0}
		for _, port := range r.Ports {
			hb, opaque := npPortAdmitsHBONE(port)
			nr.hbone = nr.hbone || hb
			nr.opaque = nr.opaque || opaque
			listed = append(listed, npPortString(port))
		}
		for _, peer := range r.From {
			if peer.IPBlock != nil && ipBlockHolds(peer.IPBlock, snat) {
				nr.probe = true
			}
		}
		if len(r.Ports) > 0 && pol.portsAt == nil {
			pol.portsAt = []string{"spec", "ingress", ri, "ports"}
		}
		if len(r.From) > 0 && pol.fromAt == nil {
			pol.fromAt = []string{"spec", "ingress", ri, "from"}
		}
		pol.rules = append(pol.rules, nr)
	}
	pol.portList = strings.Join(slices.Compact(listed), ", ")
	if len(spec.Ingress) == 0 {
		pol.denyAll = true
		pol.ingressAt = ingressAt
	}
	return pol, true
}

// npPortAdmitsHBONE reports whether a NetworkPolicy port admits TCP 15008, and whether the
// port is a value a template fills in later (then nothing is known).
func npPortAdmitsHBONE(p networkingv1.NetworkPolicyPort) (admits, opaque bool) {
	if p.Protocol != nil && *p.Protocol != corev1.ProtocolTCP {
		if manifest.IsOpaque(string(*p.Protocol)) {
			return false, true
		}
		return false, false
	}
	if p.Port == nil {
		return true, false // every port of the protocol
	}
	if p.Port.Type == intstr.String { // a named port: container ports never name ztunnel's 15008
		return false, manifest.IsOpaque(p.Port.StrVal)
	}
	port := p.Port.IntVal
	if port == ambient.HBONEPort {
		return true, false
	}
	return p.EndPort != nil && port <= ambient.HBONEPort && ambient.HBONEPort <= *p.EndPort, false
}

// npPortString formats a NetworkPolicy port for a message: 8080/TCP, 8000-8100/TCP, http/TCP.
func npPortString(p networkingv1.NetworkPolicyPort) string {
	proto := string(corev1.ProtocolTCP)
	if p.Protocol != nil {
		proto = string(*p.Protocol)
	}
	if p.Port == nil {
		return "all/" + proto
	}
	s := p.Port.String()
	if p.EndPort != nil {
		s += "-" + strconv.Itoa(int(*p.EndPort))
	}
	return s + "/" + proto
}

// ipBlockHolds reports whether an ipBlock admits one of addrs.
func ipBlockHolds(b *networkingv1.IPBlock, addrs []netip.Addr) bool {
	pre, err := netip.ParsePrefix(b.CIDR)
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if !pre.Contains(a) {
			continue
		}
		excluded := false
		for _, e := range b.Except {
			if ep, err := netip.ParsePrefix(e); err == nil && ep.Contains(a) {
				excluded = true
			}
		}
		if !excluded {
			return true
		}
	}
	return false
}

// npAdmits reports whether the policies of set, added up, admit HBONE (TCP 15008) and the
// kubelet's probes from some source. An empty set restricts nothing; a value a template
// fills in later admits, as far as the tree can tell.
func npAdmits(set []*npPolicy) (hbone, probes bool) {
	if len(set) == 0 {
		return true, true
	}
	for _, q := range set {
		for _, r := range q.rules {
			if r.allPorts || r.hbone || r.opaque {
				hbone = true
			}
			if r.anySource || r.probe || r.opaque {
				probes = true
			}
		}
	}
	return hbone, probes
}

// npHasPortRules reports whether a policy of set has a rule that lists ports: that policy is
// the one to fix, not a deny-all beside it.
func npHasPortRules(set []*npPolicy) bool {
	return slices.ContainsFunc(set, func(q *npPolicy) bool { return len(q.portsAt) > 0 })
}

// npWaypoints returns the waypoints (namespace/name) traffic to ws passes through (to the
// namespace's workloads when ws is empty), as AMB211 finds them: HBONE to the pods behind a
// waypoint comes from the waypoint's pods.
func npWaypoints(p *lint.Pass, ns string, ws []workload) []string {
	var out []string
	add := func(fws []frontWaypoint) {
		for _, w := range fws {
			if !slices.Contains(out, w.ref()) {
				out = append(out, w.ref())
			}
		}
	}
	if len(ws) == 0 {
		add(waypointsInFront(p, ns, nil))
	}
	for _, w := range ws {
		add(waypointsInFront(p, ns, w.Meta.Labels))
	}
	slices.Sort(out)
	return out
}

func reportNoHBONE(p *lint.Pass, pol *npPolicy, ws []workload) {
	what := "the pods of the ambient namespace " + pol.obj.Namespace
	if len(ws) > 0 {
		what = "the ambient pods of " + workloadNames(ws)
	}
	fix := "add port 15008 with protocol TCP to this rule's ports"
	wps := npWaypoints(p, pol.obj.Namespace, ws)
	if len(wps) > 0 {
		// HBONE from a waypoint comes from the waypoint's pods, not from the callers.
		fix += fmt.Sprintf(", and admit the pods of waypoint %s among its sources: the waypoint delivers their traffic",
			strings.Join(wps, ", "))
	}
	var msg string
	at := pol.portsAt
	if at == nil {
		at = pol.denyAt()
		fix = "add a NetworkPolicy that admits TCP 15008 from the sources that may call them"
		if len(wps) > 0 {
			fix += fmt.Sprintf(" and from the pods of waypoint %s, which delivers their traffic", strings.Join(wps, ", "))
		}
		msg = fmt.Sprintf("NetworkPolicy %s denies all ingress to %s and no NetworkPolicy selecting them admits HBONE port %d/TCP: "+
			"ztunnel and waypoints deliver mesh traffic on that port, so connections to them time out after enrollment; %s, "+
			"and restrict the application's ports with an L4 AuthorizationPolicy",
			nsName(pol.obj), what, ambient.HBONEPort, fix)
	} else {
		msg = fmt.Sprintf("NetworkPolicy %s admits ingress to %s only on %s, and no NetworkPolicy selecting them admits HBONE port %d/TCP: "+
			"ztunnel and waypoints deliver mesh traffic on that port, so connections to them time out after enrollment; %s, "+
			"and restrict the application's ports with an L4 AuthorizationPolicy (the NetworkPolicy no longer sees them once 15008 is open)",
			nsName(pol.obj), what, pol.portList, ambient.HBONEPort, fix)
	}
	p.Report(lint.Finding{Message: msg, Pos: pol.obj.Pos(at...), Object: pol.obj.Ref,
		Related: hboneRelated(p, pol.obj.Namespace, ws)})
}

func reportNoProbe(p *lint.Pass, pol *npPolicy, ws []workload, snat []netip.Addr) {
	addr := hboneProbeSNATIPv4 + "/32"
	if len(snat) > 0 && snat[0].String() != hboneProbeSNATIPv4 && snat[0].Is4() {
		addr = snat[0].String() + "/32"
	}
	msg := fmt.Sprintf("NetworkPolicy %s admits ingress to the ambient pods of %s only from the sources it lists, and no NetworkPolicy "+
		"selecting them admits %s, the address istio-cni gives the kubelet's health probes: their probes fail after enrollment; "+
		"add an ipBlock with cidr %s to this rule's from",
		nsName(pol.obj), workloadNames(ws), strings.TrimSuffix(addr, "/32"), addr)
	p.Report(lint.Finding{Message: msg, Severity: lint.Warning, Pos: pol.obj.Pos(pol.fromAt...), Object: pol.obj.Ref,
		Related: hboneRelated(p, pol.obj.Namespace, ws)})
}

// hboneRelated points at the workloads a finding is about and at what enrolls their
// namespace.
func hboneRelated(p *lint.Pass, ns string, ws []workload) []lint.Related {
	var out []lint.Related
	for _, w := range ws {
		out = append(out, lint.Related{Position: w.Obj.Pos("metadata", "name"), Message: objectName(w.Obj) + " runs ambient pods"})
	}
	for _, e := range p.Model.Enrollments {
		if e.Namespace == ns && e.Object != nil && !slices.Contains(workloadKinds, e.Object.GK()) {
			out = append(out, lint.Related{Position: e.Pos(), Message: e.What + " enrolls the namespace in ambient mode"})
			break
		}
	}
	return out
}

// workloadNames names workloads for a message: "Deployment shop/web and StatefulSet shop/db".
func workloadNames(ws []workload) string {
	var names []string
	for _, w := range ws {
		names = append(names, objectName(w.Obj))
	}
	return strings.Join(names, " and ")
}

// hboneWorkloadMode resolves the data plane mode of w's pods, counting a namespace that an
// Argo CD Application creates with the ambient label (the tree holds no Namespace object for
// it) as labelled.
func hboneWorkloadMode(p *lint.Pass, w workload) ambient.Mode {
	inv := p.Inventory
	if _, ok := namespaceLabels(inv, w.Obj.Namespace); ok || !namespaceAmbient(p, w.Obj.Namespace) {
		return w.mode(inv).Mode
	}
	nsLabels := map[string]string{ambient.LabelDataplaneMode: ambient.DataplaneModeAmbient}
	return ambient.EffectiveMode(nsLabels, ambient.TemplatePod(w.Obj.Namespace, w.Meta)).Mode
}

// hasNetworkProbe reports whether the pods run a probe the kubelet sends over the network
// (HTTP, TCP or gRPC; not exec).
func hasNetworkProbe(t *corev1.PodTemplateSpec) bool {
	for _, c := range t.Spec.Containers {
		for _, pr := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
			if pr != nil && (pr.HTTPGet != nil || pr.TCPSocket != nil || pr.GRPC != nil) {
				return true
			}
		}
	}
	return false
}

// hboneProbeAddrs returns the source addresses istio-cni gives the kubelet's probes, and
// false when the tree does not tell them: the istio-cni chart uses the node's address
// (useHostIPForProbeSnat) or takes values from outside the tree, or its DaemonSet takes
// HOST_PROBE_SNAT_IP from somewhere else than a literal value.
func hboneProbeAddrs(p *lint.Pass) ([]netip.Addr, bool) {
	v4, v6 := netip.MustParseAddr(hboneProbeSNATIPv4), netip.MustParseAddr(hboneProbeSNATIPv6)
	known := true
	for _, c := range p.Model.Components {
		if c.Kind != gitops.IstioCNI {
			continue
		}
		if ci := c.Chart; ci != nil {
			if !ci.ValuesKnown {
				known = false
			}
			for _, path := range []string{hboneProbeHostIPValues, "cni." + hboneProbeHostIPValues} {
				if v, ok := gitops.ValueAt(ci.Values, path); ok && v != false && v != "false" {
					known = false
				}
			}
		}
		if c.Object == nil {
			continue
		}
		w, ok := asWorkload(c.Object)
		if !ok {
			continue
		}
		for _, ctr := range w.Meta.Spec.Containers {
			for _, e := range ctr.Env {
				if e.Name != hboneProbeSNATEnv && e.Name != hboneProbeSNATEnvIPv6 {
					continue
				}
				a, err := netip.ParseAddr(e.Value)
				if e.ValueFrom != nil || err != nil {
					known = false
					continue
				}
				if e.Name == hboneProbeSNATEnv {
					v4 = a
				} else {
					v6 = a
				}
			}
		}
	}
	return []netip.Addr{v4, v6}, known
}
