package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	securityapi "istio.io/api/security/v1beta1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/waypoint"
)

// WaypointIdentityNotAllowed is AMB211: a selector ALLOW AuthorizationPolicy with principals
// that leaves out the identity of the waypoint traffic comes through, and principals written
// with a spiffe:// prefix.
var WaypointIdentityNotAllowed = &lint.Rule{
	ID:       "AMB211",
	Name:     "waypoint-identity-not-allowed",
	Severity: lint.Error,
	Summary:  "a selector ALLOW AuthorizationPolicy whose principals leave out the waypoint its traffic comes through, or a spiffe:// principal",
	Doc: `**What.** Two mistakes in the ` + "`principals`" + ` of an AuthorizationPolicy (security.istio.io):

- an ALLOW policy enforced by ztunnel (it selects workloads with ` + "`selector`" + `, or is namespace-wide
  outside the root namespace) lists ` + "`rules[].from[].source.principals`" + `, and the ambient workloads it
  applies to are reached through a waypoint (their Service, or their Namespace, has
  ` + "`istio.io/use-waypoint`" + `; or their pod template, for a workload waypoint), but no rule admits
  the waypoint's identity ` + "`<trust domain>/ns/<namespace>/sa/<service account>`" + `. The service
  account is the waypoint Gateway's name, or its ` + "`gateway.istio.io/service-account`" + ` annotation;
  the trust domain is ` + "`meshConfig.trustDomain`" + ` of the istiod chart of the tree (default
  ` + "`cluster.local`" + `; its ` + "`trustDomainAliases`" + ` count too). Principals match as Istio matches them:
  exactly, ` + "`*`" + `, or with one leading or trailing ` + "`*`" + `; a rule admits the waypoint also through
  ` + "`serviceAccounts`" + `, or when it has no ` + "`from`" + `. The rule stays quiet when istiod adds the waypoint
  by itself (` + "`PILOT_AUTO_ALLOW_WAYPOINT_POLICY: \"true\"`" + ` in the istiod chart's ` + "`pilot.env`" + ` or
  ` + "`env`" + `, or values the tree does not hold), for waypoints the tree does not define or deploys
  itself (` + "`spec.addresses`" + `), and for rules with ` + "`ipBlocks`" + `.
- any principal (in ` + "`principals`" + ` or ` + "`notPrincipals`" + `, of any policy) written with a ` + "`spiffe://`" + `
  prefix.

Istio's ambient documentation (` + "`enforce-auth-policies`" + `, ` + "`usage/l4-policy`" + `) applies from Istio 1.22;
` + "`PILOT_AUTO_ALLOW_WAYPOINT_POLICY`" + ` defaults to false (istiod's ` + "`pilot/pkg/features`" + `).

**Why it breaks a cluster.** Once a waypoint serves a workload, the connections that reach the
workload's ztunnel come from the waypoint, with the waypoint's identity, not the original
client's. A ztunnel-enforced ALLOW policy that lists only client identities then denies every
request the waypoint forwards: adding the waypoint (often for unrelated L7 routing) takes the
service down with connection resets. Istio converts principals without adding a prefix for
ztunnel and with ` + "`spiffe://`" + ` added for Envoy, so a principal that already starts with
` + "`spiffe://`" + ` never matches anywhere: an ALLOW rule with it admits nobody, a DENY rule denies
nobody.

**Fix.** Add the waypoint's identity (the message gives it) to the policy's ` + "`principals`" + `, and
move client-identity checks to an L7 policy attached to the waypoint with ` + "`targetRefs`" + `. Or set
` + "`PILOT_AUTO_ALLOW_WAYPOINT_POLICY: \"true\"`" + ` on istiod. Write principals without ` + "`spiffe://`" + `
(the suggested fix removes it).`,
	Kinds: append([]string{authorizationPolicyGK, namespaceGK, serviceGK, gatewayGK}, workloadKinds...),
	Run:   runWaypointIdentityNotAllowed,
}

// gatewaySAAnnotation overrides the service account Istio gives a Gateway's deployment.
const gatewaySAAnnotation = "gateway.istio.io/service-account"

// autoAllowWaypointEnv is the istiod setting that makes it allow waypoints by itself.
const autoAllowWaypointEnv = "PILOT_AUTO_ALLOW_WAYPOINT_POLICY"

// meshIdentity is what the tree says about workload identities: the trust domains (nil when
// unknown) and whether istiod allows waypoints by itself (autoAllow; autoKnown false when the
// tree cannot tell).
type meshIdentity struct {
	trustDomains []string
	autoAllow    bool
	autoKnown    bool
}

var meshIdentityFact = &lint.Fact[meshIdentity]{Name: "mesh identity", Compute: collectMeshIdentity}

// istiodValues returns the values of each istiod install the tree makes through a chart
// (for Istio's umbrella chart, its istiod part), with whether they are known.
func istiodValues(m *gitops.Model) (vals []map[string]any, known []bool) {
	for _, c := range m.ComponentsOf(gitops.Istiod) {
		ci := c.Chart
		if ci == nil {
			continue
		}
		v := ci.Values
		if ci.Chart == "ambient" {
			v, _ = ci.Values["istiod"].(map[string]any)
		}
		vals, known = append(vals, v), append(known, ci.ValuesKnown)
	}
	return vals, known
}

// istiodChartValue returns an istiod chart value, which the chart also reads under pilot.
func istiodChartValue(values map[string]any, path string) (any, bool) {
	if v, ok := gitops.ValueAt(values, "pilot."+path); ok {
		return v, true
	}
	return gitops.ValueAt(values, path)
}

func collectMeshIdentity(p *lint.Pass) meshIdentity {
	var id meshIdentity
	tdKnown := true
	auto, autoUnknown := false, false
	installs := 0
	for _, c := range p.Model.ComponentsOf(gitops.Istiod) {
		installs++
		if c.Chart == nil {
			// Rendered manifests or an operator: read the Deployment's env where there is one.
			tdKnown = false
			if c.Object != nil && c.Object.GK() == "apps/Deployment" {
				if v, ok := ordContainerEnv(c.Object, autoAllowWaypointEnv); ok {
					auto = auto || strings.EqualFold(v, "true")
					autoUnknown = autoUnknown || manifest.IsOpaque(v)
				}
				continue
			}
			autoUnknown = true
		}
	}
	vals, known := istiodValues(p.Model)
	for i, v := range vals {
		td, ok := istiodChartValue(v, "meshConfig.trustDomain")
		switch s := fmt.Sprint(td); {
		case ok && (manifest.IsOpaque(s) || s == ""):
			tdKnown = false
		case ok:
			id.trustDomains = append(id.trustDomains, s)
		case known[i]:
			id.trustDomains = append(id.trustDomains, "cluster.local")
		default:
			tdKnown = false
		}
		if aliases, ok := istiodChartValue(v, "meshConfig.trustDomainAliases"); ok {
			if l, ok := aliases.([]any); ok {
				for _, a := range l {
					id.trustDomains = append(id.trustDomains, fmt.Sprint(a))
				}
			}
		}
		env, ok := istiodChartValue(v, "env."+autoAllowWaypointEnv)
		switch s := fmt.Sprint(env); {
		case ok && manifest.IsOpaque(s):
			autoUnknown = true
		case ok:
			auto = auto || strings.EqualFold(s, "true")
		case !known[i]:
			autoUnknown = true
		}
	}
	if !tdKnown || installs == 0 {
		id.trustDomains = nil
	}
	// Without istiod in the tree, its documented default (false) stands.
	id.autoAllow, id.autoKnown = auto, !autoUnknown
	return id
}

// frontWaypoint is a waypoint that traffic to a policy's workloads passes through.
type frontWaypoint struct {
	Gateway *manifest.Object
	SA      string
	Via     string            // what binds it, for messages
	At      manifest.Position // where the binding label is
}

func (w frontWaypoint) ref() string { return w.Gateway.Namespace + "/" + w.Gateway.Ref.Name }

func runWaypointIdentityNotAllowed(p *lint.Pass) error {
	inv := p.Inventory
	var mesh *meshIdentity
	for _, o := range inv.Kind(authorizationPolicyGK) {
		spec := authorizationPolicySpec(o)
		if spec == nil {
			continue
		}
		reportSpiffePrincipals(p, o, spec)

		if spec.GetAction() != securityapi.AuthorizationPolicy_ALLOW || len(spec.GetTargetRefs()) > 0 || spec.GetTargetRef() != nil {
			continue
		}
		at := firstPrincipalsPath(spec)
		if at == nil || o.Namespace == "" || isRootNamespace(p, o.Namespace) {
			continue
		}
		sel := spec.GetSelector().GetMatchLabels()
		if selectsGatewayPods(sel) {
			continue
		}
		if mesh == nil {
			m := meshIdentityFact.Of(p)
			mesh = &m
		}
		if mesh.autoAllow || !mesh.autoKnown {
			continue
		}
		for _, wp := range waypointsInFront(p, o.Namespace, sel) {
			ids := waypointIdentities(mesh.trustDomains, wp)
			if policyAdmits(spec, o.Namespace, wp.Gateway.Namespace, wp.SA, ids, len(mesh.trustDomains) == 0) {
				continue
			}
			id := ids[0]
			if len(mesh.trustDomains) == 0 {
				id = "<trust domain>" + strings.TrimPrefix(id, "cluster.local")
			}
			f := lint.Finding{
				Message: fmt.Sprintf("AuthorizationPolicy %s admits only the principals it lists, but traffic to its workloads "+
					"comes through waypoint %s (%s), whose identity %s no rule admits: ztunnel denies every request the "+
					"waypoint forwards; add %q to principals, or set %s: \"true\" on istiod",
					nsName(o), wp.ref(), wp.Via, id, id, autoAllowWaypointEnv),
				Pos:    o.Pos(at...),
				Object: o.Ref,
				Related: []lint.Related{
					{Position: wp.At, Message: wp.Via},
					{Position: wp.Gateway.Pos("metadata", "name"), Message: fmt.Sprintf("waypoint %s runs as service account %s", wp.ref(), wp.SA)},
				},
			}
			p.Report(f)
		}
	}
	return nil
}

// reportSpiffePrincipals reports every principal of o written with a spiffe:// prefix.
func reportSpiffePrincipals(p *lint.Pass, o *manifest.Object, spec *securityapi.AuthorizationPolicy) {
	const prefix = "spiffe://"
	for i, r := range spec.GetRules() {
		for j, from := range r.GetFrom() {
			src := from.GetSource()
			for _, field := range []struct {
				name string
				v    []string
			}{{"principals", src.GetPrincipals()}, {"notPrincipals", src.GetNotPrincipals()}} {
				for k, v := range field.v {
					if !strings.HasPrefix(v, prefix) {
						continue
					}
					path := []string{"spec", "rules", strconv.Itoa(i), "from", strconv.Itoa(j), "source", field.name, strconv.Itoa(k)}
					fixed := strings.TrimPrefix(v, prefix)
					f := lint.Finding{
						Message: fmt.Sprintf("AuthorizationPolicy %s has %s %q with a spiffe:// prefix, which never matches: Istio "+
							"compares principals without it (and adds it itself for Envoy), so this entry %s; write %q",
							nsName(o), field.name, v, spiffeEffect(spec.GetAction(), field.name), fixed),
						Pos:    o.Pos(path...),
						Object: o.Ref,
					}
					if edit, ok := replaceScalar(o, o.Lookup(path...), fixed); ok {
						f.Fixes = []lint.Fix{{Message: "remove the spiffe:// prefix", Edits: []lint.TextEdit{edit}}}
					}
					p.Report(f)
				}
			}
		}
	}
}

// spiffeEffect says what a principal that never matches does in a policy of action.
func spiffeEffect(action securityapi.AuthorizationPolicy_Action, field string) string {
	switch {
	case field == "notPrincipals":
		return "excludes nobody"
	case action == securityapi.AuthorizationPolicy_DENY:
		return "denies nobody"
	case action == securityapi.AuthorizationPolicy_ALLOW:
		return "admits nobody"
	}
	return "matches nobody"
}

// firstPrincipalsPath returns the node path of the first principals list of spec, nil when
// no rule lists principals.
func firstPrincipalsPath(spec *securityapi.AuthorizationPolicy) []string {
	for i, r := range spec.GetRules() {
		for j, from := range r.GetFrom() {
			if len(from.GetSource().GetPrincipals()) > 0 {
				return []string{"spec", "rules", strconv.Itoa(i), "from", strconv.Itoa(j), "source", "principals"}
			}
		}
	}
	return nil
}

// waypointsInFront returns the waypoints of the tree that traffic to the ambient workloads a
// policy in namespace ns with selector sel applies to passes through: the waypoints of the
// Services that select them (their own label, else their Namespace's), of their pod
// templates, and, for a namespace-wide policy, of the Namespace.
func waypointsInFront(p *lint.Pass, ns string, sel map[string]string) []frontWaypoint {
	inv := p.Inventory
	var out []frontWaypoint
	seen := map[string]bool{}
	add := func(ref, via string, at manifest.Position, kind string) {
		wns, name, _ := strings.Cut(ref, "/")
		o := waypointGateway(inv, wns, name)
		gw := gateway(o)
		if !isWaypoint(gw) || len(gw.Spec.Addresses) > 0 || seen[ref] {
			return
		}
		if tt, _ := trafficType(inv, o); manifest.IsOpaque(tt) || !waypoint.Traffic(tt).Serves(kind) {
			return
		}
		sa := gw.Name
		if v, ok := gw.Annotations[gatewaySAAnnotation]; ok {
			sa = v
		}
		if sa == "" || manifest.IsOpaque(sa) || manifest.IsOpaque(gw.Name) {
			return
		}
		seen[ref] = true
		out = append(out, frontWaypoint{Gateway: o, SA: sa, Via: via, At: at})
	}
	var services []*manifest.Object
	for _, s := range inv.Kind(serviceGK) {
		if s.Namespace == ns {
			services = append(services, s)
		}
	}
	for _, w := range selected(inv, ns, sel) {
		if w.mode(inv).Mode != ambient.Ambient {
			continue
		}
		for _, s := range services {
			svc, ok := s.Typed.(*corev1.Service)
			if !ok || len(svc.Spec.Selector) == 0 || !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(w.Meta.Labels)) {
				continue
			}
			ref, bound, known := servingWaypoint(inv, s)
			if !bound || !known {
				continue
			}
			via, at := fmt.Sprintf("Service %s/%s uses it and selects %s", s.Namespace, s.Ref.Name, objectName(w.Obj)), s.Pos("metadata", "labels", ambient.LabelUseWaypoint)
			if _, own := s.Labels[ambient.LabelUseWaypoint]; !own {
				via = fmt.Sprintf("Namespace %s uses it for Service %s/%s, which selects %s", ns, ns, s.Ref.Name, objectName(w.Obj))
				at = namespaceLabelPos(inv, ns)
			}
			add(ref, via, at, "Service")
		}
		if wp := w.Meta.Labels[ambient.LabelUseWaypoint]; wp != "" && wp != ambient.UseWaypointNone && !manifest.IsOpaque(wp) {
			wns := ns
			if v, ok := w.Meta.Labels[ambient.LabelUseWaypointNamespace]; ok {
				wns = v
			}
			if !manifest.IsOpaque(wns) {
				add(wns+"/"+wp, fmt.Sprintf("the pod template of %s uses it", objectName(w.Obj)),
					w.Obj.Pos(append(slices.Clone(w.Path), "metadata", "labels", ambient.LabelUseWaypoint)...), "Pod")
			}
		}
	}
	if len(sel) == 0 && namespaceAmbient(p, ns) {
		if l, ok := namespaceLabels(inv, ns); ok {
			if wp := l[ambient.LabelUseWaypoint]; wp != "" && wp != ambient.UseWaypointNone && !manifest.IsOpaque(wp) {
				wns := ns
				if v, ok := l[ambient.LabelUseWaypointNamespace]; ok {
					wns = v
				}
				if !manifest.IsOpaque(wns) {
					add(wns+"/"+wp, fmt.Sprintf("Namespace %s uses it", ns), namespaceLabelPos(inv, ns), "Namespace")
				}
			}
		}
	}
	return out
}

// namespaceLabelPos returns where the Namespace ns sets istio.io/use-waypoint.
func namespaceLabelPos(inv *manifest.Inventory, ns string) manifest.Position {
	o := inv.Namespace(ns)
	return o.Pos("metadata", "labels", ambient.LabelUseWaypoint)
}

// waypointIdentities returns the identities the waypoint's certificate may carry, one per
// trust domain; with the trust domain unknown, cluster.local stands in (and policyAdmits is
// told to accept any).
func waypointIdentities(tds []string, wp frontWaypoint) []string {
	if len(tds) == 0 {
		tds = []string{"cluster.local"}
	}
	var out []string
	for _, td := range tds {
		out = append(out, td+"/ns/"+wp.Gateway.Namespace+"/sa/"+wp.SA)
	}
	return out
}

// policyAdmits reports whether some rule of the ALLOW policy spec (in namespace policyNS)
// may admit a connection from service account sa of namespace ns, whose identities are ids
// (in any trust domain when anyTD). A rule whose source the rule cannot judge (ipBlocks)
// admits.
func policyAdmits(spec *securityapi.AuthorizationPolicy, policyNS, ns, sa string, ids []string, anyTD bool) bool {
	for _, r := range spec.GetRules() {
		if len(l7Attributes(&securityapi.AuthorizationPolicy{Rules: []*securityapi.Rule{r}})) > 0 {
			continue // ztunnel drops ALLOW rules with L7 attributes
		}
		if len(r.GetFrom()) == 0 {
			return true
		}
		for _, from := range r.GetFrom() {
			if sourceAdmits(from.GetSource(), policyNS, ns, sa, ids, anyTD) {
				return true
			}
		}
	}
	return false
}

func sourceAdmits(src *securityapi.Source, policyNS, ns, sa string, ids []string, anyTD bool) bool {
	if len(src.GetIpBlocks()) > 0 || len(src.GetNotIpBlocks()) > 0 {
		return true
	}
	anyID := func(patterns []string) bool {
		for _, pat := range patterns {
			if manifest.IsOpaque(pat) {
				return true
			}
			for _, id := range ids {
				if principalMatches(pat, id) || (anyTD && principalMatches(pat, withTrustDomainOf(pat, id))) {
					return true
				}
			}
		}
		return false
	}
	matchNS := func(patterns []string) bool {
		return slices.ContainsFunc(patterns, func(pat string) bool { return manifest.IsOpaque(pat) || principalMatches(pat, ns) })
	}
	matchSA := func(entries []string) bool {
		return slices.ContainsFunc(entries, func(e string) bool {
			n, s, ok := strings.Cut(e, "/")
			if !ok {
				n, s = policyNS, e
			}
			return manifest.IsOpaque(e) || (n == ns && s == sa)
		})
	}
	switch {
	case len(src.GetPrincipals()) > 0 && !anyID(src.GetPrincipals()),
		anyID(src.GetNotPrincipals()),
		len(src.GetNamespaces()) > 0 && !matchNS(src.GetNamespaces()),
		matchNS(src.GetNotNamespaces()),
		len(src.GetServiceAccounts()) > 0 && !matchSA(src.GetServiceAccounts()),
		matchSA(src.GetNotServiceAccounts()):
		return false
	}
	return true
}

// withTrustDomainOf returns id with the trust domain the principal pattern pat names, for
// matching when the mesh's trust domain is unknown.
func withTrustDomainOf(pat, id string) string {
	td, _, ok := strings.Cut(pat, "/ns/")
	if !ok || strings.Contains(td, "*") {
		return id
	}
	_, rest, _ := strings.Cut(id, "/ns/")
	return td + "/ns/" + rest
}

// principalMatches matches value against an AuthorizationPolicy string pattern as Istio
// converts it: "*" matches anything, a leading "*" a suffix, a trailing "*" a prefix,
// anything else exactly.
func principalMatches(pat, value string) bool {
	switch {
	case pat == "*":
		return value != ""
	case strings.HasPrefix(pat, "*"):
		return strings.HasSuffix(value, pat[1:])
	case strings.HasSuffix(pat, "*"):
		return strings.HasPrefix(value, pat[:len(pat)-1])
	}
	return pat == value
}
