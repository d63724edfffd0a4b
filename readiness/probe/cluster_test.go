package probe

import (
	"context"
	"sync"
	"testing"
	"time"

	istioapimeta "istio.io/api/meta/v1alpha1"
	istioapi "istio.io/api/networking/v1alpha3"
	istionetworking "istio.io/client-go/pkg/apis/networking/v1"
	istioclient "istio.io/client-go/pkg/clientset/versioned"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	gatewayclient "sigs.k8s.io/gateway-api/pkg/client/clientset/versioned"

	"github.com/ambientkit/ambientkit/readiness"
)

// kube creates objects in the test API server and writes their status through the status
// subresource, as the controllers and Istio would. Any failure fails the test.
type kube struct {
	t     *testing.T
	ctx   context.Context
	core  kubernetes.Interface
	gw    gatewayclient.Interface
	istio istioclient.Interface
}

func newKube(t *testing.T, cfg *rest.Config) *kube {
	t.Helper()
	k := &kube{t: t, ctx: t.Context()}
	k.core = kubernetes.NewForConfigOrDie(cfg)
	k.gw = gatewayclient.NewForConfigOrDie(cfg)
	k.istio = istioclient.NewForConfigOrDie(cfg)
	return k
}

func (k *kube) check(err error) {
	k.t.Helper()
	if err != nil {
		k.t.Fatal(err)
	}
}

func (k *kube) namespace(name string, labels map[string]string) {
	k.t.Helper()
	_, err := k.core.CoreV1().Namespaces().Create(k.ctx,
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}, metav1.CreateOptions{})
	k.check(err)
}

func podSpec() corev1.PodSpec {
	return corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example/app:1"}}}
}

func template(labels map[string]string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: podSpec()}
}

// deployment creates a Deployment of replicas replicas, ready of them ready and available.
func (k *kube) deployment(ns, name string, labels map[string]string, replicas, ready int32) *appsv1.Deployment {
	k.t.Helper()
	d, err := k.core.AppsV1().Deployments(ns).Create(k.ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"deployment": name}},
			Template: template(map[string]string{"deployment": name}),
		},
	}, metav1.CreateOptions{})
	k.check(err)
	d.Status = appsv1.DeploymentStatus{
		ObservedGeneration: d.Generation, Replicas: replicas, UpdatedReplicas: replicas,
		ReadyReplicas: ready, AvailableReplicas: ready,
	}
	d, err = k.core.AppsV1().Deployments(ns).UpdateStatus(k.ctx, d, metav1.UpdateOptions{})
	k.check(err)
	return d
}

// daemonSet creates a DaemonSet scheduled on desired nodes, ready on ready of them.
func (k *kube) daemonSet(ns, name string, labels map[string]string, desired, ready int32) *appsv1.DaemonSet {
	k.t.Helper()
	ds, err := k.core.AppsV1().DaemonSets(ns).Create(k.ctx, &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: template(labels),
		},
	}, metav1.CreateOptions{})
	k.check(err)
	return k.daemonSetStatus(ds, desired, ready)
}

func (k *kube) daemonSetStatus(ds *appsv1.DaemonSet, desired, ready int32) *appsv1.DaemonSet {
	k.t.Helper()
	ds.Status = appsv1.DaemonSetStatus{
		ObservedGeneration: ds.Generation, CurrentNumberScheduled: desired, DesiredNumberScheduled: desired,
		UpdatedNumberScheduled: desired, NumberReady: ready, NumberAvailable: ready,
	}
	ds, err := k.core.AppsV1().DaemonSets(ds.Namespace).UpdateStatus(k.ctx, ds, metav1.UpdateOptions{})
	k.check(err)
	return ds
}

// replicaSet creates a ReplicaSet owned by deployment.
func (k *kube) replicaSet(ns, name, deployment string) {
	k.t.Helper()
	yes := true
	_, err := k.core.AppsV1().ReplicaSets(ns).Create(k.ctx, &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, OwnerReferences: []metav1.OwnerReference{{
			APIVersion: "apps/v1", Kind: "Deployment", Name: deployment, UID: types.UID("uid-" + deployment), Controller: &yes,
		}}},
		Spec: appsv1.ReplicaSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"rs": name}},
			Template: template(map[string]string{"rs": name}),
		},
	}, metav1.CreateOptions{})
	k.check(err)
}

// pod creates a running Pod with the given annotations, owned by the ReplicaSet rs if any.
func (k *kube) pod(ns, name, rs string, annotations map[string]string, hostNetwork bool) *corev1.Pod {
	k.t.Helper()
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Annotations: annotations}, Spec: podSpec()}
	p.Spec.HostNetwork = hostNetwork
	if rs != "" {
		yes := true
		p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: rs, UID: types.UID("uid-" + rs), Controller: &yes}}
	}
	p, err := k.core.CoreV1().Pods(ns).Create(k.ctx, p, metav1.CreateOptions{})
	k.check(err)
	p.Status.Phase = corev1.PodRunning
	p, err = k.core.CoreV1().Pods(ns).UpdateStatus(k.ctx, p, metav1.UpdateOptions{})
	k.check(err)
	return p
}

// service creates a ClusterIP Service; bound, when not nil, is the istio.io/WaypointBound
// status istiod would write.
func (k *kube) service(ns, name string, selector map[string]string, bound *bool) {
	k.t.Helper()
	svc, err := k.core.CoreV1().Services(ns).Create(k.ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       corev1.ServiceSpec{Selector: selector, Ports: []corev1.ServicePort{{Port: 80}}},
	}, metav1.CreateOptions{})
	k.check(err)
	if bound == nil {
		return
	}
	c := metav1.Condition{Type: readiness.ConditionWaypointBound, Status: metav1.ConditionTrue, Reason: "WaypointAccepted",
		Message: "Successfully attached to waypoint " + ns + "/waypoint", LastTransitionTime: metav1.Now()}
	if !*bound {
		c.Status, c.Reason, c.Message = metav1.ConditionFalse, "WaypointNotFound", "waypoint "+ns+"/missing not found"
	}
	svc.Status.Conditions = []metav1.Condition{c}
	_, err = k.core.CoreV1().Services(ns).UpdateStatus(k.ctx, svc, metav1.UpdateOptions{})
	k.check(err)
}

// serviceEntry creates a ServiceEntry whose waypoint binding failed.
func (k *kube) serviceEntryNotBound(ns, name string) {
	k.t.Helper()
	se, err := k.istio.NetworkingV1().ServiceEntries(ns).Create(k.ctx, &istionetworking.ServiceEntry{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: istioapi.ServiceEntry{
			Hosts:      []string{name + ".example.com"},
			Ports:      []*istioapi.ServicePort{{Number: 443, Name: "tls", Protocol: "TLS"}},
			Resolution: istioapi.ServiceEntry_DNS,
		},
	}, metav1.CreateOptions{})
	k.check(err)
	se.Status.Conditions = []*istioapimeta.IstioCondition{{
		Type: readiness.ConditionWaypointBound, Status: "False", Reason: "WaypointNotFound", Message: "waypoint " + ns + "/missing not found",
	}}
	_, err = k.istio.NetworkingV1().ServiceEntries(ns).UpdateStatus(k.ctx, se, metav1.UpdateOptions{})
	k.check(err)
}

// waypoint creates a waypoint Gateway, Programmed for its generation when programmed is set,
// and, when withDeployment is set, the Deployment Istio would make for it.
func (k *kube) waypoint(ns, name string, programmed, withDeployment bool) *gatewayv1.Gateway {
	k.t.Helper()
	gw, err := k.gw.GatewayV1().Gateways(ns).Create(k.ctx, &gatewayv1.Gateway{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: gatewayv1.GatewaySpec{
			GatewayClassName: "istio-waypoint",
			Listeners:        []gatewayv1.Listener{{Name: "mesh", Port: 15008, Protocol: "HBONE"}},
		},
	}, metav1.CreateOptions{})
	k.check(err)
	if programmed {
		k.programmed(gw)
	}
	if withDeployment {
		k.deployment(ns, name, map[string]string{
			gatewayv1.GatewayNameLabelKey: name, gatewayv1.GatewayClassNameLabelKey: "istio-waypoint",
		}, 1, 1)
	}
	return gw
}

func (k *kube) programmed(gw *gatewayv1.Gateway) {
	k.t.Helper()
	now := metav1.Now()
	gw.Status.Conditions = []metav1.Condition{
		{Type: "Accepted", Status: metav1.ConditionTrue, Reason: "Accepted", Message: "Resource accepted",
			ObservedGeneration: gw.Generation, LastTransitionTime: now},
		{Type: "Programmed", Status: metav1.ConditionTrue, Reason: "Programmed", Message: "Resource programmed",
			ObservedGeneration: gw.Generation, LastTransitionTime: now},
	}
	_, err := k.gw.GatewayV1().Gateways(gw.Namespace).UpdateStatus(k.ctx, gw, metav1.UpdateOptions{})
	k.check(err)
}

// The ambient components every integration test shares: ready Istio 1.30.2 on three nodes,
// and a ClusterIP Kiali.
var mesh sync.Once

func installMesh(t *testing.T, cfg *rest.Config) {
	t.Helper()
	mesh.Do(func() {
		k := newKube(t, cfg)
		k.namespace("istio-system", nil)
		k.deployment("istio-system", "istiod", map[string]string{"app": "istiod", "app.kubernetes.io/version": "1.30.2"}, 1, 1)
		k.daemonSet("istio-system", "istio-cni-node", map[string]string{"k8s-app": "istio-cni-node"}, 3, 3)
		k.daemonSet("istio-system", "ztunnel", map[string]string{"app": "ztunnel"}, 3, 3)
		k.service("istio-system", "kiali", map[string]string{"app.kubernetes.io/name": "kiali"}, nil)
	})
}

// meshChecks are the checks of the shared mesh, in report order.
var meshChecks = []readiness.Check{
	{Name: "gateway-api-crds", Result: readiness.Result{Status: readiness.Ready, Reason: "Gateway API CRDs v1.6.3 established"}},
	{Name: "istio-crds", Result: readiness.Result{Status: readiness.Ready, Reason: "15 Istio CRDs established"}},
	{Name: "istiod", Result: readiness.Result{Status: readiness.Ready, Reason: "Deployment istio-system/istiod 1/1 replicas available"}},
	{Name: "istio-cni", Result: readiness.Result{Status: readiness.Ready, Reason: "3/3 nodes ready"}},
	{Name: "ztunnel", Result: readiness.Result{Status: readiness.Ready, Reason: "3/3 nodes ready"}},
}

var kialiCheck = readiness.Check{Name: "kiali", Result: readiness.Result{Status: readiness.Ready, Reason: "Kiali (istio-system/kiali) is not exposed outside the cluster"}}

var (
	enabled   = map[string]string{"ambient.istio.io/redirection": "enabled"}
	pending   = map[string]string{"ambient.istio.io/redirection": "pending"}
	sidecar   = map[string]string{"sidecar.istio.io/status": `{"containers":["istio-proxy"]}`}
	ambientNS = map[string]string{"istio.io/dataplane-mode": "ambient"}
)

func ptr[T any](v T) *T { return &v }

func waitTimeout(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.Context(), 60*time.Second)
}
