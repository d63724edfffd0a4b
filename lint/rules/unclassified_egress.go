package rules

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/net/publicsuffix"
	networkingapi "istio.io/api/networking/v1alpha3"
	istionetworkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	gatewayv1alpha2 "sigs.k8s.io/gateway-api/apis/v1alpha2"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/internal/hosts"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// UnclassifiedEgress is AMB303: a meshed workload calls an external host that no
// ServiceEntry covers.
var UnclassifiedEgress = &lint.Rule{
	ID:       "AMB303",
	Name:     "unclassified-egress",
	Severity: lint.Warning,
	Summary:  "a meshed workload's env var or ConfigMap holds an external URL that no ServiceEntry covers",
	Doc: `**What.** An environment variable of a workload in the mesh (ambient, or sidecar), or a value
of a ConfigMap in an enrolled namespace, holds a URL whose host is outside the cluster, and no
ServiceEntry in the tree covers that host (exactly, or through a wildcard). A host is outside
the cluster when its top-level domain is a public one (an ICANN suffix on the public suffix
list, ` + "`golang.org/x/net/publicsuffix`" + `) or ` + "`.example`" + `, the RFC 2606 documentation domain that
stands in for one. Never external:

- IP literals, ` + "`localhost`" + `, single-label names, names under a top-level domain that is not
  public (` + "`.internal`, `.lan`" + `, or an invented one such as ` + "`corporate.proxy`" + `);
- Service names: ` + "`name.namespace`" + ` where the tree has that namespace (a Namespace, objects in
  it, a chart installed into it, an Application's destination) or defines that Service, and
  any name ending in ` + "`.svc`, `.svc.cluster.local` or `.cluster.local`" + `;
- hosts the tree serves itself: the hostnames of its HTTPRoutes, GRPCRoutes, TLSRoutes and
  Gateway listeners, its Ingress hosts, the hosts of VirtualServices bound to a gateway, of
  Istio Gateways and of OpenShift Routes (wildcards included): an app's own public name is
  where users reach it;
- links shown to a browser rather than called by the pod: values whose key (the env var, the
  ConfigMap key, or the key on the URL's line) names an external, public, published, root,
  site, web, frontend, redirect, callback, dashboard, homepage, link, image, icon or logo URL
  (Grafana's ` + "`root_url`, Jellyfin's `PUBLISHED_SERVER_URL`, Kiali's `external_url`" + `);
- comment lines of a ConfigMap's file (` + "`#`, `//`, `;`, `--`" + `).

Values holding an unresolved ` + "`${VAR}`" + ` are not judged. Workloads and namespaces outside the
mesh are not reported: the mesh does not see their traffic.

*Changed:* ` + "`name.namespace`" + ` Services whose Service is not in the tree (a chart's), hosts under
non-public top-level domains, the tree's own routed hostnames, browser links and comments were
reported as external calls.

**Why it breaks a cluster.** Without a ServiceEntry the mesh knows nothing about the
destination: Kiali draws it as ` + "`PassthroughCluster`" + ` or unknown, telemetry has no
destination service, authorization and egress policy cannot name it, and with
` + "`outboundTrafficPolicy: REGISTRY_ONLY`" + ` the call fails outright.

**Fix.** Add a ServiceEntry for the host (the ` + "`egress`" + ` package builds one: explicit FQDN,
` + "`MESH_EXTERNAL`" + `, ` + "`resolution: DNS`" + `, the port and protocol the workload uses).`,
	Kinds: append([]string{"/ConfigMap", "/Service", serviceEntryGK}, workloadKinds...),
	Run:   runUnclassifiedEgress,
}

var urlPattern = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s"'<>` + "`" + `]+`)

func runUnclassifiedEgress(p *lint.Pass) error {
	inv := p.Inventory
	covered := hosts.NewSet()
	for _, o := range inv.Kind(serviceEntryGK) {
		if se := serviceEntry(o); se != nil {
			covered.Add(se.Spec.Hosts...)
		}
	}
	services := map[string]bool{}
	for _, o := range inv.Kind("/Service") {
		// Single-label names and *.svc names are internal by form; name.namespace is not.
		services[o.Ref.Name+"."+o.Namespace] = true
	}
	namespaces := treeNamespaces(p)
	served := servedHosts(inv)
	external := func(host string) bool {
		if host == "" || manifest.IsOpaque(host) || !isExternalHost(host) || services[host] || covered.Covers(host) {
			return false
		}
		if name, ns, ok := strings.Cut(host, "."); ok && name != "" && namespaces[ns] {
			return false // name.namespace: a Service of a namespace the tree has
		}
		return !served.Covers(host)
	}
	report := func(o *manifest.Object, path []string, lineOffset int, where, key, raw string) {
		host := urlHost(raw)
		if !external(host) || browserLinkKey(key) {
			return
		}
		pos := o.Pos(path...)
		if lineOffset > 0 {
			pos.Line += lineOffset
			pos.Column = 1
		}
		p.Report(lint.Finding{
			Message: fmt.Sprintf("%s calls %s, which no ServiceEntry covers: the mesh and Kiali see it as unknown traffic", where, host),
			Pos:     pos,
			Object:  o.Ref,
		})
	}

	for _, w := range workloads(inv) {
		if m := w.mode(inv).Mode; m != ambient.Ambient && m != ambient.Sidecar {
			continue
		}
		for field, cs := range map[string][]corev1.Container{"containers": w.Meta.Spec.Containers, "initContainers": w.Meta.Spec.InitContainers} {
			for ci, c := range cs {
				for ei, env := range c.Env {
					if manifest.IsOpaque(env.Value) {
						continue
					}
					for _, u := range urlPattern.FindAllString(env.Value, -1) {
						path := append(append([]string(nil), w.Path...), "spec", field, strconv.Itoa(ci), "env", strconv.Itoa(ei), "value")
						report(w.Obj, path, 0, fmt.Sprintf("%s %s env %s", w.Obj.Ref.Kind, w.Obj.Ref.Name, env.Name), env.Name, u)
					}
				}
			}
		}
	}
	for _, o := range inv.Kind("/ConfigMap") {
		nsLabels, ok := namespaceLabels(inv, o.Namespace)
		if !ok {
			continue
		}
		if m := ambient.NamespaceMode(o.Namespace, nsLabels).Mode; m != ambient.Ambient && m != ambient.Sidecar {
			continue
		}
		cm, _ := o.Typed.(*corev1.ConfigMap)
		if cm == nil {
			continue
		}
		for key, val := range cm.Data {
			if !urlPattern.MatchString(val) {
				continue
			}
			// Whether the value is a block scalar (each line then a setting of its own) is
			// read from its node, and so only for an external host: the node may parse the
			// ConfigMap's file again.
			block := sync.OnceValue(func() bool {
				node := o.Lookup("data", key)
				return node != nil && node.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
			})
			for i, line := range strings.Split(val, "\n") {
				if manifest.IsOpaque(line) || commentLine(line) {
					continue
				}
				for _, u := range urlPattern.FindAllString(line, -1) {
					if !external(urlHost(u)) {
						continue
					}
					lineKey, off := key, 0
					if block() {
						if m := lineKeyPattern.FindStringSubmatch(line); m != nil {
							lineKey = m[1]
						}
						off = i + 1
					}
					report(o, []string{"data", key}, off, fmt.Sprintf("ConfigMap %s key %s", o.Ref.Name, key), lineKey, u)
				}
			}
		}
	}
	return nil
}

// urlHost returns the lower-case host name of a URL, or "" when it has none.
func urlHost(raw string) string {
	raw = strings.TrimRight(raw, ".,;)]}")
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}

// isExternalHost reports whether host names something outside the cluster by its form alone:
// a name under a public top-level domain (an ICANN one on the public suffix list) or under
// the documentation domain that stands in for one.
func isExternalHost(host string) bool {
	if net.ParseIP(host) != nil || host == "localhost" || !strings.Contains(host, ".") {
		return false
	}
	for _, s := range []string{".svc", ".cluster.local", ".localhost"} {
		if strings.HasSuffix(host, s) {
			return false
		}
	}
	tld := host[strings.LastIndexByte(host, '.')+1:]
	if slices.Contains(documentationTLDs, tld) {
		return true
	}
	// A top-level domain the list does not know gets the default rule: itself, not ICANN's.
	_, icann := publicsuffix.PublicSuffix(tld)
	return icann
}

// documentationTLDs are the RFC 2606 top-level domains that documentation and examples use
// in place of a real external domain.
var documentationTLDs = []string{"example"}

// treeNamespaces returns the namespaces the tree has: its Namespace objects (under the names
// the cluster gets), the namespaces of its objects, of its chart installs and the
// destinations of its Applications. In name.namespace, such a namespace makes the host a
// Service's.
func treeNamespaces(p *lint.Pass) map[string]bool {
	out := map[string]bool{}
	for _, o := range p.Inventory.Objects {
		if o.Namespace != "" {
			out[o.Namespace] = true
		}
	}
	for _, o := range p.Inventory.Kind(namespaceGK) {
		out[o.Ref.Name] = true
		if p.Model != nil {
			for _, n := range p.Model.Names(o) {
				out[n] = true
			}
		}
	}
	if p.Model != nil {
		for _, ci := range p.Model.Charts {
			if ci.Namespace != "" {
				out[ci.Namespace] = true
			}
		}
		for _, u := range p.Model.Units {
			if u.TargetNamespace != "" {
				out[u.TargetNamespace] = true
			}
		}
	}
	delete(out, "")
	return out
}

// hostSet is a set of host names, some of them wildcards ("*.example.com").
type hostSet struct {
	exact     map[string]bool
	wildcards []string // suffixes, ".example.com"
}

// Covers reports whether the set holds host, exactly or under one of its wildcards.
func (s hostSet) Covers(host string) bool {
	if s.exact[host] {
		return true
	}
	for _, w := range s.wildcards {
		if strings.HasSuffix(host, w) {
			return true
		}
	}
	return false
}

// servedHosts returns the hosts the tree serves itself: those of its routes, Gateway
// listeners, Ingresses, gateway-bound VirtualServices, Istio Gateways and OpenShift Routes,
// read from their Go types (aliases resolved, as the API server gets them), and from the
// nodes of the objects of those kinds that did not decode.
func servedHosts(inv *manifest.Inventory) hostSet {
	s := hostSet{exact: map[string]bool{}}
	add := func(h string) {
		h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
		if _, after, ok := strings.Cut(h, "/"); ok { // an Istio Gateway's "namespace/host"
			h = after
		}
		switch {
		case h == "" || h == "*" || manifest.IsOpaque(h):
		case strings.HasPrefix(h, "*."):
			s.wildcards = append(s.wildcards, h[1:])
		default:
			s.exact[h] = true
		}
	}
	// Aliases are followed, as the API server gets them (and as the Go types read them).
	deref := func(n *yaml.Node) *yaml.Node {
		if n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
			return n.Alias
		}
		return n
	}
	scalars := func(n *yaml.Node) []string {
		var out []string
		switch n = deref(n); {
		case n == nil:
		case n.Kind == yaml.ScalarNode:
			out = append(out, n.Value)
		case n.Kind == yaml.SequenceNode:
			for _, c := range n.Content {
				if c = deref(c); c.Kind == yaml.ScalarNode {
					out = append(out, c.Value)
				}
			}
		}
		return out
	}
	// each calls f with the items of the sequence at path in o.
	each := func(o *manifest.Object, path []string, f func(*yaml.Node)) {
		if n := o.Lookup(path...); n != nil && n.Kind == yaml.SequenceNode {
			for _, c := range n.Content {
				f(c)
			}
		}
	}
	field := func(n *yaml.Node, key string) *yaml.Node {
		found, _ := manifest.Walk(n, []string{key})
		return found
	}
	for _, gk := range []string{httpRouteGK, grpcRouteGK, tlsRouteGK, gatewayGK, ingressGK, virtualServiceGK, istioGatewayGK} {
		for _, o := range inv.Kind(gk) {
			if hs, ok := typedServedHosts(o); ok {
				for _, h := range hs {
					add(h)
				}
			}
		}
	}
	// The objects of those kinds that did not decode (or were not decoded), from their nodes.
	for _, gk := range []string{httpRouteGK, grpcRouteGK, tlsRouteGK} {
		for _, o := range inv.Kind(gk) {
			if o.Typed != nil {
				continue
			}
			for _, h := range scalars(o.Lookup("spec", "hostnames")) {
				add(h)
			}
		}
	}
	for _, o := range inv.Kind(gatewayGK) {
		if o.Typed != nil {
			continue
		}
		each(o, []string{"spec", "listeners"}, func(l *yaml.Node) {
			for _, h := range scalars(field(l, "hostname")) {
				add(h)
			}
		})
	}
	for _, o := range inv.Kind(ingressGK) {
		if o.Typed != nil {
			continue
		}
		each(o, []string{"spec", "rules"}, func(r *yaml.Node) {
			for _, h := range scalars(field(r, "host")) {
				add(h)
			}
		})
		each(o, []string{"spec", "tls"}, func(t *yaml.Node) {
			for _, h := range scalars(field(t, "hosts")) {
				add(h)
			}
		})
	}
	for _, o := range inv.Kind(virtualServiceGK) {
		if o.Typed != nil {
			continue
		}
		gws := scalars(o.Lookup("spec", "gateways"))
		if !servesOutside(gws) {
			continue
		}
		for _, h := range scalars(o.Lookup("spec", "hosts")) {
			add(h)
		}
	}
	for _, o := range inv.Kind(istioGatewayGK) {
		if o.Typed != nil {
			continue
		}
		each(o, []string{"spec", "servers"}, func(sv *yaml.Node) {
			for _, h := range scalars(field(sv, "hosts")) {
				add(h)
			}
		})
	}
	for _, o := range inv.Kind(openShiftRouteGK) {
		for _, h := range scalars(o.Lookup("spec", "host")) {
			add(h)
		}
	}
	return s
}

// servesOutside reports whether a VirtualService bound to gateways serves calls from outside
// the mesh: one bound only to the mesh routes calls the pods make.
func servesOutside(gateways []string) bool {
	return slices.ContainsFunc(gateways, func(g string) bool { return g != "mesh" })
}

// typedServedHosts returns the hosts o serves from outside the mesh, read from its Go type
// (ok is false when o has none, and servedHosts reads its nodes).
func typedServedHosts(o *manifest.Object) (hosts []string, ok bool) {
	hostnames := func(hs []gatewayv1.Hostname) []string {
		out := make([]string, 0, len(hs))
		for _, h := range hs {
			out = append(out, string(h))
		}
		return out
	}
	switch x := o.Typed.(type) {
	case *gatewayv1.HTTPRoute:
		return hostnames(x.Spec.Hostnames), true
	case *gatewayv1.GRPCRoute:
		return hostnames(x.Spec.Hostnames), true
	case *gatewayv1.TLSRoute:
		return hostnames(x.Spec.Hostnames), true
	case *gatewayv1alpha2.TLSRoute:
		return hostnames(x.Spec.Hostnames), true
	case *networkingv1.Ingress:
		for _, r := range x.Spec.Rules {
			hosts = append(hosts, r.Host)
		}
		for _, t := range x.Spec.TLS {
			hosts = append(hosts, t.Hosts...)
		}
		return hosts, true
	case *istionetworkingv1.VirtualService:
		return virtualServiceHosts(&x.Spec), true
	case *istionetworkingv1beta1.VirtualService:
		return virtualServiceHosts(&x.Spec), true
	case *istionetworkingv1alpha3.VirtualService:
		return virtualServiceHosts(&x.Spec), true
	case *istionetworkingv1.Gateway:
		return istioGatewayHosts(&x.Spec), true
	case *istionetworkingv1beta1.Gateway:
		return istioGatewayHosts(&x.Spec), true
	case *istionetworkingv1alpha3.Gateway:
		return istioGatewayHosts(&x.Spec), true
	}
	if gw := gateway(o); gw != nil {
		for _, l := range gw.Spec.Listeners {
			if l.Hostname != nil {
				hosts = append(hosts, string(*l.Hostname))
			}
		}
		return hosts, true
	}
	return nil, false
}

func virtualServiceHosts(vs *networkingapi.VirtualService) []string {
	if !servesOutside(vs.GetGateways()) {
		return nil
	}
	return vs.GetHosts()
}

func istioGatewayHosts(gw *networkingapi.Gateway) []string {
	var out []string
	for _, sv := range gw.GetServers() {
		out = append(out, sv.GetHosts()...)
	}
	return out
}

// istioGatewayGK is Istio's own Gateway kind.
const istioGatewayGK = "networking.istio.io/Gateway"

// lineKeyPattern finds the key a line of a configuration file sets: "key: value",
// "key = value", "KEY=value", quoted or not.
var lineKeyPattern = regexp.MustCompile(`^\s*-?\s*["']?([A-Za-z0-9_.-]+)["']?\s*[:=]([^/]|$)`)

// browserLinkWords are the words of a key whose URL a browser follows rather than the pod
// calling it: an address the app shows or redirects users to (Jellyfin's
// PUBLISHED_SERVER_URL, OAuth redirect and callback URLs), and images, icons and links a
// page embeds.
var browserLinkWords = []string{
	"published", "redirect", "callback", "homepage", "link", "image", "img", "icon", "logo",
	"avatar", "thumbnail", "cover",
}

// browserURLWords name a browser's address only right before "url" (or uri, host, domain):
// Grafana's root_url, Kiali's external_url, a public_url, site_url, web_url, frontend_url or
// dashboard_url; "external_api_url" is a call.
var browserURLWords = []string{"external", "public", "root", "site", "web", "frontend", "dashboard", "ui"}

// browserLinkKey reports whether key names a URL shown to a browser (see browserLinkWords
// and browserURLWords; words split at "_", "-", "." and lower-to-upper case changes).
func browserLinkKey(key string) bool {
	var words []string
	start := 0
	for i := 1; i <= len(key); i++ {
		if i == len(key) || strings.ContainsRune("_-. ", rune(key[i])) ||
			(key[i] >= 'A' && key[i] <= 'Z' && key[i-1] >= 'a' && key[i-1] <= 'z') {
			if w := strings.Trim(key[start:i], "_-. "); w != "" {
				words = append(words, strings.ToLower(w))
			}
			start = i
		}
	}
	isURL := func(w string) bool { return slices.Contains([]string{"url", "uri", "host", "domain", "urls"}, w) }
	for i, w := range words {
		for _, b := range browserLinkWords {
			if w == b || w == b+"s" || (strings.HasPrefix(w, b) && strings.HasSuffix(w, "url")) {
				return true
			}
		}
		for _, b := range browserURLWords {
			if (w == b && i+1 < len(words) && isURL(words[i+1])) || (strings.HasPrefix(w, b) && isURL(w[len(b):])) {
				return true
			}
		}
	}
	return false
}

// commentLine reports whether line is a comment in the usual configuration and script
// languages: it starts with "#", "//", ";", "--", "/*" or "*".
func commentLine(line string) bool {
	t := strings.TrimSpace(line)
	for _, c := range []string{"#", "//", ";", "--", "/*", "* "} {
		if strings.HasPrefix(t, c) {
			return true
		}
	}
	return false
}
