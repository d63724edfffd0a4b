package rules

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/manifest"
)

// workloadKinds are the kinds whose pods rules reason about, as "group/Kind".
var workloadKinds = []string{
	"apps/Deployment", "apps/StatefulSet", "apps/DaemonSet", "apps/ReplicaSet",
	"batch/Job", "batch/CronJob", "/Pod",
}

// workload is an object that runs pods: its pod metadata and spec, and the node path of the
// pod template (empty for a Pod).
type workload struct {
	Obj  *manifest.Object
	Meta *corev1.PodTemplateSpec // ObjectMeta and Spec of the pods
	Path []string                // path of the template below the object ("spec","template")
}

// workloads returns the typed workloads of the inventory, in input order.
func workloads(inv *manifest.Inventory) []workload {
	var out []workload
	for _, gk := range workloadKinds {
		for _, o := range inv.Kind(gk) {
			if w, ok := asWorkload(o); ok {
				out = append(out, w)
			}
		}
	}
	return out
}

func asWorkload(o *manifest.Object) (workload, bool) {
	tmpl := []string{"spec", "template"}
	switch x := o.Typed.(type) {
	case *appsv1.Deployment:
		return workload{o, &x.Spec.Template, tmpl}, true
	case *appsv1.StatefulSet:
		return workload{o, &x.Spec.Template, tmpl}, true
	case *appsv1.DaemonSet:
		return workload{o, &x.Spec.Template, tmpl}, true
	case *appsv1.ReplicaSet:
		return workload{o, &x.Spec.Template, tmpl}, true
	case *batchv1.Job:
		return workload{o, &x.Spec.Template, tmpl}, true
	case *batchv1.CronJob:
		return workload{o, &x.Spec.JobTemplate.Spec.Template, []string{"spec", "jobTemplate", "spec", "template"}}, true
	case *corev1.Pod:
		return workload{o, &corev1.PodTemplateSpec{ObjectMeta: x.ObjectMeta, Spec: x.Spec}, nil}, true
	}
	return workload{}, false
}

// namespaceLabels returns the labels of the Namespace object called name and whether the
// tree defines it.
func namespaceLabels(inv *manifest.Inventory, name string) (map[string]string, bool) {
	ns := inv.Namespace(name)
	if ns == nil {
		return nil, false
	}
	return ns.Labels, true
}

// mode resolves the effective data plane mode of w's pods from the tree.
func (w workload) mode(inv *manifest.Inventory) ambient.Resolution {
	nsLabels, _ := namespaceLabels(inv, w.Obj.Namespace)
	return ambient.EffectiveMode(nsLabels, ambient.TemplatePod(w.Obj.Namespace, w.Meta))
}
