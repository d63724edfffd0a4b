package readiness_test

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ambientkit/ambientkit/readiness"
)

// A CRD is ready once the API server serves it.
func ExampleCRD() {
	crd := &apiextv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "gateways.gateway.networking.k8s.io"},
		Status: apiextv1.CustomResourceDefinitionStatus{Conditions: []apiextv1.CustomResourceDefinitionCondition{
			{Type: apiextv1.NamesAccepted, Status: apiextv1.ConditionTrue},
			{Type: apiextv1.Established, Status: apiextv1.ConditionTrue},
		}},
	}
	r := readiness.CRD(crd)
	fmt.Println(r.Status, "-", r.Reason)
	// Output: Ready - CRD gateways.gateway.networking.k8s.io established
}

// Without the Gateway API CRDs there can be no waypoint; the remediation installs the release
// ambientkit is built against. crds may hold every CRD of the cluster.
func ExampleGatewayAPICRDs() {
	var crds []*apiextv1.CustomResourceDefinition // as listed from the cluster: none of them
	r := readiness.GatewayAPICRDs(crds, "1.30.2")
	fmt.Println(r.Status, "-", r.Reason)
	fmt.Println(r.Remediation)
	// Output:
	// NotReady - Gateway API CRD gatewayclasses.gateway.networking.k8s.io, gateways.gateway.networking.k8s.io not installed
	// kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.3/standard-install.yaml
}

// The Gateway API CRDs ambient mode cannot do without; the slice is the caller's to change.
func ExampleRequiredGatewayAPICRDs() {
	for _, name := range readiness.RequiredGatewayAPICRDs() {
		fmt.Println(name)
	}
	// Output:
	// gatewayclasses.gateway.networking.k8s.io
	// gateways.gateway.networking.k8s.io
}

// The Istio version comes from istiod's Deployments: their version label or, failing that,
// the tag of the discovery image. It decides which CRDs and Gateway API versions are required.
func ExampleIstioVersion() {
	istiod := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "istiod", Namespace: "istio-system"},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "discovery", Image: "docker.io/istio/pilot:1.30.2-distroless"}},
		}}},
	}
	v := readiness.IstioVersion([]*appsv1.Deployment{istiod})
	fmt.Println(v, readiness.IstioMinor(v))
	fmt.Println(readiness.MinimumGatewayAPIVersions(v)["tlsroutes.gateway.networking.k8s.io"])
	// Output:
	// 1.30.2-distroless 1.30
	// v1.5.0
}

// Istio's CRDs are held to the version istiod runs.
func ExampleIstioCRDs() {
	r := readiness.IstioCRDs(nil, "1.30.2")
	fmt.Println(r.Status, "-", r.Reason)
	fmt.Println(r.Remediation)
	// Output:
	// NotReady - Istio CRDs not installed
	// helm install istio-base istio/base -n istio-system --create-namespace
}

// A Deployment mid-rollout is not ready; the remediation follows the rollout.
func ExampleDeployment() {
	replicas := int32(2)
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "istiod", Namespace: "istio-system", Generation: 3},
		Spec:       appsv1.DeploymentSpec{Replicas: &replicas},
		Status: appsv1.DeploymentStatus{ObservedGeneration: 3, Replicas: 2, UpdatedReplicas: 2,
			ReadyReplicas: 1, AvailableReplicas: 1},
	}
	r := readiness.Deployment(d)
	fmt.Println(r.Status, "-", r.Reason)
	fmt.Println(r.Remediation)
	// Output:
	// NotReady - Deployment istio-system/istiod 1/2 replicas ready
	// kubectl -n istio-system rollout status deployment/istiod
}

// istiod's Deployments are those labelled app=istiod ([readiness.IstiodSelector]); none at all
// is not ready, with the command that installs istiod.
func ExampleIstiod() {
	var deps []*appsv1.Deployment // listed with the label selector readiness.IstiodSelector
	r := readiness.Istiod(deps)
	fmt.Println(r.Status, "-", r.Reason)
	fmt.Println(r.Remediation)
	// Output:
	// NotReady - no istiod Deployment (app=istiod) found
	// helm install istiod istio/istiod -n istio-system --set profile=ambient --wait
}

// A DaemonSet that Helm's --wait would accept (one node short, within maxUnavailable: 1) is
// not ready here: a Pod scheduled on the uncovered node would not be captured.
func ExampleDaemonSet() {
	ds := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "istio-cni-node", Namespace: "istio-system", Generation: 1},
		Status: appsv1.DaemonSetStatus{
			ObservedGeneration: 1, DesiredNumberScheduled: 3, UpdatedNumberScheduled: 3, NumberReady: 2,
		},
	}
	r := readiness.DaemonSet(ds)
	fmt.Println(r.Status, "-", r.Reason)
	// Output: NotReady - 2/3 nodes ready
}

// istio-cni is ready when its DaemonSets run an updated, ready Pod on every node.
func ExampleIstioCNI() {
	ds := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "istio-cni-node", Namespace: "istio-system", Generation: 2},
		Status: appsv1.DaemonSetStatus{
			ObservedGeneration: 2, DesiredNumberScheduled: 3, UpdatedNumberScheduled: 3, NumberReady: 3,
		},
	}
	r := readiness.IstioCNI([]*appsv1.DaemonSet{ds})
	fmt.Println(r.Status, "-", r.Reason)
	// Output: Ready - 3/3 nodes ready
}

// A ztunnel node that is not ready names the command that shows ztunnel's Pods, by the
// DaemonSet's selector or, when the object carries none, by [readiness.ZtunnelSelector].
func ExampleZtunnel() {
	ds := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "ztunnel", Namespace: "istio-system", Generation: 1},
		Status: appsv1.DaemonSetStatus{
			ObservedGeneration: 1, DesiredNumberScheduled: 3, UpdatedNumberScheduled: 3, NumberReady: 2,
		},
	}
	r := readiness.Ztunnel([]*appsv1.DaemonSet{ds})
	fmt.Println(r.Status, "-", r.Reason)
	fmt.Println(r.Remediation)
	// Output:
	// NotReady - 2/3 nodes ready
	// kubectl -n istio-system get pods -l app=ztunnel -o wide
}

// Istio marks a waypoint Programmed once its Service has an address, proxy or not: without
// the Deployment Istio made for it, the waypoint cannot serve.
func ExampleWaypoint() {
	gw := &gatewayv1.Gateway{
		ObjectMeta: metav1.ObjectMeta{Name: "waypoint", Namespace: "shop", Generation: 1},
		Spec:       gatewayv1.GatewaySpec{GatewayClassName: "istio-waypoint"},
		Status: gatewayv1.GatewayStatus{Conditions: []metav1.Condition{
			{Type: "Accepted", Status: metav1.ConditionTrue, ObservedGeneration: 1},
			{Type: "Programmed", Status: metav1.ConditionTrue, ObservedGeneration: 1},
		}},
	}
	r := readiness.Waypoint(gw, nil)
	fmt.Println(r.Status, "-", r.Reason)
	// Output: NotReady - programmed, but no Deployment labelled gateway.networking.k8s.io/gateway-name=waypoint
}

// istiod writes istio.io/WaypointBound on a Service that names a waypoint; a failed binding
// is not ready, with istiod's reason.
func ExampleWaypointBindings() {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "cart", Namespace: "shop",
			Labels: map[string]string{"istio.io/use-waypoint": "missing"}},
		Status: corev1.ServiceStatus{Conditions: []metav1.Condition{{
			Type: readiness.ConditionWaypointBound, Status: metav1.ConditionFalse,
			Reason: "WaypointNotFound", Message: "waypoint shop/missing not found",
		}}},
	}
	r := readiness.WaypointBindings([]*corev1.Service{svc}, nil)
	fmt.Println(r.Status, "-", r.Reason)
	// Output: NotReady - 1/1 waypoint bindings failed: Service cart: WaypointNotFound: waypoint shop/missing not found
}

// A Pod that still carries a sidecar after its namespace moved to ambient mode names the
// workload to restart.
func ExampleEnrollment() {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop",
		Labels: map[string]string{"istio.io/dataplane-mode": "ambient"}}}
	yes := true
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "cart-0", Namespace: "shop",
			Annotations:     map[string]string{"sidecar.istio.io/status": "{}"},
			OwnerReferences: []metav1.OwnerReference{{Kind: "StatefulSet", Name: "cart", Controller: &yes}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning},
	}
	st := readiness.Enrollment(ns, []*corev1.Pod{pod}, nil)
	fmt.Println(st.Status, "-", st.Reason)
	fmt.Println(st.Restarts[0].Command)
	// Output:
	// NotReady - 1 pods still carry a sidecar: restart statefulset/cart
	// kubectl -n shop rollout restart statefulset/cart
}

// An enrolled namespace whose workloads are not deployed yet is Unknown, not Ready: there is
// no Pod whose capture could be checked.
func ExampleEnrollment_noPods() {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop",
		Labels: map[string]string{"istio.io/dataplane-mode": "ambient"}}}
	st := readiness.Enrollment(ns, nil, nil)
	fmt.Println(st.Status, "-", st.Reason)
	fmt.Println(st.Remediation)
	// Output:
	// Unknown - no Pods yet, so their capture cannot be checked
	// deploy the workloads of namespace shop, then check again
}

// Kiali can change the mesh's configuration; a NodePort Service opens it to anyone who reaches
// a node.
func ExampleKiali() {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "kiali", Namespace: "istio-system"},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort},
	}
	r := readiness.Kiali(readiness.KialiObjects{Services: []*corev1.Service{svc}})
	fmt.Println(r.Status, "-", r.Reason)
	fmt.Println(r.Remediation)
	// Output:
	// NotReady - Kiali is reachable from outside the cluster: Service istio-system/kiali: Service type NodePort opens a port on every node
	// make Kiali's Service ClusterIP and remove its routes; reach it with kubectl -n istio-system port-forward svc/kiali 20001
}

// A report gathers named checks in the order the mesh is brought up in; its status is the
// worst of theirs.
func ExampleNewReport() {
	report := readiness.NewReport([]readiness.Check{
		{Name: "ztunnel", Result: readiness.Ztunnel(nil)},
		{Name: "istiod", Result: readiness.Result{Status: readiness.Ready, Reason: "Deployment istio-system/istiod 1/1 replicas available"}},
	})
	for _, c := range report.Checks {
		fmt.Println(c.Name, c.Status)
	}
	fmt.Println(report.Status())
	fmt.Println(report.Progress())
	// Output:
	// istiod Ready
	// ztunnel NotReady
	// NotReady
	// ready 1/2 · waiting for ztunnel: no ztunnel DaemonSet (app=ztunnel) found
}
