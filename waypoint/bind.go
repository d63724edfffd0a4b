package waypoint

import (
	"fmt"
	"reflect"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ambientkit/ambientkit/ambient"
)

// Bindable is an object [Bind] and [OptOut] take and return: a pointer to a Namespace,
// Service, ServiceEntry, WorkloadEntry, Pod, pod template or workload of client-go or
// Istio's client-go, each of which has a DeepCopy method of this shape.
type Bindable[T any] interface {
	metav1.Object
	DeepCopy() T
}

// Bind returns a copy of obj labelled to use the waypoint waypointNamespace/waypointName;
// obj itself is not changed.
//
// obj is a Namespace, Service, ServiceEntry, WorkloadEntry, Pod or pod template, or a workload
// that has one (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job,
// CronJob, PodTemplate): for a workload the labels go on its pod template, because istiod
// reads them from the Pods.
//
// Bind sets istio.io/use-waypoint to waypointName. It sets istio.io/use-waypoint-namespace
// only when the waypoint lives in another namespace than the binding: a Namespace's own name,
// or the object's namespace. Otherwise it removes a stale istio.io/use-waypoint-namespace. An
// empty waypointNamespace means the object's own namespace. When the object's namespace is
// not known (a bare pod template, or a manifest that leaves the namespace to kustomize or
// Argo CD) and waypointNamespace is given, the label is set: naming one's own namespace is
// harmless, leaving out another one is not.
//
// Bind fails, with an error wrapping [ErrInvalid], on a nil obj, a workload without a pod
// template, a name that is not a DNS-1123 label, and the name "none" (use [OptOut]).
func Bind[T Bindable[T]](obj T, waypointNamespace, waypointName string) (T, error) {
	var zero T
	if isNil(obj) {
		return zero, fmt.Errorf("bind: %w: nil object", ErrInvalid)
	}
	if err := checkWaypointName(waypointName); err != nil {
		return zero, fmt.Errorf("bind %s: %w", describe(obj), err)
	}
	if waypointNamespace != "" {
		if err := checkName("waypoint namespace", waypointNamespace); err != nil {
			return zero, fmt.Errorf("bind %s: %w", describe(obj), err)
		}
	}
	out := obj.DeepCopy()
	target, bindingNS, err := bindingTarget(out)
	if err != nil {
		return zero, err
	}
	setLabel(target, ambient.LabelUseWaypoint, waypointName)
	if waypointNamespace == "" || waypointNamespace == bindingNS {
		deleteLabel(target, ambient.LabelUseWaypointNamespace)
	} else {
		setLabel(target, ambient.LabelUseWaypointNamespace, waypointNamespace)
	}
	return out, nil
}

// OptOut returns a copy of obj labelled istio.io/use-waypoint: none, so that it uses no
// waypoint even when its Namespace binds one, and without istio.io/use-waypoint-namespace;
// obj itself is not changed. obj is any object [Bind] takes, and it fails as Bind does.
func OptOut[T Bindable[T]](obj T) (T, error) {
	var zero T
	if isNil(obj) {
		return zero, fmt.Errorf("bind: %w: nil object", ErrInvalid)
	}
	out := obj.DeepCopy()
	target, _, err := bindingTarget(out)
	if err != nil {
		return zero, err
	}
	setLabel(target, ambient.LabelUseWaypoint, ambient.UseWaypointNone)
	deleteLabel(target, ambient.LabelUseWaypointNamespace)
	return out, nil
}

// bindingTarget returns the metadata that carries obj's waypoint labels and the namespace the
// binding is made from ("" when unknown).
func bindingTarget(obj metav1.Object) (metav1.Object, string, error) {
	var tpl *corev1.PodTemplateSpec
	switch o := obj.(type) {
	case *corev1.Namespace:
		return o, o.Name, nil
	case *corev1.PodTemplateSpec:
		return o, o.Namespace, nil
	case *appsv1.Deployment:
		tpl = &o.Spec.Template
	case *appsv1.StatefulSet:
		tpl = &o.Spec.Template
	case *appsv1.DaemonSet:
		tpl = &o.Spec.Template
	case *appsv1.ReplicaSet:
		tpl = &o.Spec.Template
	case *batchv1.Job:
		tpl = &o.Spec.Template
	case *batchv1.CronJob:
		tpl = &o.Spec.JobTemplate.Spec.Template
	case *corev1.PodTemplate:
		tpl = &o.Template
	case *corev1.ReplicationController:
		tpl = o.Spec.Template
		if tpl == nil {
			return nil, "", fmt.Errorf("bind %s: %w: no pod template", describe(obj), ErrInvalid)
		}
	default:
		return obj, obj.GetNamespace(), nil
	}
	return tpl, obj.GetNamespace(), nil
}

func deleteLabel(m metav1.Object, key string) {
	l := m.GetLabels()
	if _, ok := l[key]; !ok {
		return
	}
	delete(l, key)
	m.SetLabels(l)
}

// isNil reports whether obj is nil or a typed nil pointer, on which metav1.Object's methods
// would panic.
func isNil(obj metav1.Object) bool {
	if obj == nil {
		return true
	}
	v := reflect.ValueOf(obj)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// describe names obj for error messages: its Go type and namespace/name.
func describe(obj metav1.Object) string {
	t := reflect.TypeOf(obj)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if ns := obj.GetNamespace(); ns != "" {
		return fmt.Sprintf("%s %s/%s", t.Name(), ns, obj.GetName())
	}
	return fmt.Sprintf("%s %s", t.Name(), obj.GetName())
}
