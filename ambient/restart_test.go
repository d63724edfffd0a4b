package ambient

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
)

func template(labels, annotations map[string]string) *corev1.PodTemplateSpec {
	return &corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: annotations},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "api", Image: "api:1"}}},
	}
}

func TestOptOut(t *testing.T) {
	tests := []struct {
		name string
		in   *corev1.PodTemplateSpec
		want *corev1.PodTemplateSpec
	}{
		{
			name: "a template without labels gets the none label",
			in:   template(nil, nil),
			want: template(map[string]string{LabelDataplaneMode: DataplaneModeNone}, nil),
		},
		{
			name: "an ambient pod label is replaced and other labels are kept",
			in:   template(map[string]string{"app": "api", LabelDataplaneMode: DataplaneModeAmbient}, nil),
			want: template(map[string]string{"app": "api", LabelDataplaneMode: DataplaneModeNone}, nil),
		},
		{name: "a nil template gives nil", in: nil, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before *corev1.PodTemplateSpec
			if tt.in != nil {
				before = tt.in.DeepCopy()
			}
			got := OptOut(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("OptOut mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, tt.in); diff != "" {
				t.Errorf("OptOut changed its input (-before +after):\n%s", diff)
			}
		})
	}
}

func TestRestart(t *testing.T) {
	at := time.Date(2025, 3, 4, 5, 6, 7, 890, time.UTC)
	plus2 := time.FixedZone("UTC+2", 2*60*60)
	tests := []struct {
		name string
		in   *corev1.PodTemplateSpec
		at   time.Time
		want *corev1.PodTemplateSpec
	}{
		{
			name: "a template without annotations gets restartedAt in RFC 3339 without fractions",
			in:   template(map[string]string{"app": "api"}, nil),
			at:   at,
			want: template(map[string]string{"app": "api"}, map[string]string{AnnotationRestartedAt: "2025-03-04T05:06:07Z"}),
		},
		{
			name: "an earlier restart is replaced and other annotations are kept",
			in:   template(nil, map[string]string{AnnotationRestartedAt: "2024-01-01T00:00:00Z", "a": "b"}),
			at:   at,
			want: template(nil, map[string]string{AnnotationRestartedAt: "2025-03-04T05:06:07Z", "a": "b"}),
		},
		{
			name: "the time keeps its zone, as kubectl's local time does",
			in:   template(nil, nil),
			at:   at.In(plus2),
			want: template(nil, map[string]string{AnnotationRestartedAt: "2025-03-04T07:06:07+02:00"}),
		},
		{name: "a nil template gives nil", in: nil, at: at, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before *corev1.PodTemplateSpec
			if tt.in != nil {
				before = tt.in.DeepCopy()
			}
			got := Restart(tt.in, tt.at)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Restart mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, tt.in); diff != "" {
				t.Errorf("Restart changed its input (-before +after):\n%s", diff)
			}
		})
	}
}

func TestRestartPatch(t *testing.T) {
	at := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	tests := []struct {
		name    string
		at      time.Time
		want    string
		wantErr bool
	}{
		{
			name: "the patch sets restartedAt on the pod template",
			at:   at,
			want: `{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2025-03-04T05:06:07Z"}}}}}`,
		},
		{name: "a zero time is an error", at: time.Time{}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RestartPatch(tt.at)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("RestartPatch(%v) = %s, want an error", tt.at, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("RestartPatch: %v", err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("RestartPatch mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRestartPatchIsWhatKubectlSends computes the patch the way `kubectl rollout restart`
// does (a two-way strategic merge patch between the Deployment before and after the
// restart) and compares it with RestartPatch's.
func TestRestartPatchIsWhatKubectlSends(t *testing.T) {
	at := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	for _, annotations := range []map[string]string{nil, {"a": "b"}, {AnnotationRestartedAt: "2024-01-01T00:00:00Z"}} {
		before := &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "example-api"},
			Spec:       appsv1.DeploymentSpec{Template: *template(map[string]string{"app": "api"}, annotations)},
		}
		after := before.DeepCopy()
		after.Spec.Template = *Restart(&after.Spec.Template, at)
		b, _ := json.Marshal(before)
		a, _ := json.Marshal(after)
		want, err := strategicpatch.CreateTwoWayMergePatch(b, a, &appsv1.Deployment{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := RestartPatch(at)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("with annotations %v: RestartPatch differs from kubectl's patch (-kubectl +got):\n%s", annotations, diff)
		}
	}
}
