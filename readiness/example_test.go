package readiness_test

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ambientkit/ambientkit/readiness"
)

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

// A Pod that still carries a sidecar after its namespace moved to ambient mode names the
// workload to restart.
func ExampleEnrollment() {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop",
		Labels: map[string]string{"istio.io/dataplane-mode": "ambient"}}}
	yes := true
	pod := corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "cart-0", Namespace: "shop",
			Annotations:     map[string]string{"sidecar.istio.io/status": "{}"},
			OwnerReferences: []metav1.OwnerReference{{Kind: "StatefulSet", Name: "cart", Controller: &yes}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning},
	}
	st := readiness.Enrollment(ns, []corev1.Pod{pod}, nil)
	fmt.Println(st.Status, "-", st.Reason)
	fmt.Println(st.Restarts[0].Command)
	// Output:
	// NotReady - 1 pods still carry a sidecar: restart statefulset/cart
	// kubectl -n shop rollout restart statefulset/cart
}
