package ambient

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestNamespace(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    *corev1.Namespace
		wantErr string
	}{
		{
			name: "a valid name gives an enrolled namespace",
			in:   "example-api",
			want: &corev1.Namespace{
				TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
				ObjectMeta: metav1.ObjectMeta{
					Name:   "example-api",
					Labels: map[string]string{LabelDataplaneMode: DataplaneModeAmbient},
				},
			},
		},
		{name: "an empty name is an error", in: "", wantErr: `namespace "": invalid name`},
		{name: "upper case is an error", in: "Example", wantErr: `namespace "Example": invalid name: a lowercase RFC 1123 label`},
		{name: "underscores are an error", in: "example_api", wantErr: `namespace "example_api": invalid name`},
		{name: "dots are an error, namespaces are labels not subdomains", in: "example.api", wantErr: `namespace "example.api": invalid name`},
		{name: "a name longer than 63 characters is an error", in: strings.Repeat("a", 64), wantErr: "must be no more than 63 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Namespace(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Namespace(%q) error = %v, want it to contain %q", tt.in, err, tt.wantErr)
				}
				if got != nil {
					t.Errorf("Namespace(%q) = %v with an error, want nil", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Namespace(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Namespace(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func namespaceWith(labels map[string]string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "example-api", Labels: labels}}
}

func TestEnroll(t *testing.T) {
	tests := []struct {
		name       string
		ns         *corev1.Namespace
		opts       EnrollOptions
		wantLabels map[string]string
		wantErr    []string
	}{
		{
			name:       "a namespace without labels gets the ambient label",
			ns:         namespaceWith(nil),
			wantLabels: map[string]string{LabelDataplaneMode: DataplaneModeAmbient},
		},
		{
			name:       "other labels are kept",
			ns:         namespaceWith(map[string]string{"team": "api"}),
			wantLabels: map[string]string{"team": "api", LabelDataplaneMode: DataplaneModeAmbient},
		},
		{
			name:       "an opted-out namespace is switched to ambient",
			ns:         namespaceWith(map[string]string{LabelDataplaneMode: DataplaneModeNone}),
			wantLabels: map[string]string{LabelDataplaneMode: DataplaneModeAmbient},
		},
		{
			name:       "istio-injection=disabled does not inject and is kept",
			ns:         namespaceWith(map[string]string{LabelInjection: InjectionDisabled}),
			wantLabels: map[string]string{LabelInjection: InjectionDisabled, LabelDataplaneMode: DataplaneModeAmbient},
		},
		{
			name: "istio-injection=enabled is an error that says why and how to fix it",
			ns:   namespaceWith(map[string]string{LabelInjection: InjectionEnabled}),
			wantErr: []string{
				`enroll namespace "example-api"`,
				"the label istio-injection=enabled",
				"sidecar injection wins over ambient",
				"ztunnel does not capture",
				"DropSidecarInjection",
				"restart",
			},
		},
		{
			name:    "istio.io/rev is an error",
			ns:      namespaceWith(map[string]string{LabelRev: "1-30"}),
			wantErr: []string{"the label istio.io/rev=1-30", "sidecar injection wins over ambient"},
		},
		{
			name:       "DropSidecarInjection removes istio-injection and istio.io/rev",
			ns:         namespaceWith(map[string]string{LabelInjection: InjectionEnabled, LabelRev: "canary", "team": "api"}),
			opts:       EnrollOptions{DropSidecarInjection: true},
			wantLabels: map[string]string{"team": "api", LabelDataplaneMode: DataplaneModeAmbient},
		},
		{
			name:    "a nil namespace is an error",
			ns:      nil,
			wantErr: []string{"namespace is nil"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before *corev1.Namespace
			if tt.ns != nil {
				before = tt.ns.DeepCopy()
			}
			got, err := Enroll(tt.ns, tt.opts)
			if diff := cmp.Diff(before, tt.ns); diff != "" {
				t.Errorf("Enroll changed its input (-before +after):\n%s", diff)
			}
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("Enroll returned no error, want one containing %q", tt.wantErr)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("Enroll error %q does not contain %q", err, w)
					}
				}
				if tt.ns != nil && !errors.Is(err, ErrSidecarInjection) {
					t.Errorf("Enroll error %v does not wrap ErrSidecarInjection", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Enroll: %v", err)
			}
			if diff := cmp.Diff(tt.wantLabels, got.Labels); diff != "" {
				t.Errorf("Enroll labels mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
