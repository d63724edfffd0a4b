package rules

import (
	"fmt"
	"slices"
	"strings"

	istionetworkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	gatewayv1alpha2 "sigs.k8s.io/gateway-api/apis/v1alpha2"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/internal/kiali"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

const (
	configMapGK      = "/ConfigMap"
	ingressGK        = "networking.k8s.io/Ingress"
	httpRouteGK      = "gateway.networking.k8s.io/HTTPRoute"
	grpcRouteGK      = "gateway.networking.k8s.io/GRPCRoute"
	tlsRouteGK       = "gateway.networking.k8s.io/TLSRoute"
	virtualServiceGK = "networking.istio.io/VirtualService"
	openShiftRouteGK = "route.openshift.io/Route"
	kialiCRGK        = "kiali.io/Kiali"
)

// chartInstallerGKs are the kinds that install Helm charts (gitops.Model.Charts): Argo CD
// Applications and ApplicationSets, Flux HelmReleases, kustomizations with helmCharts. A
// rule that reads chart values runs when the tree has one of them.
var chartInstallerGKs = []string{"argoproj.io/Application", "argoproj.io/ApplicationSet",
	"helm.toolkit.fluxcd.io/HelmRelease", "kustomize.config.k8s.io/Kustomization"}

// KialiExposed is AMB401: Kiali is reachable from outside the cluster.
var KialiExposed = &lint.Rule{
	ID:       "AMB401",
	Name:     "kiali-exposed",
	Severity: lint.Error,
	Summary:  "Kiali is reachable from outside the cluster",
	Doc: `**What.** Kiali is reachable from outside the cluster:

- its Service (named ` + "`kiali`" + `, or selecting ` + "`app: kiali`" + ` or ` + "`app.kubernetes.io/name: kiali`" + `)
  is of type NodePort or LoadBalancer, or has ` + "`externalIPs`" + `;
- an Ingress, an HTTPRoute, GRPCRoute or TLSRoute attached to a Gateway that is not a waypoint, a
  VirtualService bound to a Gateway other than ` + "`mesh`" + `, or an OpenShift Route sends traffic
  to it;
- the Kiali CR (` + "`kiali.io/v1alpha1`" + `), or the values of a ` + "`kiali-server`" + ` chart install
  (top level) or a ` + "`kiali-operator`" + ` chart install (under ` + "`cr.spec`" + `, with
  ` + "`cr.create: true`" + `), set ` + "`deployment.service_type`" + ` NodePort or LoadBalancer,
  ` + "`deployment.ingress.enabled: true`" + `, or such a type or external IPs in
  ` + "`deployment.additional_service_yaml`" + `.

The facts are the ones the readiness probe uses on a live cluster (the same code decides).
When the same Kiali also runs with ` + "`auth.strategy: anonymous`" + ` (AMB402), the message says that
anyone can reach the control plane without credentials.

**Why it breaks a cluster.** Kiali reads every namespace's configuration and traffic, and unless
it is in view-only mode it can change Istio configuration with its service account's rights.
Published outside the cluster it is a target; with anonymous authentication it is an open door
to the mesh's control plane.

A LoadBalancer Service is reachable from the internet only when it gets the cloud's default,
internet-facing load balancer. With a ` + "`loadBalancerClass`" + ` another controller gives it its
address (the Tailscale operator: the tailnet; MetalLB or Cilium: the network they announce on;
the AWS Load Balancer Controller's ` + "`service.k8s.aws/nlb`" + `: an internal NLB unless the scheme
annotation says ` + "`internet-facing`" + `), and an internal-load-balancer annotation (AWS, GKE, AKS,
OCI, IBM Cloud, OpenStack) keeps it in the cloud network: the message says which network
reaches it. It is still outside the cluster, so it is still reported. *Changed:* such Services
were described as asking the cloud for an external load balancer; the port-forward hint now
names Kiali's own namespace and Service port instead of ` + "`istio-system`" + ` and 20001.

**Fix.** Keep Kiali's Service ` + "`ClusterIP`" + ` (the suggested fix sets the type back when nothing
else in the Service needs an external type), remove its routes, and open it when needed with
` + "`kubectl -n KIALI_NAMESPACE port-forward svc/kiali 20001:20001`" + ` (the message gives Kiali's
namespace, Service and port). If it must be published, put it
behind ` + "`auth.strategy: openid`" + ` or ` + "`token`" + `.`,
	Kinds: append([]string{serviceGK, ingressGK, httpRouteGK, grpcRouteGK, tlsRouteGK, virtualServiceGK,
		openShiftRouteGK, gatewayGK, kialiCRGK, configMapGK}, chartInstallerGKs...),
	Run: runKialiExposed,
}

func runKialiExposed(p *lint.Pass) error {
	facts := kialiFactsOf(p)
	for _, e := range facts.exposures {
		msg := fmt.Sprintf("Kiali (%s) is reachable from outside the cluster: %s", e.Instance, e.Why)
		if facts.anonymous[e.Instance.Namespace] {
			msg += "; it runs with auth.strategy anonymous, so anyone can reach the mesh's control plane without credentials"
		}
		msg += fmt.Sprintf("; keep it ClusterIP without routes and open it with kubectl -n %s port-forward svc/%s %s",
			e.Instance.Namespace, e.Instance.Name, facts.portForward(e.Instance))
		p.Report(lint.Finding{Message: msg, Pos: e.Pos, Object: objectRef(e.Obj), Fixes: e.Fixes})
	}
	return nil
}

// kialiExposure is one way the tree makes a Kiali reachable from outside the cluster.
type kialiExposure struct {
	Instance kiali.Backend    // Kiali's Service
	Obj      *manifest.Object // the object that exposes it
	Pos      manifest.Position
	Why      string // a clause
	Fixes    []lint.Fix
}

// kialiAnon is one place the tree sets auth.strategy: anonymous for a Kiali.
type kialiAnon struct {
	Instance kiali.Backend
	Obj      *manifest.Object
	Pos      manifest.Position
	What     string // where the setting is, e.g. "the Kiali CR istio-system/kiali"
}

// kialiFacts are the Kiali exposures and anonymous settings of the tree.
type kialiFacts struct {
	exposures []kialiExposure
	anons     []kialiAnon
	// exposed and anonymous are keyed by Kiali's namespace: one Kiali per namespace.
	exposed, anonymous map[string]bool
	// services names Kiali's Service by namespace, for messages.
	services map[string]string
	// ports are the ports of Kiali's Services in the tree, by "namespace/name".
	ports map[string][]int32
}

// kialiPort is the port Kiali serves on (the kiali-server chart's and the operator's
// default, server.port).
const kialiPort = 20001

// portForward returns the ports of the kubectl port-forward that opens Kiali's Service b:
// local 20001 to the Service's port that serves Kiali, which the Service may give another
// number than 20001 (kubectl port-forward svc/ takes a Service port).
func (f *kialiFacts) portForward(b kiali.Backend) string {
	ps := f.ports[b.Namespace+"/"+b.Name]
	if len(ps) == 0 || slices.Contains(ps, kialiPort) {
		return fmt.Sprintf("%d:%d", kialiPort, kialiPort)
	}
	return fmt.Sprintf("%d:%d", kialiPort, ps[0])
}

// kialiFactsOf computes the tree's Kiali facts once per run.
func kialiFactsOf(p *lint.Pass) *kialiFacts { return kialiFactsFact.Of(p) }

var kialiFactsFact = &lint.Fact[*kialiFacts]{Name: "Kiali installations", Compute: collectKialiFacts}

func collectKialiFacts(p *lint.Pass) *kialiFacts {
	inv := p.Inventory
	f := &kialiFacts{exposed: map[string]bool{}, anonymous: map[string]bool{}, services: map[string]string{}, ports: map[string][]int32{}}
	var instances []*corev1.Service // Kiali's Services, in effective namespaces

	for _, o := range inv.Kind(serviceGK) {
		svc, ok := o.Typed.(*corev1.Service)
		if !ok {
			continue
		}
		c := svc.DeepCopy()
		c.Namespace = o.Namespace
		if !kiali.IsService(c) {
			continue
		}
		instances = append(instances, c)
		inst := kiali.Backend{Namespace: c.Namespace, Name: c.Name}
		f.services[inst.Namespace] = inst.Name
		for _, sp := range c.Spec.Ports {
			f.ports[inst.Namespace+"/"+inst.Name] = append(f.ports[inst.Namespace+"/"+inst.Name], sp.Port)
		}
		typeOnly, ipsOnly := c.DeepCopy(), c.DeepCopy()
		typeOnly.Spec.ExternalIPs = nil
		ipsOnly.Spec.Type = corev1.ServiceTypeClusterIP
		for _, why := range kiali.ServiceExposure(typeOnly) {
			if w, ok := loadBalancerReach(c); ok {
				why = w
			}
			e := kialiExposure{Instance: inst, Obj: o, Pos: o.Pos("spec", "type"), Why: why}
			if fix, ok := clusterIPFix(o, c); ok {
				e.Fixes = []lint.Fix{fix}
			}
			f.exposures = append(f.exposures, e)
		}
		for _, why := range kiali.ServiceExposure(ipsOnly) {
			f.exposures = append(f.exposures, kialiExposure{Instance: inst, Obj: o, Pos: o.KeyPos("spec", "externalIPs"), Why: why})
		}
	}

	addConfig := func(cfg kiali.Config, defaultNS string, o *manifest.Object, what string, pos func(path []string) (manifest.Position, *yaml.Node)) {
		inst := kiali.Instance(cfg, defaultNS)
		if _, ok := f.services[inst.Namespace]; !ok {
			f.services[inst.Namespace] = inst.Name
		}
		if !slices.ContainsFunc(instances, func(s *corev1.Service) bool { return s.Namespace == inst.Namespace && s.Name == inst.Name }) {
			s := &corev1.Service{}
			s.Namespace, s.Name = inst.Namespace, inst.Name
			instances = append(instances, s)
		}
		for _, s := range kiali.ExposureSettings(cfg) {
			at, node := pos(s.Path)
			e := kialiExposure{Instance: inst, Obj: o, Pos: at, Why: fmt.Sprintf("%s (%s)", s.Why, what)}
			if s.Field() == "deployment.service_type" && o != nil && node != nil && !manifest.IsOpaque(s.Value) {
				if edit, ok := replaceScalar(o, node, string(corev1.ServiceTypeClusterIP)); ok {
					e.Fixes = []lint.Fix{{Message: "set deployment.service_type to ClusterIP", Edits: []lint.TextEdit{edit}}}
				}
			}
			f.exposures = append(f.exposures, e)
		}
		if _, ok := kiali.AnonymousSetting(cfg); ok {
			at, _ := pos([]string{"auth", "strategy"})
			f.anons = append(f.anons, kialiAnon{Instance: inst, Obj: o, Pos: at, What: what})
		}
	}

	for _, o := range inv.Kind(kialiCRGK) {
		spec, ok := nodeMap(o.Lookup("spec"))
		if !ok {
			continue
		}
		addConfig(spec, o.Namespace, o, "Kiali CR "+nsName(o), func(path []string) (manifest.Position, *yaml.Node) {
			full := append([]string{"spec"}, path...)
			return o.Pos(full...), o.Lookup(full...)
		})
	}
	for _, ci := range p.Model.Charts {
		cfg, ns, ok := kiali.ChartConfig(ci.Chart, ci.Values, ci.Namespace)
		if !ok {
			continue
		}
		var prefix []string
		if strings.HasSuffix(ci.Chart, kiali.OperatorChart) {
			prefix = []string{"cr", "spec"}
		}
		what := fmt.Sprintf("values of chart %s", ci.Chart)
		if ci.Object != nil {
			what += " in " + objectName(ci.Object)
		}
		addConfig(cfg, ns, ci.Object, what, func(path []string) (manifest.Position, *yaml.Node) {
			if ci.Object != nil && ci.ValuesPath != nil {
				full := append(append(slices.Clone(ci.ValuesPath), prefix...), path...)
				if n := ci.Object.Lookup(full...); n != nil {
					return ci.Object.Pos(full...), n
				}
			}
			return ci.ValuesPos, nil
		})
	}
	for _, o := range inv.Kind(configMapGK) {
		cm, ok := o.Typed.(*corev1.ConfigMap)
		if !ok || !kiali.IsConfigMap(cm) {
			continue
		}
		inner, err := yaml.Parse(cm.Data[kiali.ConfigMapKey])
		if err != nil {
			continue
		}
		cfg, ok := nodeMap(inner.YNode())
		if !ok {
			continue
		}
		if _, ok := kiali.AnonymousSetting(cfg); ok {
			inst := kiali.Instance(cfg, o.Namespace)
			if _, ok := f.services[inst.Namespace]; !ok {
				f.services[inst.Namespace] = inst.Name
			}
			f.anons = append(f.anons, kialiAnon{
				Instance: inst, Obj: o, Pos: embeddedPos(o, []string{"data", kiali.ConfigMapKey}, inner, "auth", "strategy"),
				What: fmt.Sprintf("the %s of ConfigMap %s", kiali.ConfigMapKey, nsName(o)),
			})
		}
	}

	// Routes from outside the cluster to any Kiali Service.
	routes := kialiRoutes(inv)
	for _, svc := range instances {
		for _, r := range kiali.Targets(svc, routes.list) {
			o := routes.objects[routeKey(r)]
			if o == nil {
				continue
			}
			f.exposures = append(f.exposures, kialiExposure{
				Instance: kiali.Backend{Namespace: svc.Namespace, Name: svc.Name}, Obj: o,
				Pos: backendPos(o, r.Backend),
				Why: fmt.Sprintf("%s sends traffic to it", r),
			})
		}
	}

	for _, e := range f.exposures {
		f.exposed[e.Instance.Namespace] = true
	}
	for _, a := range f.anons {
		f.anonymous[a.Instance.Namespace] = true
	}
	return f
}

// objectRef returns o's reference, or the zero reference for no object.
func objectRef(o *manifest.Object) manifest.ObjectRef {
	if o == nil {
		return manifest.ObjectRef{}
	}
	return o.Ref
}

// clusterIPFix returns the fix that sets Kiali's Service type back to ClusterIP, when nothing
// else in the Service needs an external type (the API server rejects a ClusterIP Service with
// node ports, load balancer fields or an external traffic policy).
func clusterIPFix(o *manifest.Object, svc *corev1.Service) (lint.Fix, bool) {
	s := svc.Spec
	if s.ExternalTrafficPolicy != "" || s.HealthCheckNodePort != 0 || s.LoadBalancerIP != "" ||
		len(s.LoadBalancerSourceRanges) > 0 || s.LoadBalancerClass != nil || s.AllocateLoadBalancerNodePorts != nil {
		return lint.Fix{}, false
	}
	for _, p := range s.Ports {
		if p.NodePort != 0 {
			return lint.Fix{}, false
		}
	}
	edit, ok := replaceScalar(o, o.Lookup("spec", "type"), string(corev1.ServiceTypeClusterIP))
	if !ok {
		return lint.Fix{}, false
	}
	return lint.Fix{Message: "set the Service type to ClusterIP", Edits: []lint.TextEdit{edit}}, true
}

// routeSet is every route of the tree that reaches Services from outside the mesh, with the
// object each comes from.
type routeSet struct {
	list    []kiali.Route
	objects map[string]*manifest.Object
}

func routeKey(r kiali.Route) string { return r.Kind + "\x00" + r.Namespace + "\x00" + r.Name }

// kialiRoutes collects the routes of the tree, with every object in its effective namespace.
func kialiRoutes(inv *manifest.Inventory) routeSet {
	rs := routeSet{objects: map[string]*manifest.Object{}}
	waypoints := map[string]bool{}
	for _, o := range inv.Kind(gatewayGK) {
		if isWaypoint(gateway(o)) {
			waypoints[o.Namespace+"/"+o.Ref.Name] = true
		}
	}
	internal := func(ns, name string) bool { return waypoints[ns+"/"+name] }
	add := func(o *manifest.Object, routes []kiali.Route) {
		for _, r := range routes {
			rs.objects[routeKey(r)] = o
		}
		rs.list = append(rs.list, routes...)
	}
	for _, o := range inv.Kind(ingressGK) {
		if x, ok := o.Typed.(*networkingv1.Ingress); ok {
			c := *x
			c.Namespace = o.Namespace
			add(o, kiali.IngressRoutes(&c))
		}
	}
	for _, o := range inv.Kind(httpRouteGK) {
		if x, ok := o.Typed.(*gatewayv1.HTTPRoute); ok {
			c := *x
			c.Namespace = o.Namespace
			add(o, kiali.HTTPRouteRoutes(&c, internal))
		}
	}
	for _, o := range inv.Kind(grpcRouteGK) {
		if x, ok := o.Typed.(*gatewayv1.GRPCRoute); ok {
			c := *x
			c.Namespace = o.Namespace
			add(o, kiali.GRPCRouteRoutes(&c, internal))
		}
	}
	for _, o := range inv.Kind(tlsRouteGK) {
		var c gatewayv1.TLSRoute
		switch x := o.Typed.(type) {
		case *gatewayv1.TLSRoute:
			c = *x
		case *gatewayv1alpha2.TLSRoute:
			c.ObjectMeta = x.ObjectMeta
			c.Spec.CommonRouteSpec = x.Spec.CommonRouteSpec
			for _, r := range x.Spec.Rules {
				c.Spec.Rules = append(c.Spec.Rules, gatewayv1.TLSRouteRule(r))
			}
		default:
			continue
		}
		c.Namespace = o.Namespace
		add(o, kiali.TLSRouteRoutes(&c, internal))
	}
	for _, o := range inv.Kind(virtualServiceGK) {
		vs := &istionetworkingv1.VirtualService{}
		switch x := o.Typed.(type) {
		case *istionetworkingv1.VirtualService:
			vs.ObjectMeta = x.ObjectMeta
			x.Spec.DeepCopyInto(&vs.Spec)
		case *istionetworkingv1beta1.VirtualService:
			vs.ObjectMeta = x.ObjectMeta
			x.Spec.DeepCopyInto(&vs.Spec)
		case *istionetworkingv1alpha3.VirtualService:
			vs.ObjectMeta = x.ObjectMeta
			x.Spec.DeepCopyInto(&vs.Spec)
		default:
			continue
		}
		vs.Namespace = o.Namespace
		add(o, kiali.VirtualServiceRoutes(vs))
	}
	for _, o := range inv.Kind(openShiftRouteGK) {
		m, ok := nodeMap(o.Root().YNode())
		if !ok {
			continue
		}
		u := &unstructured.Unstructured{Object: m}
		u.SetNamespace(o.Namespace)
		add(o, kiali.OpenShiftRouteRoutes(u))
	}
	return rs
}

// nodeMap decodes a mapping node into a generic map.
func nodeMap(n *yaml.Node) (map[string]any, bool) {
	if n == nil {
		return nil, false
	}
	for n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil, false
	}
	var m map[string]any
	if err := n.Decode(&m); err != nil || m == nil {
		return nil, false
	}
	return m, true
}

// backendPos returns the position of the first name or host value in o's spec that names the
// Service b (a host "name" or "name.namespace…"), else of o's name.
func backendPos(o *manifest.Object, b kiali.Backend) manifest.Position {
	name := b.Name
	var found *yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || found != nil {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content) && found == nil; i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Kind == yaml.ScalarNode && (k.Value == "name" || k.Value == "host") &&
					(v.Value == name || (k.Value == "host" && strings.HasPrefix(v.Value, name+"."+b.Namespace+"."))) {
					found = v
					return
				}
				walk(v)
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c)
			}
		}
	}
	walk(o.Lookup("spec"))
	if found == nil {
		return o.Pos("metadata", "name")
	}
	return o.NodePos(found)
}

// embeddedPos returns the position, in o's file, of the node at inner path within the YAML
// document held by the block scalar at path (a ConfigMap's config.yaml); the block scalar's
// own position when the text is not a block scalar or the node is missing.
func embeddedPos(o *manifest.Object, path []string, doc *yaml.RNode, inner ...string) manifest.Position {
	outer := o.Lookup(path...)
	pos := o.Pos(path...)
	if outer == nil || o.File == nil || (outer.Style != yaml.LiteralStyle && outer.Style != yaml.FoldedStyle) {
		return pos
	}
	n := doc.YNode()
	for _, k := range inner {
		if n == nil {
			return pos
		}
		for n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
			n = n.Content[0]
		}
		var next *yaml.Node
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					next = n.Content[i+1]
				}
			}
		}
		if next == nil {
			return pos
		}
		n = next
	}
	// Block scalar content starts on the line after the indicator, indented alike.
	outerLine, _ := o.File.Position(outer.Line, outer.Column)
	first := lineAt(o.File.Data, outerLine+1)
	if first == nil {
		return pos
	}
	indent := len(first) - len(strings.TrimLeft(string(first), " "))
	pos.Line, pos.Column = outerLine+n.Line, indent+n.Column
	return pos
}

// internalLoadBalancerAnnotations are the Service annotations (and values) with which a cloud
// provider's load balancer controller makes an internal load balancer: an address in the
// cloud network (VPC), not on the internet. Sources: the AWS Load Balancer Controller and the
// legacy in-tree AWS provider, GKE's internal passthrough Network Load Balancer, AKS, OCI,
// IBM Cloud and OpenStack's cloud-provider-openstack.
var internalLoadBalancerAnnotations = []struct{ key, value string }{
	{"service.beta.kubernetes.io/aws-load-balancer-scheme", "internal"},
	{"service.beta.kubernetes.io/aws-load-balancer-internal", "true"},
	{"service.beta.kubernetes.io/aws-load-balancer-internal", "0.0.0.0/0"}, // the legacy provider's older form
	{"networking.gke.io/load-balancer-type", "internal"},
	{"cloud.google.com/load-balancer-type", "internal"},
	{"service.beta.kubernetes.io/azure-load-balancer-internal", "true"},
	{"service.beta.kubernetes.io/oci-load-balancer-internal", "true"},
	{"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type", "private"},
	{"service.beta.kubernetes.io/openstack-internal-load-balancer", "true"},
}

// loadBalancerReach describes how far a LoadBalancer Service reaches when it is not the
// cloud's default, internet-facing load balancer: one that a loadBalancerClass hands to
// another controller (Tailscale, MetalLB, Cilium's LB IPAM), or one an annotation makes
// internal. ok is false for a plain LoadBalancer.
func loadBalancerReach(svc *corev1.Service) (why string, ok bool) {
	if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return "", false
	}
	for _, a := range internalLoadBalancerAnnotations {
		if v, ok := svc.Annotations[a.key]; ok && strings.EqualFold(strings.TrimSpace(v), a.value) {
			return fmt.Sprintf("Service type LoadBalancer with %s: %s makes an internal load balancer: it is reachable beyond the cluster from the cloud network (the VPC and what is peered or connected to it), not from the internet", a.key, v), true
		}
	}
	c := svc.Spec.LoadBalancerClass
	if c == nil || *c == "" {
		return "", false
	}
	// The class's controller, not the cloud provider's default, gives the Service its address.
	switch {
	case *c == awsNLBClass:
		if strings.EqualFold(svc.Annotations[awsSchemeAnnotation], "internet-facing") {
			return "", false
		}
		return fmt.Sprintf("Service type LoadBalancer with loadBalancerClass %s gets an internal NLB from the AWS Load Balancer Controller (its default scheme; %s is not internet-facing): it is reachable beyond the cluster from the VPC and what is connected to it, not from the internet", *c, awsSchemeAnnotation), true
	case strings.Contains(strings.ToLower(*c), "tailscale"):
		return fmt.Sprintf("Service type LoadBalancer with loadBalancerClass %s gets its address from the Tailscale operator, not a cloud load balancer: it is reachable beyond the cluster on the tailnet (every device and user its ACLs admit), not from the internet", *c), true
	}
	return fmt.Sprintf("Service type LoadBalancer with loadBalancerClass %s gets its address from that class's controller, not the cloud's default load balancer: it is reachable beyond the cluster on whatever network that controller announces it on, which may not be the internet", *c), true
}

// The AWS Load Balancer Controller's class for NLBs, and the annotation that makes one
// internet-facing (its default scheme is internal).
const (
	awsNLBClass         = "service.k8s.aws/nlb"
	awsSchemeAnnotation = "service.beta.kubernetes.io/aws-load-balancer-scheme"
)
