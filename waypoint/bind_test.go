package waypoint

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func meta(ns, name string, labels map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels}
}

// bindAny and optOutAny call Bind and OptOut with obj's concrete type, as a caller holding
// that type does.
func bindAny(obj metav1.Object, ns, wp string) (metav1.Object, error) {
	switch o := obj.(type) {
	case *corev1.Service:
		return Bind(o, ns, wp)
	case *corev1.Namespace:
		return Bind(o, ns, wp)
	case *networkingv1.ServiceEntry:
		return Bind(o, ns, wp)
	case *appsv1.Deployment:
		return Bind(o, ns, wp)
	case *appsv1.StatefulSet:
		return Bind(o, ns, wp)
	case *batchv1.CronJob:
		return Bind(o, ns, wp)
	case *corev1.PodTemplateSpec:
		return Bind(o, ns, wp)
	case *corev1.Pod:
		return Bind(o, ns, wp)
	case *corev1.ReplicationController:
		return Bind(o, ns, wp)
	}
	panic(fmt.Sprintf("bindAny: %T", obj))
}

func optOutAny(obj metav1.Object) (metav1.Object, error) {
	switch o := obj.(type) {
	case *corev1.Service:
		return OptOut(o)
	case *corev1.Namespace:
		return OptOut(o)
	case *appsv1.StatefulSet:
		return OptOut(o)
	}
	panic(fmt.Sprintf("optOutAny: %T", obj))
}

func TestBind(t *testing.T) {
	tests := []struct {
		name       string
		obj        metav1.Object
		wpNS, wp   string
		wantLabels map[string]string
		// labelsOf reads the labels Bind should have written (the pod template's for workloads).
		labelsOf func(metav1.Object) map[string]string
	}{
		{
			name: "a Service binds a waypoint in its own namespace without a namespace label",
			obj:  &corev1.Service{ObjectMeta: meta("example-api", "example-api", nil)},
			wpNS: "example-api", wp: "example-api-waypoint",
			wantLabels: map[string]string{"istio.io/use-waypoint": "example-api-waypoint"},
		},
		{
			name:       "an empty waypoint namespace means the object's own",
			obj:        &corev1.Service{ObjectMeta: meta("example-api", "example-api", nil)},
			wp:         "wp",
			wantLabels: map[string]string{"istio.io/use-waypoint": "wp"},
		},
		{
			name: "a Service binding a waypoint in another namespace names that namespace",
			obj:  &corev1.Service{ObjectMeta: meta("shop", "cart", map[string]string{"app": "cart"})},
			wpNS: "mesh", wp: "shared",
			wantLabels: map[string]string{"app": "cart", "istio.io/use-waypoint": "shared", "istio.io/use-waypoint-namespace": "mesh"},
		},
		{
			name: "rebinding to the own namespace clears a stale namespace label",
			obj: &corev1.Service{ObjectMeta: meta("shop", "cart", map[string]string{
				"istio.io/use-waypoint": "shared", "istio.io/use-waypoint-namespace": "mesh",
			})},
			wpNS: "shop", wp: "local",
			wantLabels: map[string]string{"istio.io/use-waypoint": "local"},
		},
		{
			name: "a Namespace's binding namespace is its own name",
			obj:  &corev1.Namespace{ObjectMeta: meta("", "example-api", map[string]string{"istio.io/dataplane-mode": "ambient"})},
			wpNS: "example-api", wp: "waypoint",
			wantLabels: map[string]string{"istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint"},
		},
		{
			name: "a Namespace binding another namespace's waypoint names it",
			obj:  &corev1.Namespace{ObjectMeta: meta("", "shop", nil)},
			wpNS: "mesh", wp: "shared",
			wantLabels: map[string]string{"istio.io/use-waypoint": "shared", "istio.io/use-waypoint-namespace": "mesh"},
		},
		{
			name: "a ServiceEntry is labelled like a Service",
			obj:  &networkingv1.ServiceEntry{ObjectMeta: meta("example-api", "example-vendor-api", nil)},
			wpNS: "egress", wp: "egress-waypoint",
			wantLabels: map[string]string{"istio.io/use-waypoint": "egress-waypoint", "istio.io/use-waypoint-namespace": "egress"},
		},
		{
			name: "a Deployment is bound through its pod template",
			obj:  &appsv1.Deployment{ObjectMeta: meta("shop", "cart", nil)},
			wpNS: "shop", wp: "workload-wp",
			wantLabels: map[string]string{"istio.io/use-waypoint": "workload-wp"},
			labelsOf:   func(o metav1.Object) map[string]string { return o.(*appsv1.Deployment).Spec.Template.Labels },
		},
		{
			name: "a CronJob is bound through its job's pod template, across namespaces",
			obj:  &batchv1.CronJob{ObjectMeta: meta("batch", "report", nil)},
			wpNS: "mesh", wp: "workload-wp",
			wantLabels: map[string]string{"istio.io/use-waypoint": "workload-wp", "istio.io/use-waypoint-namespace": "mesh"},
			labelsOf: func(o metav1.Object) map[string]string {
				return o.(*batchv1.CronJob).Spec.JobTemplate.Spec.Template.Labels
			},
		},
		{
			name: "a bare pod template of unknown namespace names the waypoint's namespace",
			obj:  &corev1.PodTemplateSpec{},
			wpNS: "shop", wp: "workload-wp",
			wantLabels: map[string]string{"istio.io/use-waypoint": "workload-wp", "istio.io/use-waypoint-namespace": "shop"},
		},
		{
			name: "a Pod carries the labels itself",
			obj:  &corev1.Pod{ObjectMeta: meta("shop", "cart-0", nil)},
			wpNS: "shop", wp: "workload-wp",
			wantLabels: map[string]string{"istio.io/use-waypoint": "workload-wp"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			labelsOf := tt.labelsOf
			if labelsOf == nil {
				labelsOf = metav1.Object.GetLabels
			}
			before := fmt.Sprint(tt.obj.GetLabels(), labelsOf(tt.obj))
			out, err := bindAny(tt.obj, tt.wpNS, tt.wp)
			if err != nil {
				t.Fatalf("Bind: %v", err)
			}
			if after := fmt.Sprint(tt.obj.GetLabels(), labelsOf(tt.obj)); after != before {
				t.Errorf("Bind changed its argument:\nbefore %s\nafter  %s", before, after)
			}
			got := out.GetLabels()
			if tt.labelsOf != nil {
				got = tt.labelsOf(out)
				if own := out.GetLabels(); len(own) > 0 {
					t.Errorf("Bind labelled the workload itself: %v", own)
				}
			}
			if diff := cmp.Diff(tt.wantLabels, got); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBindRejects(t *testing.T) {
	tests := []struct {
		name     string
		obj      metav1.Object
		wpNS, wp string
	}{
		{name: "a typed nil Service", obj: (*corev1.Service)(nil), wp: "wp"},
		{name: "a typed nil Deployment", obj: (*appsv1.Deployment)(nil), wp: "wp"},
		{name: "a ReplicationController without a pod template", obj: &corev1.ReplicationController{ObjectMeta: meta("ns", "rc", nil)}, wp: "wp"},
		{name: "the name none", obj: &corev1.Service{ObjectMeta: meta("ns", "svc", nil)}, wp: "none"},
		{name: "an empty name", obj: &corev1.Service{ObjectMeta: meta("ns", "svc", nil)}, wp: ""},
		{name: "a name that is no DNS label", obj: &corev1.Service{ObjectMeta: meta("ns", "svc", nil)}, wp: "Way_point"},
		{name: "a namespace that is no DNS label", obj: &corev1.Service{ObjectMeta: meta("ns", "svc", nil)}, wpNS: "Mesh", wp: "wp"},
	}
	for _, tt := range tests {
		t.Run("Bind refuses "+tt.name, func(t *testing.T) {
			_, err := bindAny(tt.obj, tt.wpNS, tt.wp)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Bind = %v, want an error wrapping ErrInvalid", err)
			}
		})
	}
}

func TestBindLeavesObjectUntouchedOnError(t *testing.T) {
	svc := &corev1.Service{ObjectMeta: meta("ns", "svc", map[string]string{"istio.io/use-waypoint": "old"})}
	if _, err := Bind(svc, "", "none"); err == nil {
		t.Fatal("Bind accepted none")
	}
	if diff := cmp.Diff(map[string]string{"istio.io/use-waypoint": "old"}, svc.Labels); diff != "" {
		t.Errorf("labels changed (-want +got):\n%s", diff)
	}
}

func TestOptOut(t *testing.T) {
	tests := []struct {
		name     string
		obj      metav1.Object
		labelsOf func(metav1.Object) map[string]string
	}{
		{
			name: "a Service bound across namespaces drops the namespace label",
			obj: &corev1.Service{ObjectMeta: meta("shop", "cart", map[string]string{
				"istio.io/use-waypoint": "shared", "istio.io/use-waypoint-namespace": "mesh",
			})},
		},
		{
			name:     "a StatefulSet opts its pods out",
			obj:      &appsv1.StatefulSet{ObjectMeta: meta("shop", "db", nil)},
			labelsOf: func(o metav1.Object) map[string]string { return o.(*appsv1.StatefulSet).Spec.Template.Labels },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			labelsOf := tt.labelsOf
			if labelsOf == nil {
				labelsOf = metav1.Object.GetLabels
			}
			before := fmt.Sprint(tt.obj.GetLabels(), labelsOf(tt.obj))
			out, err := optOutAny(tt.obj)
			if err != nil {
				t.Fatal(err)
			}
			if after := fmt.Sprint(tt.obj.GetLabels(), labelsOf(tt.obj)); after != before {
				t.Errorf("OptOut changed its argument:\nbefore %s\nafter  %s", before, after)
			}
			got := out.GetLabels()
			if tt.labelsOf != nil {
				got = tt.labelsOf(out)
			}
			if diff := cmp.Diff(map[string]string{"istio.io/use-waypoint": "none"}, got); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("OptOut refuses a nil object", func(t *testing.T) {
		if _, err := OptOut((*corev1.Namespace)(nil)); !errors.Is(err, ErrInvalid) {
			t.Errorf("OptOut(nil) = %v, want ErrInvalid", err)
		}
	})
}
