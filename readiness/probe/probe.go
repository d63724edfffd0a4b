package probe

import (
	"context"
	"errors"
	"fmt"

	istionetworking "istio.io/client-go/pkg/apis/networking/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/internal/kiali"
	"github.com/ambientkit/ambientkit/internal/kubeclient"
	"github.com/ambientkit/ambientkit/readiness"
)

// Options tune a [Probe].
type Options struct {
	// Namespaces are the namespaces whose enrollment is checked. When empty, the probe checks
	// every namespace labelled istio.io/dataplane-mode=ambient.
	Namespaces []string
	// IstioVersion overrides the Istio version the CRD checks hold the cluster to; by default
	// it is read from the istiod Deployment (see [readiness.IstioVersion]), and the newest
	// supported version is assumed when there is none.
	IstioVersion string
	// PageSize is the number of objects per list request; 0 means 500.
	PageSize int64
}

// Clients are what a [Probe] reads the cluster with.
type Clients struct {
	// Dynamic lists and watches every kind the probe reads; the probe converts what it
	// returns into the typed objects the evaluators take.
	Dynamic dynamic.Interface
	// REST, when not nil, asks the API server for its version before a check, to tell an
	// unreachable cluster from missing permissions.
	REST rest.Interface
}

// Probe reads a live cluster and evaluates its readiness for ambient mode.
type Probe struct {
	c    Clients
	opts Options
}

// New returns a Probe that reads the cluster cfg points at.
//
// It reads through client-go's dynamic client rather than the generated clientsets of
// Kubernetes, the Gateway API and Istio: their scheme packages register every API group at
// program start, which every run of a program that links the probe would pay, whether it
// reads a cluster or not.
//
// When cfg sets no client-side rate limit (QPS 0 and no RateLimiter), the probe sets none,
// as controller-runtime's configuration loader does, and relies on the API server's priority
// and fairness: a check makes a bounded number of requests (a constant plus a few per
// namespace), and client-go's default of 5 per second in bursts of 10 would stretch one
// check by seconds.
func New(cfg *rest.Config, opts Options) (*Probe, error) {
	dcfg, hc, err := kubeclient.Config(cfg)
	if err != nil {
		return nil, err
	}
	var c Clients
	if c.Dynamic, err = dynamic.NewForConfigAndClient(dcfg, hc); err != nil {
		return nil, fmt.Errorf("building the Kubernetes client for %s: %w", cfg.Host, err)
	}
	if c.REST, err = rest.UnversionedRESTClientForConfigAndClient(dcfg, hc); err != nil {
		return nil, fmt.Errorf("building the REST client for %s: %w", cfg.Host, err)
	}
	return NewForClients(c, opts), nil
}

// NewForClients returns a Probe that reads the cluster through c; c.Dynamic is required.
func NewForClients(c Clients, opts Options) *Probe {
	return &Probe{c: c, opts: opts}
}

// Check reads the cluster once and evaluates every check. Each query is one paginated list
// call, so a whole check costs a constant number of requests plus a few per namespace in
// scope, whatever the number of Pods. A query that fails (403, for instance) makes the checks
// that need it Unknown; Check itself fails only when the API server cannot be reached or ctx
// ends.
func (p *Probe) Check(ctx context.Context) (readiness.Report, error) {
	if err := p.ping(ctx); err != nil {
		return readiness.Report{}, err
	}
	return p.collect(ctx, listGetter{pageSize: p.opts.PageSize})
}

// ping asks the API server for its version, which every authenticated identity may read, to
// tell an unreachable cluster from missing permissions.
func (p *Probe) ping(ctx context.Context) error {
	if p.c.Dynamic == nil {
		return errors.New("reading the cluster: the probe has no dynamic client")
	}
	if p.c.REST == nil {
		return nil
	}
	if err := p.c.REST.Get().AbsPath("/version").Do(ctx).Error(); err != nil {
		return fmt.Errorf("reaching the API server: %w", err)
	}
	return nil
}

// The queries the probe makes.

func (p *Probe) qCRDs() query {
	return newQuery[apiextv1.CustomResourceDefinition](p, apiextv1.SchemeGroupVersion.WithResource("customresourcedefinitions"), "", "", "")
}

func (p *Probe) qDeployments(label string) query {
	return newQuery[appsv1.Deployment](p, appsv1.SchemeGroupVersion.WithResource("deployments"), "", label, "")
}

func (p *Probe) qDaemonSets(label string) query {
	return newQuery[appsv1.DaemonSet](p, appsv1.SchemeGroupVersion.WithResource("daemonsets"), "", label, "")
}

func (p *Probe) qGateways() query {
	return newQuery[gatewayv1.Gateway](p, gatewayv1.SchemeGroupVersion.WithResource("gateways"), "", "", "")
}

func (p *Probe) qNamespaces(label, field string) query {
	return newQuery[corev1.Namespace](p, corev1.SchemeGroupVersion.WithResource("namespaces"), "", label, field)
}

func (p *Probe) qPods(ns string) query {
	return newQuery[corev1.Pod](p, corev1.SchemeGroupVersion.WithResource("pods"), ns, "", "")
}

func (p *Probe) qReplicaSets(ns string) query {
	return newQuery[appsv1.ReplicaSet](p, appsv1.SchemeGroupVersion.WithResource("replicasets"), ns, "", "")
}

func (p *Probe) qServices(ns, label, field string) query {
	return newQuery[corev1.Service](p, corev1.SchemeGroupVersion.WithResource("services"), ns, label, field)
}

func (p *Probe) qServiceEntries(ns string) query {
	return newQuery[istionetworking.ServiceEntry](p, istionetworking.SchemeGroupVersion.WithResource("serviceentries"), ns, "", "")
}

func (p *Probe) qIngresses() query {
	return newQuery[networkingv1.Ingress](p, networkingv1.SchemeGroupVersion.WithResource("ingresses"), "", "", "")
}

func (p *Probe) qHTTPRoutes() query {
	return newQuery[gatewayv1.HTTPRoute](p, gatewayv1.SchemeGroupVersion.WithResource("httproutes"), "", "", "")
}

func (p *Probe) qGRPCRoutes() query {
	return newQuery[gatewayv1.GRPCRoute](p, gatewayv1.SchemeGroupVersion.WithResource("grpcroutes"), "", "", "")
}

func (p *Probe) qTLSRoutes() query {
	return newQuery[gatewayv1.TLSRoute](p, gatewayv1.SchemeGroupVersion.WithResource("tlsroutes"), "", "", "")
}

func (p *Probe) qVirtualServices() query {
	return newQuery[istionetworking.VirtualService](p, istionetworking.SchemeGroupVersion.WithResource("virtualservices"), "", "", "")
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
