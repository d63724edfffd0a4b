package probe

import (
	"context"
	"fmt"
	"slices"

	istionetworking "istio.io/client-go/pkg/apis/networking/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/internal/kiali"
	"github.com/ambientkit/ambientkit/readiness"
)

// collect runs every check, fetching objects through g. Which queries it makes depends on what
// earlier ones found (the namespaces in scope, whether there are waypoints or a Kiali), so the
// same code serves a one-off check and a wait on informers.
func (p *Probe) collect(ctx context.Context, g getter) (readiness.Report, error) {
	var checks []readiness.Check
	add := func(name string, r readiness.Result) { checks = append(checks, readiness.Check{Name: name, Result: r}) }

	// istiod first: its version decides which CRDs are required.
	qIstiod := p.qDeployments(readiness.IstiodSelector)
	istiodObjs, istiodErr := g.get(ctx, qIstiod)
	istiod := pointers[appsv1.Deployment](istiodObjs)
	istioVersion := p.opts.IstioVersion
	if istioVersion == "" {
		istioVersion = readiness.IstioVersion(istiod)
	}

	qCRDs := p.qCRDs()
	if objs, err := g.get(ctx, qCRDs); err != nil {
		add("gateway-api-crds", errResult(err, qCRDs))
		add("istio-crds", errResult(err, qCRDs))
	} else {
		crds := pointers[apiextv1.CustomResourceDefinition](objs)
		add("gateway-api-crds", readiness.GatewayAPICRDs(crds, istioVersion))
		add("istio-crds", readiness.IstioCRDs(crds, istioVersion))
	}
	if istiodErr != nil {
		add("istiod", errResult(istiodErr, qIstiod))
	} else {
		add("istiod", readiness.Istiod(istiod))
	}
	for _, c := range []struct {
		name, selector string
		eval           func([]*appsv1.DaemonSet) readiness.Result
	}{
		{"istio-cni", readiness.IstioCNISelector, readiness.IstioCNI},
		{"ztunnel", readiness.ZtunnelSelector, readiness.Ztunnel},
	} {
		q := p.qDaemonSets(c.selector)
		if objs, err := g.get(ctx, q); err != nil {
			add(c.name, errResult(err, q))
		} else {
			add(c.name, c.eval(pointers[appsv1.DaemonSet](objs)))
		}
	}
	if err := ctx.Err(); err != nil {
		return readiness.Report{}, err
	}

	// Namespaces in scope.
	namespaces, nsChecks := p.namespaces(ctx, g)
	checks = append(checks, nsChecks...)

	// Gateways: waypoints, and the Gateways Kiali's routes may attach to. Without the Gateway
	// API CRDs there are none, and the CRD check says so.
	qGateways := p.qGateways()
	gwObjs, gwErr := g.get(ctx, qGateways)
	gateways := pointers[gatewayv1.Gateway](gwObjs)
	switch {
	case gwErr != nil && !missingKind(gwErr):
		add("waypoints", errResult(gwErr, qGateways))
	case gwErr == nil:
		checks = append(checks, p.waypoints(ctx, g, gateways, namespaces)...)
	}

	for _, ns := range namespaces {
		checks = append(checks, p.namespaceChecks(ctx, g, ns)...)
	}
	if err := ctx.Err(); err != nil {
		return readiness.Report{}, err
	}

	add("kiali", p.kiali(ctx, g, gateways))
	if err := ctx.Err(); err != nil {
		return readiness.Report{}, err
	}
	return readiness.NewReport(checks), nil
}

// namespaceInScope is a namespace whose enrollment is checked; ns is nil when it does not
// exist.
type namespaceInScope struct {
	name string
	ns   *corev1.Namespace
}

// namespaces returns the namespaces in scope: the enrolled ones, or the ones named in the
// options. A failed lookup becomes a check of its own.
func (p *Probe) namespaces(ctx context.Context, g getter) ([]namespaceInScope, []readiness.Check) {
	if len(p.opts.Namespaces) == 0 {
		q := p.qNamespaces(enrolledSelector, "")
		objs, err := g.get(ctx, q)
		if err != nil {
			return nil, []readiness.Check{{Name: "enrollment", Result: errResult(err, q)}}
		}
		nss := pointers[corev1.Namespace](objs)
		if len(nss) == 0 {
			// Not a verdict on an empty input but the state enrollment waits for: the mesh is
			// ready before the first namespace joins it, and the seed rule of ambient GitOps
			// is to enroll only then.
			return nil, []readiness.Check{{Name: "enrollment", Result: readiness.Result{Status: readiness.Ready,
				Reason: fmt.Sprintf("no namespace labelled %s yet", enrolledSelector)}}}
		}
		out := make([]namespaceInScope, len(nss))
		for i, ns := range nss {
			out[i] = namespaceInScope{name: ns.Name, ns: ns}
		}
		return out, nil
	}
	names := slices.Clone(p.opts.Namespaces)
	slices.Sort(names)
	names = slices.Compact(names)
	var out []namespaceInScope
	var checks []readiness.Check
	for _, name := range names {
		q := p.qNamespaces("", fields.OneTermEqualSelector("metadata.name", name).String())
		objs, err := g.get(ctx, q)
		if err != nil {
			checks = append(checks, readiness.Check{Name: "enrollment " + name, Result: errResult(err, q)})
			continue
		}
		in := namespaceInScope{name: name}
		if nss := pointers[corev1.Namespace](objs); len(nss) == 1 {
			in.ns = nss[0]
		}
		out = append(out, in)
	}
	return out, checks
}

// waypoints checks the waypoint Gateways that serve the namespaces in scope: all of them
// when the scope is every enrolled namespace, else those in, or named by the labels of, the
// namespaces given.
func (p *Probe) waypoints(ctx context.Context, g getter, gateways []*gatewayv1.Gateway, namespaces []namespaceInScope) []readiness.Check {
	wanted := func(gw *gatewayv1.Gateway) bool { return true }
	if len(p.opts.Namespaces) > 0 {
		keep := map[string]bool{}
		for _, ns := range namespaces {
			keep[ns.name+"/"] = true
			if ns.ns == nil {
				continue
			}
			if w := ns.ns.Labels[ambient.LabelUseWaypoint]; w != "" && w != ambient.UseWaypointNone {
				wns := ns.name
				if x := ns.ns.Labels[ambient.LabelUseWaypointNamespace]; x != "" {
					wns = x
				}
				keep[wns+"/"+w] = true
			}
		}
		wanted = func(gw *gatewayv1.Gateway) bool { return keep[gw.Namespace+"/"] || keep[gw.Namespace+"/"+gw.Name] }
	}
	var waypoints []*gatewayv1.Gateway
	for _, gw := range gateways {
		if string(gw.Spec.GatewayClassName) == ambient.WaypointGatewayClass && wanted(gw) {
			waypoints = append(waypoints, gw)
		}
	}
	if len(waypoints) == 0 {
		return nil
	}
	q := p.qDeployments(gatewayDeploymentSelector)
	objs, err := g.get(ctx, q)
	var checks []readiness.Check
	deps := pointers[appsv1.Deployment](objs)
	for _, gw := range waypoints {
		name := "waypoint " + gw.Namespace + "/" + gw.Name
		if err != nil {
			checks = append(checks, readiness.Check{Name: name, Result: errResult(err, q)})
			continue
		}
		checks = append(checks, readiness.Check{Name: name, Result: readiness.Waypoint(gw, deps)})
	}
	return checks
}

// namespaceChecks checks one namespace's enrollment and its waypoint bindings: a list of its
// Pods, Services and ServiceEntries, and of its ReplicaSets only when a Pod that needs a
// restart is owned by one.
func (p *Probe) namespaceChecks(ctx context.Context, g getter, in namespaceInScope) []readiness.Check {
	name := "enrollment " + in.name
	if in.ns == nil {
		return []readiness.Check{{Name: name, Result: readiness.Result{Status: readiness.NotReady,
			Reason: fmt.Sprintf("namespace %s not found", in.name)}}}
	}
	checks := []readiness.Check{p.enrollment(ctx, g, in)}
	bname := "waypoint-bindings " + in.name
	qSvc := p.qServices(in.name, "", "")
	svcs, err := g.get(ctx, qSvc)
	if err != nil {
		return append(checks, readiness.Check{Name: bname, Result: errResult(err, qSvc)})
	}
	qSE := p.qServiceEntries(in.name)
	ses, err := g.get(ctx, qSE)
	if err != nil && !missingKind(err) {
		return append(checks, readiness.Check{Name: bname, Result: errResult(err, qSE)})
	}
	svcList, seList := pointers[corev1.Service](svcs), pointers[istionetworking.ServiceEntry](ses)
	if readiness.HasWaypointBound(svcList, seList) {
		checks = append(checks, readiness.Check{Name: bname, Result: readiness.WaypointBindings(svcList, seList)})
	}
	return checks
}

// enrollment lists one namespace's Pods and, only when a Pod that needs a restart is owned by
// a ReplicaSet, its ReplicaSets, to name the Deployment to restart.
func (p *Probe) enrollment(ctx context.Context, g getter, in namespaceInScope) readiness.Check {
	name := "enrollment " + in.name
	qPods := p.qPods(in.name)
	objs, err := g.get(ctx, qPods)
	if err != nil {
		return readiness.Check{Name: name, Result: errResult(err, qPods)}
	}
	pods := pointers[corev1.Pod](objs)
	st := readiness.Enrollment(in.ns, pods, nil)
	if slices.ContainsFunc(st.Restarts, func(r readiness.Restart) bool { return r.Kind == "ReplicaSet" }) {
		qRS := p.qReplicaSets(in.name)
		rs, err := g.get(ctx, qRS)
		if err != nil {
			return readiness.Check{Name: name, Result: errResult(err, qRS)}
		}
		st = readiness.Enrollment(in.ns, pods, pointers[appsv1.ReplicaSet](rs))
	}
	return readiness.Check{Name: name, Result: st.Result, Restarts: st.Restarts}
}

// kiali finds Kiali's Services by name and by label and, when there is one, the objects that
// could route to it.
func (p *Probe) kiali(ctx context.Context, g getter, gateways []*gatewayv1.Gateway) readiness.Result {
	seen := map[string]bool{}
	var objs readiness.KialiObjects
	qs := []query{p.qServices("", "", kialiNameField)}
	for _, sel := range kialiSelectors {
		qs = append(qs, p.qServices("", sel, ""))
	}
	for _, q := range qs {
		got, err := g.get(ctx, q)
		if err != nil {
			return errResult(err, q)
		}
		for _, s := range pointers[corev1.Service](got) {
			if k := s.Namespace + "/" + s.Name; !seen[k] {
				seen[k] = true
				objs.Services = append(objs.Services, s)
			}
		}
	}
	if !slices.ContainsFunc(objs.Services, kiali.IsService) {
		return readiness.Kiali(objs)
	}
	objs.Gateways = gateways
	for _, q := range []struct {
		q   query
		put func([]runtime.Object)
	}{
		{p.qIngresses(), func(o []runtime.Object) { objs.Ingresses = pointers[networkingv1.Ingress](o) }},
		{p.qHTTPRoutes(), func(o []runtime.Object) { objs.HTTPRoutes = pointers[gatewayv1.HTTPRoute](o) }},
		{p.qGRPCRoutes(), func(o []runtime.Object) { objs.GRPCRoutes = pointers[gatewayv1.GRPCRoute](o) }},
		{p.qTLSRoutes(), func(o []runtime.Object) { objs.TLSRoutes = pointers[gatewayv1.TLSRoute](o) }},
		{p.qVirtualServices(), func(o []runtime.Object) {
			objs.VirtualServices = pointers[istionetworking.VirtualService](o)
		}},
	} {
		got, err := g.get(ctx, q.q)
		switch {
		case err != nil && missingKind(err):
			continue // the kind is not installed, so nothing of it routes to Kiali
		case err != nil:
			return errResult(err, q.q)
		}
		q.put(got)
	}
	return readiness.Kiali(objs)
}
