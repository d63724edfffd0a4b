package readiness

import (
	"context"
	"fmt"

	istionetworking "istio.io/client-go/pkg/apis/networking/v1"
	istioclient "istio.io/client-go/pkg/clientset/versioned"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	gatewayclient "sigs.k8s.io/gateway-api/pkg/client/clientset/versioned"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/internal/kiali"
)

// Options tune a [Probe].
type Options struct {
	// Namespaces are the namespaces whose enrollment is checked. When empty, the probe checks
	// every namespace labelled istio.io/dataplane-mode=ambient.
	Namespaces []string
	// IstioVersion overrides the Istio version the CRD checks hold the cluster to; by default
	// it is read from the istiod Deployment (see [IstioVersion]), and the newest supported
	// version is assumed when there is none.
	IstioVersion string
	// PageSize is the number of objects per list request; 0 means 500.
	PageSize int64
}

// Clients are the clientsets a [Probe] reads the cluster with.
type Clients struct {
	Kube       kubernetes.Interface
	APIExt     apiextclient.Interface
	GatewayAPI gatewayclient.Interface
	Istio      istioclient.Interface
}

// Probe reads a live cluster and evaluates its readiness for ambient mode.
type Probe struct {
	c    Clients
	opts Options
}

// New returns a Probe that reads the cluster cfg points at.
func New(cfg *rest.Config, opts Options) (*Probe, error) {
	var c Clients
	var err error
	if c.Kube, err = kubernetes.NewForConfig(cfg); err != nil {
		return nil, fmt.Errorf("building the Kubernetes client for %s: %w", cfg.Host, err)
	}
	if c.APIExt, err = apiextclient.NewForConfig(cfg); err != nil {
		return nil, fmt.Errorf("building the apiextensions client for %s: %w", cfg.Host, err)
	}
	if c.GatewayAPI, err = gatewayclient.NewForConfig(cfg); err != nil {
		return nil, fmt.Errorf("building the Gateway API client for %s: %w", cfg.Host, err)
	}
	if c.Istio, err = istioclient.NewForConfig(cfg); err != nil {
		return nil, fmt.Errorf("building the Istio client for %s: %w", cfg.Host, err)
	}
	return NewForClients(c, opts), nil
}

// NewForClients returns a Probe that reads the cluster through c.
func NewForClients(c Clients, opts Options) *Probe {
	return &Probe{c: c, opts: opts}
}

// Check reads the cluster once and evaluates every check. Each query is one paginated list
// call, so a whole check costs a constant number of requests plus a few per namespace in
// scope, whatever the number of Pods. A query that fails (403, for instance) makes the checks
// that need it Unknown; Check itself fails only when the API server cannot be reached or ctx
// ends.
func (p *Probe) Check(ctx context.Context) (Report, error) {
	if err := p.ping(ctx); err != nil {
		return Report{}, err
	}
	return p.collect(ctx, listGetter{pageSize: p.opts.PageSize})
}

// ping asks the API server for its version, which every authenticated identity may read, to
// tell an unreachable cluster from missing permissions.
func (p *Probe) ping(ctx context.Context) error {
	rc := p.c.Kube.Discovery().RESTClient()
	if rc == nil {
		return nil
	}
	if err := rc.Get().AbsPath("/version").Do(ctx).Error(); err != nil {
		return fmt.Errorf("reaching the API server: %w", err)
	}
	return nil
}

// The queries the probe makes.

func (p *Probe) qCRDs() query {
	return newQuery("customresourcedefinitions.apiextensions.k8s.io", "",
		p.c.APIExt.ApiextensionsV1().CustomResourceDefinitions(), &apiextv1.CustomResourceDefinition{}, "", "")
}

func (p *Probe) qDeployments(label string) query {
	return newQuery("deployments.apps", "", p.c.Kube.AppsV1().Deployments(""), &appsv1.Deployment{}, label, "")
}

func (p *Probe) qDaemonSets(label string) query {
	return newQuery("daemonsets.apps", "", p.c.Kube.AppsV1().DaemonSets(""), &appsv1.DaemonSet{}, label, "")
}

func (p *Probe) qGateways() query {
	return newQuery("gateways.gateway.networking.k8s.io", "", p.c.GatewayAPI.GatewayV1().Gateways(""), &gatewayv1.Gateway{}, "", "")
}

func (p *Probe) qNamespaces(label, field string) query {
	return newQuery("namespaces", "", p.c.Kube.CoreV1().Namespaces(), &corev1.Namespace{}, label, field)
}

func (p *Probe) qPods(ns string) query {
	return newQuery("pods", ns, p.c.Kube.CoreV1().Pods(ns), &corev1.Pod{}, "", "")
}

func (p *Probe) qReplicaSets(ns string) query {
	return newQuery("replicasets.apps", ns, p.c.Kube.AppsV1().ReplicaSets(ns), &appsv1.ReplicaSet{}, "", "")
}

func (p *Probe) qServices(ns, label, field string) query {
	return newQuery("services", ns, p.c.Kube.CoreV1().Services(ns), &corev1.Service{}, label, field)
}

func (p *Probe) qServiceEntries(ns string) query {
	return newQuery("serviceentries.networking.istio.io", ns, p.c.Istio.NetworkingV1().ServiceEntries(ns),
		&istionetworking.ServiceEntry{}, "", "")
}

func (p *Probe) qIngresses() query {
	return newQuery("ingresses.networking.k8s.io", "", p.c.Kube.NetworkingV1().Ingresses(""), &networkingv1.Ingress{}, "", "")
}

func (p *Probe) qHTTPRoutes() query {
	return newQuery("httproutes.gateway.networking.k8s.io", "", p.c.GatewayAPI.GatewayV1().HTTPRoutes(""), &gatewayv1.HTTPRoute{}, "", "")
}

func (p *Probe) qGRPCRoutes() query {
	return newQuery("grpcroutes.gateway.networking.k8s.io", "", p.c.GatewayAPI.GatewayV1().GRPCRoutes(""), &gatewayv1.GRPCRoute{}, "", "")
}

func (p *Probe) qTLSRoutes() query {
	return newQuery("tlsroutes.gateway.networking.k8s.io", "", p.c.GatewayAPI.GatewayV1().TLSRoutes(""), &gatewayv1.TLSRoute{}, "", "")
}

func (p *Probe) qVirtualServices() query {
	return newQuery("virtualservices.networking.istio.io", "", p.c.Istio.NetworkingV1().VirtualServices(""),
		&istionetworking.VirtualService{}, "", "")
}

// Label selectors of the probe's queries.
var (
	enrolledSelector = ambient.LabelDataplaneMode + "=" + ambient.DataplaneModeAmbient
	// Istio labels every Deployment it creates for a Gateway, waypoints included, with the
	// Gateway's name.
	gatewayDeploymentSelector = gatewayv1.GatewayNameLabelKey
	kialiSelectors            = []string{kiali.LabelApp + "=" + kiali.Name, kiali.LabelAppName + "=" + kiali.Name}
	kialiNameField            = fields.OneTermEqualSelector("metadata.name", kiali.Name).String()
)
