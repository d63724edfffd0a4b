package readiness

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ambientkit/ambientkit/ambient"
)

// Restart is a workload whose running Pods still carry a sidecar although the workload is now
// meant for ambient mode: only new Pods come up without one.
type Restart struct {
	// Namespace, Kind and Name identify the owning workload (Deployment, StatefulSet,
	// DaemonSet), or the Pods themselves (Kind Pod, Name the first Pod) when no controller can
	// restart them.
	Namespace string `json:"namespace"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	// Pods are the names of the Pods that still carry a sidecar, sorted.
	Pods []string `json:"pods"`
	// Command restarts them, e.g. "kubectl -n shop rollout restart deployment/cart".
	Command string `json:"command"`
}

// EnrollmentStatus is what [Enrollment] finds in one namespace: the Pods in each state, by
// name, sorted, and the overall [Result].
type EnrollmentStatus struct {
	Result
	Namespace string `json:"namespace"`
	// Captured Pods carry ambient.istio.io/redirection: enabled.
	Captured []string `json:"captured,omitempty"`
	// Pending Pods are being captured (redirection: pending) or are still starting.
	Pending []string `json:"pending,omitempty"`
	// NotCaptured Pods should be in ambient mode but istio-cni has not redirected them.
	NotCaptured []string `json:"notCaptured,omitempty"`
	// HostNetwork Pods share the node's network and are never captured.
	HostNetwork []string `json:"hostNetwork,omitempty"`
	// OutOfMesh Pods are meant to be outside ambient mode (opted out, or sidecar Pods that
	// asked for a sidecar).
	OutOfMesh []string `json:"outOfMesh,omitempty"`
	// Conflicting Pods ask for both ambient mode and a sidecar.
	Conflicting []string `json:"conflicting,omitempty"`
	// Restarts are the workloads whose Pods still carry a sidecar.
	Restarts []Restart `json:"restarts,omitempty"`
}

// Enrollment evaluates the capture of one namespace's Pods by ambient mode. ns supplies the
// namespace's labels (a nil ns means the namespace does not exist); pods are its Pods;
// replicaSets, which may be nil, resolve a Pod owned by a ReplicaSet to its Deployment for the
// restart line. Finished and terminating Pods are ignored, and so are nil entries.
//
// It is NotReady when the namespace is not enrolled, when a Pod still carries a sidecar (with a
// restart per owning workload), asks for both modes, is not captured, or is still pending
// capture; Ready when every Pod meant for ambient mode is captured, or when every Pod is
// meant to stay out of it (host network, opted out). An enrolled namespace without a Pod is
// Unknown: capture cannot be checked before its workloads run.
func Enrollment(ns *corev1.Namespace, pods []*corev1.Pod, replicaSets []*appsv1.ReplicaSet) EnrollmentStatus {
	if ns == nil {
		return EnrollmentStatus{Result: notReady("", "namespace not found")}
	}
	st := EnrollmentStatus{Namespace: ns.Name}
	if !namespaceEnrolled(ns.Labels) {
		st.Result = notReady(fmt.Sprintf("kubectl label namespace %s %s=%s", ns.Name, ambient.LabelDataplaneMode, ambient.DataplaneModeAmbient),
			"namespace not enrolled (no %s=%s label)", ambient.LabelDataplaneMode, ambient.DataplaneModeAmbient)
		return st
	}
	sidecars := map[workloadRef][]string{}
	live := 0
	for _, p := range pods {
		if p == nil || p.DeletionTimestamp != nil || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		live++
		switch mode := podMode(ns.Labels, p); {
		case p.Spec.HostNetwork:
			st.HostNetwork = append(st.HostNetwork, p.Name)
		case mode == ambient.Conflict:
			st.Conflicting = append(st.Conflicting, p.Name)
		case mode == restartToAmbient:
			ref := owner(p, replicaSets)
			sidecars[ref] = append(sidecars[ref], p.Name)
		case mode != ambient.Ambient:
			st.OutOfMesh = append(st.OutOfMesh, p.Name)
		case p.Annotations[ambient.AnnotationRedirection] == ambient.RedirectionEnabled:
			st.Captured = append(st.Captured, p.Name)
		case p.Annotations[ambient.AnnotationRedirection] == ambient.RedirectionPending,
			p.Status.Phase == corev1.PodPending || p.Status.Phase == "":
			st.Pending = append(st.Pending, p.Name)
		default:
			st.NotCaptured = append(st.NotCaptured, p.Name)
		}
	}
	for ref, names := range sidecars {
		st.Restarts = append(st.Restarts, ref.restart(ns.Name, names))
	}
	slices.SortFunc(st.Restarts, func(a, b Restart) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
	})
	for _, l := range [][]string{st.Captured, st.Pending, st.NotCaptured, st.HostNetwork, st.OutOfMesh, st.Conflicting} {
		slices.Sort(l)
	}
	if live == 0 {
		st.Result = Result{Status: Unknown,
			Reason:      "no Pods yet, so their capture cannot be checked",
			Remediation: fmt.Sprintf("deploy the workloads of namespace %s, then check again", ns.Name)}
		return st
	}
	st.Result = st.evaluate()
	return st
}

func (st *EnrollmentStatus) evaluate() Result {
	meant := len(st.Captured) + len(st.Pending) + len(st.NotCaptured) + len(st.Conflicting)
	for _, r := range st.Restarts {
		meant += len(r.Pods)
	}
	switch {
	case len(st.Restarts) > 0:
		var n int
		var names []string
		for _, r := range st.Restarts {
			n += len(r.Pods)
			names = append(names, strings.ToLower(r.Kind)+"/"+r.Name)
		}
		cmds := make([]string, len(st.Restarts))
		for i, r := range st.Restarts {
			cmds[i] = r.Command
		}
		return notReady(strings.Join(cmds, "; "), "%d pods still carry a sidecar: restart %s", n, strings.Join(names, ", "))
	case len(st.Conflicting) > 0:
		return notReady(fmt.Sprintf("remove sidecar injection (%s, %s, %s) from namespace %s or its Pods",
			ambient.LabelInjection, ambient.LabelRev, ambient.LabelSidecarInject, st.Namespace),
			"%d pods ask for both ambient mode and a sidecar: %s", len(st.Conflicting), list(st.Conflicting))
	case len(st.NotCaptured) > 0:
		return notReady("check istio-cni on the Pods' nodes: kubectl -n istio-system get pods -l "+IstioCNISelector+" -o wide",
			"%d/%d pods not captured: %s", len(st.NotCaptured), meant, list(st.NotCaptured))
	case len(st.Pending) > 0:
		return notReady("wait for istio-cni to capture them", "%d/%d pods pending capture: %s", len(st.Pending), meant, list(st.Pending))
	}
	var aside []string
	if n := len(st.HostNetwork); n > 0 {
		aside = append(aside, fmt.Sprintf("%d host-network exempt", n))
	}
	if n := len(st.OutOfMesh); n > 0 {
		aside = append(aside, fmt.Sprintf("%d out of mesh", n))
	}
	if meant == 0 {
		// Every Pod stays out of ambient mode by design: nothing is waiting to be captured.
		return ready("no pods meant for ambient mode: %s", strings.Join(aside, ", "))
	}
	return ready("%s", strings.Join(append([]string{fmt.Sprintf("%d/%d pods captured", len(st.Captured), meant)}, aside...), ", "))
}

// list names up to three Pods, then how many more.
func list(names []string) string {
	if len(names) <= 3 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:3], ", "), len(names)-3)
}

// restartToAmbient is the mode of a Pod that runs a sidecar but whose replacement would be
// captured by ambient mode.
const restartToAmbient = ambient.Mode(-1)

// podMode resolves the data plane a Pod is in with [ambient.EffectiveMode]. A Pod that still
// carries a sidecar is resolved again as its replacement would be, without the injector's
// annotation: if that one lands in ambient mode, the Pod needs a restart (restartToAmbient);
// if it is a conflict, so is the Pod.
func podMode(nsLabels map[string]string, p *corev1.Pod) ambient.Mode {
	pod := ambient.Pod{Namespace: p.Namespace, Labels: p.Labels, Annotations: p.Annotations, HostNetwork: p.Spec.HostNetwork}
	res := ambient.EffectiveMode(nsLabels, pod)
	if _, ok := p.Annotations[ambient.AnnotationSidecarStatus]; !ok || res.Mode != ambient.Sidecar {
		return res.Mode
	}
	pod.Annotations = maps.Clone(p.Annotations)
	delete(pod.Annotations, ambient.AnnotationSidecarStatus)
	switch next := ambient.EffectiveMode(nsLabels, pod); next.Mode {
	case ambient.Ambient:
		return restartToAmbient
	case ambient.Conflict:
		return ambient.Conflict
	}
	return res.Mode
}

// namespaceEnrolled reports whether a namespace's labels enroll it in ambient mode.
func namespaceEnrolled(labels map[string]string) bool {
	return labels[ambient.LabelDataplaneMode] == ambient.DataplaneModeAmbient
}

// workloadRef is the controller a Pod is restarted through.
type workloadRef struct {
	kind, name string
}

func (w workloadRef) restart(ns string, pods []string) Restart {
	slices.Sort(pods)
	r := Restart{Namespace: ns, Kind: w.kind, Name: w.name, Pods: pods}
	switch w.kind {
	case "Deployment", "StatefulSet", "DaemonSet":
		r.Command = fmt.Sprintf("kubectl -n %s rollout restart %s/%s", ns, strings.ToLower(w.kind), w.name)
	default:
		// Bare Pods, Jobs and ReplicaSets without a Deployment: nothing rolls them out again,
		// so deleting the Pods lets their controller (if any) recreate them.
		r.Command = fmt.Sprintf("kubectl -n %s delete pod %s", ns, strings.Join(pods, " "))
		if w.kind == "" {
			r.Kind, r.Name = "Pod", pods[0]
		}
	}
	return r
}

// owner resolves a Pod to the workload that restarts it: a ReplicaSet is followed to its
// Deployment through the ReplicaSet's own controller reference when replicaSets holds it.
func owner(p *corev1.Pod, replicaSets []*appsv1.ReplicaSet) workloadRef {
	ref := metav1.GetControllerOf(p)
	if ref == nil {
		return workloadRef{}
	}
	if ref.Kind == "ReplicaSet" {
		for _, rs := range replicaSets {
			if rs != nil && rs.Name == ref.Name && rs.Namespace == p.Namespace {
				if d := metav1.GetControllerOf(rs); d != nil && d.Kind == "Deployment" {
					return workloadRef{kind: "Deployment", name: d.Name}
				}
			}
		}
	}
	return workloadRef{kind: ref.Kind, name: ref.Name}
}
