package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	apisecurity "istio.io/api/security/v1beta1"
	securityv1 "istio.io/client-go/pkg/apis/security/v1"
	securityv1beta1 "istio.io/client-go/pkg/apis/security/v1beta1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

const (
	peerAuthenticationGK    = "security.istio.io/PeerAuthentication"
	validatingWebhookGK     = "admissionregistration.k8s.io/ValidatingWebhookConfiguration"
	mutatingWebhookGK       = "admissionregistration.k8s.io/MutatingWebhookConfiguration"
	apiServiceGK            = "apiregistration.k8s.io/APIService"
	crdConversionGK         = "apiextensions.k8s.io/CustomResourceDefinition"
	apiServerDefaultSvcPort = 443
)

// StrictMTLSBlocksNonMeshCallers is AMB210: a STRICT PeerAuthentication in front of ambient
// pods that the API server calls (admission webhooks, aggregated APIs, CRD conversion).
var StrictMTLSBlocksNonMeshCallers = &lint.Rule{
	ID:       "AMB210",
	Name:     "strict-mtls-blocks-non-mesh-callers",
	Severity: lint.Error,
	Summary:  "STRICT mTLS on ambient pods that the API server, outside the mesh, calls as a webhook or aggregated API",
	Doc: `**What.** A PeerAuthentication with ` + "`mtls.mode: STRICT`" + ` (mesh-wide in Istio's root namespace,
namespace-wide, or on a workload ` + "`selector`" + `) that is the effective policy of ambient pods
behind a Service the Kubernetes API server calls: a ` + "`ValidatingWebhookConfiguration`" + ` or
` + "`MutatingWebhookConfiguration`" + ` webhook's ` + "`clientConfig.service`" + `, an ` + "`APIService`" + `'s
` + "`spec.service`" + `, or a CustomResourceDefinition's conversion webhook. The Service port the
caller names (443 when unset) is resolved through the Service's ` + "`targetPort`" + ` (a number, or a
container port name) to the container port, since that is the port ` + "`portLevelMtls`" + ` keys name.
The effective mode follows istiod's ambient conversion (Istio 1.24 and later, after
istio/istio#54073): a workload policy wins over the namespace's, which wins over the mesh's
(root-namespace policies with a selector are ignored in ambient); ` + "`UNSET`" + ` inherits; a
workload policy's ` + "`portLevelMtls`" + ` entry with PERMISSIVE or DISABLE on the container port
exempts it. The finding is at the ` + "`mtls.mode`" + ` that makes the port STRICT, with the webhook or
APIService as a related location. The rule stays quiet when two policies compete at one level
(istiod picks the oldest, which the tree cannot tell), when the Service or its pods are not in
the tree, and for pods not in ambient mode.

**Why it breaks a cluster.** The API server is not part of the mesh: it calls webhooks and
aggregated APIs in plain TLS, without an Istio certificate. In ambient mode ztunnel enforces
STRICT for the destination pod and rejects the connection ("connection closed due to policy
rejection"), so the API server reports EOF or connection reset: admission fails open or blocks
every matching request (failurePolicy), an aggregated API (metrics-server) is unavailable and
namespace deletion hangs, custom resources cannot be converted. See istio/istio#52874 and
#53884 and Istio's "Add workloads to the mesh" page.

**Fix.** Keep STRICT for the mesh and exempt the one port: a PeerAuthentication in the
workload's namespace with a ` + "`selector`" + ` on its pods (a ` + "`portLevelMtls`" + ` needs one, and
root-namespace selectors do not apply in ambient) and ` + "`portLevelMtls`" + ` set to PERMISSIVE on the
container port (not the Service port): for a webhook Service 443 → 9443, the key is 9443.
Alternatively take the pods out of the mesh with ` + "`istio.io/dataplane-mode: none`" + `.`,
	Kinds: append([]string{peerAuthenticationGK, validatingWebhookGK, mutatingWebhookGK, apiServiceGK, crdConversionGK,
		serviceGK, namespaceGK}, workloadKinds...),
	Run: runStrictMTLSBlocksNonMeshCallers,
}

// paPolicy is a PeerAuthentication with its spec.
type paPolicy struct {
	obj  *manifest.Object
	spec *apisecurity.PeerAuthentication
}

func (pa paPolicy) mode() apisecurity.PeerAuthentication_MutualTLS_Mode {
	return pa.spec.GetMtls().GetMode()
}

// apiCaller is a place where the API server is told to call a Service.
type apiCaller struct {
	obj             *manifest.Object
	path            []string // the service node
	what            string   // "ValidatingWebhookConfiguration kyverno (webhook validate.kyverno.svc)"
	namespace, name string
	port            int32
}

type strictKey struct {
	pa   *manifest.Object
	svc  *manifest.Object
	port int32
}

type strictFinding struct {
	pa        paPolicy
	svc       *manifest.Object
	svcPort   int32
	container int32
	ws        []workload
	callers   []apiCaller
}

func runStrictMTLSBlocksNonMeshCallers(p *lint.Pass) error {
	inv := p.Inventory
	var pas []paPolicy
	for _, o := range inv.Kind(peerAuthenticationGK) {
		switch x := o.Typed.(type) {
		case *securityv1.PeerAuthentication:
			pas = append(pas, paPolicy{o, &x.Spec})
		case *securityv1beta1.PeerAuthentication:
			pas = append(pas, paPolicy{o, &x.Spec})
		}
	}
	if len(pas) == 0 {
		return nil
	}
	found := map[strictKey]*strictFinding{}
	var order []strictKey
	all := workloads(inv)
	for _, c := range apiCallers(inv) {
		svcObj := inv.Get(serviceGK, c.namespace, c.name)
		if svcObj == nil {
			continue
		}
		svc, ok := svcObj.Typed.(*corev1.Service)
		if !ok || len(svc.Spec.Selector) == 0 {
			continue
		}
		var sp *corev1.ServicePort
		for i := range svc.Spec.Ports {
			if svc.Spec.Ports[i].Port == c.port {
				sp = &svc.Spec.Ports[i]
			}
		}
		if sp == nil {
			continue
		}
		sel := labels.SelectorFromSet(svc.Spec.Selector)
		for _, w := range all {
			if w.Obj.Namespace != c.namespace || !sel.Matches(labels.Set(w.Meta.Labels)) || hboneWorkloadMode(p, w) != ambient.Ambient {
				continue
			}
			port, ok := containerPort(w.Meta, sp)
			if !ok {
				continue
			}
			decider, strict := effectiveStrict(p, pas, w, port)
			if !strict {
				continue
			}
			k := strictKey{decider.obj, svcObj, port}
			f := found[k]
			if f == nil {
				f = &strictFinding{pa: decider, svc: svcObj, svcPort: c.port, container: port}
				found[k] = f
				order = append(order, k)
			}
			if !slices.ContainsFunc(f.ws, func(x workload) bool { return x.Obj == w.Obj }) {
				f.ws = append(f.ws, w)
			}
			if !slices.ContainsFunc(f.callers, func(x apiCaller) bool { return x.obj == c.obj && slices.Equal(x.path, c.path) }) {
				f.callers = append(f.callers, c)
			}
		}
	}
	for _, k := range order {
		reportStrictCaller(p, found[k])
	}
	return nil
}

func reportStrictCaller(p *lint.Pass, f *strictFinding) {
	var callers []string
	var related []lint.Related
	for _, c := range f.callers {
		callers = append(callers, c.what)
		related = append(related, lint.Related{Position: c.obj.Pos(c.path...),
			Message: c.what + " has the API server call Service " + nsName(f.svc)})
	}
	for _, w := range f.ws {
		related = append(related, lint.Related{Position: w.Obj.Pos("metadata", "name"), Message: objectName(w.Obj) + " runs ambient pods behind it"})
	}
	scope := "mesh-wide"
	switch {
	case len(f.pa.spec.GetSelector().GetMatchLabels()) > 0:
		scope = "for its selector"
	case !isRootNamespace(p, f.pa.obj.Namespace):
		scope = "for namespace " + f.pa.obj.Namespace
	}
	fix := fmt.Sprintf("add a PeerAuthentication in namespace %s with a selector on those pods and portLevelMtls %d (the container port, not the Service port %d) set to PERMISSIVE",
		f.ws[0].Obj.Namespace, f.container, f.svcPort)
	if scope == "for its selector" {
		fix = fmt.Sprintf("add portLevelMtls %d (the container port, not the Service port %d) with mode PERMISSIVE to it", f.container, f.svcPort)
	}
	msg := fmt.Sprintf("PeerAuthentication %s requires mTLS (STRICT) %s, which covers the ambient pods of %s serving %s through Service %s port %d: "+
		"the API server is outside the mesh, so ztunnel rejects its calls and they fail; %s",
		nsName(f.pa.obj), scope, workloadNames(f.ws), strings.Join(callers, " and "), nsName(f.svc), f.svcPort, fix)
	p.Report(lint.Finding{Message: msg, Pos: f.pa.obj.Pos("spec", "mtls", "mode"), Object: f.pa.obj.Ref, Related: related})
}

// effectiveStrict resolves, as istiod's ambient conversion does, whether the PeerAuthentications
// make container port port of w's pods STRICT, and which policy's mode decides it. It returns
// false when two policies compete at one level: istiod takes the oldest, which the tree does
// not tell.
func effectiveStrict(p *lint.Pass, pas []paPolicy, w workload, port int32) (paPolicy, bool) {
	var mesh, ns, wl []paPolicy
	for _, pa := range pas {
		ml := pa.spec.GetSelector().GetMatchLabels()
		root := isRootNamespace(p, pa.obj.Namespace)
		switch {
		case root && len(ml) == 0:
			mesh = append(mesh, pa)
		case root:
			// A selector in the root namespace is ignored in ambient mode.
		case pa.obj.Namespace != w.Obj.Namespace:
		case len(ml) == 0:
			ns = append(ns, pa)
		case labels.SelectorFromSet(ml).Matches(labels.Set(w.Meta.Labels)):
			wl = append(wl, pa)
		}
	}
	if len(mesh) > 1 || len(ns) > 1 || len(wl) > 1 {
		return paPolicy{}, false
	}
	var decider paPolicy
	strict := false
	if len(mesh) == 1 && mesh[0].mode() == apisecurity.PeerAuthentication_MutualTLS_STRICT {
		strict, decider = true, mesh[0]
	}
	if len(ns) == 1 && ns[0].mode() != apisecurity.PeerAuthentication_MutualTLS_UNSET {
		strict = ns[0].mode() == apisecurity.PeerAuthentication_MutualTLS_STRICT
		if strict {
			decider = ns[0]
		}
	}
	if len(wl) == 1 {
		switch wl[0].mode() {
		case apisecurity.PeerAuthentication_MutualTLS_STRICT:
			strict, decider = true, wl[0]
		case apisecurity.PeerAuthentication_MutualTLS_PERMISSIVE, apisecurity.PeerAuthentication_MutualTLS_DISABLE:
			strict = false
		}
		if pm, ok := wl[0].spec.GetPortLevelMtls()[uint32(port)]; ok {
			switch pm.GetMode() {
			case apisecurity.PeerAuthentication_MutualTLS_PERMISSIVE, apisecurity.PeerAuthentication_MutualTLS_DISABLE:
				strict = false
			}
		}
	}
	return decider, strict && decider.obj != nil
}

// containerPort resolves a Service port's targetPort to the container port of a pod template:
// the number, or the container port of that name; the Service port when targetPort is unset.
func containerPort(t *corev1.PodTemplateSpec, sp *corev1.ServicePort) (int32, bool) {
	tp := sp.TargetPort
	switch {
	case tp.Type == intstr.Int && tp.IntVal == 0:
		return sp.Port, true
	case tp.Type == intstr.Int:
		return tp.IntVal, true
	}
	for _, c := range t.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.Name == tp.StrVal && tp.StrVal != "" {
				return cp.ContainerPort, true
			}
		}
	}
	return 0, false
}

// apiCallers lists where the tree has the API server call a Service: admission webhooks,
// APIServices and CRD conversion webhooks, in input order.
func apiCallers(inv *manifest.Inventory) []apiCaller {
	var out []apiCaller
	for _, gk := range []string{validatingWebhookGK, mutatingWebhookGK} {
		for _, o := range inv.Kind(gk) {
			hooks := o.Lookup("webhooks")
			if hooks == nil || hooks.Kind != yaml.SequenceNode {
				continue
			}
			for i := range hooks.Content {
				path := []string{"webhooks", strconv.Itoa(i), "clientConfig", "service"}
				what := o.Ref.Kind + " " + o.Ref.Name
				if name := callerScalar(o.Lookup("webhooks", strconv.Itoa(i), "name")); name != "" {
					what += " (webhook " + name + ")"
				}
				if c, ok := readCaller(o, path, what); ok {
					out = append(out, c)
				}
			}
		}
	}
	for _, o := range inv.Kind(apiServiceGK) {
		if c, ok := readCaller(o, []string{"spec", "service"}, "APIService "+o.Ref.Name); ok {
			out = append(out, c)
		}
	}
	for _, o := range inv.Kind(crdConversionGK) {
		path := []string{"spec", "conversion", "webhook", "clientConfig", "service"}
		if c, ok := readCaller(o, path, "the conversion webhook of CustomResourceDefinition "+o.Ref.Name); ok {
			out = append(out, c)
		}
	}
	return out
}

// readCaller reads the service reference at path (namespace, name, port); false when it is
// missing or a template fills it in later.
func readCaller(o *manifest.Object, path []string, what string) (apiCaller, bool) {
	n := o.Lookup(path...)
	if n == nil || n.Kind != yaml.MappingNode {
		return apiCaller{}, false
	}
	at := func(k string) string { return callerScalar(o.Lookup(append(slices.Clone(path), k)...)) }
	c := apiCaller{obj: o, path: path, what: what, namespace: at("namespace"), name: at("name"), port: apiServerDefaultSvcPort}
	if c.namespace == "" || c.name == "" || manifest.IsOpaque(c.namespace) || manifest.IsOpaque(c.name) {
		return apiCaller{}, false
	}
	if s := at("port"); s != "" {
		v, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return apiCaller{}, false
		}
		c.port = int32(v)
	}
	return c, true
}

// callerScalar returns a scalar node's value, "" for nil or other nodes.
func callerScalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}
