package ambient

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

func TestModeString(t *testing.T) {
	got := []string{Ambient.String(), Sidecar.String(), None.String(), Conflict.String(), Mode(42).String()}
	want := []string{"ambient", "sidecar", "none", "conflict", "Mode(42)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Mode.String mismatch (-want +got):\n%s", diff)
	}
}

type labels = map[string]string

var (
	nsAmbient   = labels{LabelDataplaneMode: DataplaneModeAmbient}
	nsInjection = labels{LabelInjection: InjectionEnabled}
	nsRev       = labels{LabelRev: "1-30"}
	nsBoth      = labels{LabelDataplaneMode: DataplaneModeAmbient, LabelInjection: InjectionEnabled}
	nsBothRev   = labels{LabelDataplaneMode: DataplaneModeAmbient, LabelRev: "1-30"}
	podAmbient  = labels{LabelDataplaneMode: DataplaneModeAmbient}
	podNone     = labels{LabelDataplaneMode: DataplaneModeNone}
	podInject   = labels{LabelSidecarInject: "true"}
	podNoInject = labels{LabelSidecarInject: "false"}
)

func TestEffectiveMode(t *testing.T) {
	tests := []struct {
		name       string
		ns         map[string]string
		pod        Pod
		want       Mode
		wantReason []string // substrings of the reason
	}{
		{
			name:       "a pod in an ambient namespace is in ambient",
			ns:         nsAmbient,
			pod:        Pod{Namespace: "app"},
			want:       Ambient,
			wantReason: []string{`Namespace "app" has the label istio.io/dataplane-mode=ambient.`},
		},
		{
			name:       "a pod labelled ambient is in ambient even when its namespace is not",
			pod:        Pod{Namespace: "app", Labels: podAmbient},
			want:       Ambient,
			wantReason: []string{"The pod has the label istio.io/dataplane-mode=ambient."},
		},
		{
			name:       "a pod labelled none opts out of an ambient namespace",
			ns:         nsAmbient,
			pod:        Pod{Namespace: "app", Labels: podNone},
			want:       None,
			wantReason: []string{"The pod opts out of ambient with the label istio.io/dataplane-mode=none."},
		},
		{
			name:       "a pod label that is neither ambient nor none does not opt out of an ambient namespace",
			ns:         nsAmbient,
			pod:        Pod{Namespace: "app", Labels: labels{LabelDataplaneMode: "Ambient"}},
			want:       Ambient,
			wantReason: []string{`the pod's label istio.io/dataplane-mode=Ambient is not "none"`},
		},
		{
			name:       "a pod label that is neither ambient nor none does not enroll the pod",
			pod:        Pod{Namespace: "app", Labels: labels{LabelDataplaneMode: "Ambient"}},
			want:       None,
			wantReason: []string{`istio.io/dataplane-mode=Ambient is neither "ambient" nor "none"`},
		},
		{
			name:       "a pod in an unlabelled namespace is in no data plane",
			pod:        Pod{Namespace: "app"},
			want:       None,
			wantReason: []string{`Namespace "app" does not have the label istio.io/dataplane-mode=ambient.`},
		},
		{
			name:       "a namespace labelled none keeps its pods out",
			ns:         labels{LabelDataplaneMode: DataplaneModeNone},
			pod:        Pod{Namespace: "app"},
			want:       None,
			wantReason: []string{"opts out of ambient with the label istio.io/dataplane-mode=none"},
		},
		{
			name:       "a pod in an injection namespace gets a sidecar",
			ns:         nsInjection,
			pod:        Pod{Namespace: "app"},
			want:       Sidecar,
			wantReason: []string{`Namespace "app" has the label istio-injection=enabled, so the pod gets a sidecar.`},
		},
		{
			name:       "a pod in a revision-labelled namespace gets a sidecar",
			ns:         nsRev,
			pod:        Pod{Namespace: "app"},
			want:       Sidecar,
			wantReason: []string{"istio.io/rev=1-30"},
		},
		{
			name: "istio-injection=disabled turns the namespace's revision label off",
			ns:   labels{LabelInjection: InjectionDisabled, LabelRev: "1-30"},
			pod:  Pod{Namespace: "app"},
			want: None,
		},
		{
			name:       "a pod asking for a sidecar gets one",
			pod:        Pod{Namespace: "app", Labels: podInject},
			want:       Sidecar,
			wantReason: []string{"sidecar.istio.io/inject=true"},
		},
		{
			name:       "a pod with a revision label gets a sidecar",
			pod:        Pod{Namespace: "app", Labels: labels{LabelRev: "canary"}},
			want:       Sidecar,
			wantReason: []string{"The pod has the label istio.io/rev=canary"},
		},
		{
			name:       "a pod asking for a sidecar in a namespace with istio-injection=disabled gets none",
			ns:         labels{LabelInjection: InjectionDisabled},
			pod:        Pod{Namespace: "app", Labels: podInject},
			want:       None,
			wantReason: []string{`namespace "app" has the label istio-injection=disabled, which keeps the injector away`},
		},
		{
			name:       "a pod asking for a sidecar in an ambient namespace gets a sidecar",
			ns:         nsAmbient,
			pod:        Pod{Namespace: "app", Labels: podInject},
			want:       Sidecar,
			wantReason: []string{"sidecar.istio.io/inject=true", `Namespace "app" has the label istio.io/dataplane-mode=ambient`, "Sidecar injection wins over ambient"},
		},
		{
			name:       "a pod labelled ambient in an injection namespace gets a sidecar",
			ns:         nsInjection,
			pod:        Pod{Namespace: "app", Labels: podAmbient},
			want:       Sidecar,
			wantReason: []string{"istio-injection=enabled", "The pod has the label istio.io/dataplane-mode=ambient", "Sidecar injection wins"},
		},
		{
			name:       "sidecar.istio.io/inject=false on the pod suppresses the namespace's injection",
			ns:         nsInjection,
			pod:        Pod{Namespace: "app", Labels: podNoInject},
			want:       None,
			wantReason: []string{"the pod's label sidecar.istio.io/inject=false turns injection off"},
		},
		{
			name:       "the sidecar.istio.io/inject=false annotation also suppresses injection",
			ns:         nsInjection,
			pod:        Pod{Namespace: "app", Annotations: labels{AnnotationSidecarInject: "false"}},
			want:       None,
			wantReason: []string{"the pod's annotation sidecar.istio.io/inject=false turns injection off"},
		},
		{
			name: "the label wins over the annotation",
			ns:   nsInjection,
			pod: Pod{Namespace: "app", Labels: labels{LabelSidecarInject: "true"},
				Annotations: labels{AnnotationSidecarInject: "false"}},
			want: Sidecar,
		},
		{
			name: "a value other than false does not suppress injection",
			ns:   nsInjection,
			pod:  Pod{Namespace: "app", Labels: labels{LabelSidecarInject: "no"}},
			want: Sidecar,
		},
		{
			name:       "a namespace with both the ambient and the injection label is a conflict",
			ns:         nsBoth,
			pod:        Pod{Namespace: "app"},
			want:       Conflict,
			wantReason: []string{`Namespace "app" has both the label istio.io/dataplane-mode=ambient and the label istio-injection=enabled; sidecar injection wins`},
		},
		{
			name:       "a namespace with both the ambient and a revision label is a conflict",
			ns:         nsBothRev,
			pod:        Pod{Namespace: "app"},
			want:       Conflict,
			wantReason: []string{"the label istio.io/rev=1-30"},
		},
		{
			name:       "a pod turning injection off in a conflicting namespace is in ambient",
			ns:         nsBoth,
			pod:        Pod{Namespace: "app", Labels: podNoInject},
			want:       Ambient,
			wantReason: []string{"istio.io/dataplane-mode=ambient", "sidecar.istio.io/inject=false turns injection off"},
		},
		{
			name: "a pod opting out of ambient in a conflicting namespace gets a sidecar",
			ns:   nsBoth,
			pod:  Pod{Namespace: "app", Labels: podNone},
			want: Sidecar,
		},
		{
			name:       "a pod with a sidecar is not captured",
			ns:         nsAmbient,
			pod:        Pod{Namespace: "app", Annotations: labels{AnnotationSidecarStatus: "{}"}},
			want:       Sidecar,
			wantReason: []string{"sidecar.istio.io/status", "Restart it"},
		},
		{
			name:       "a host-network pod is never captured",
			ns:         nsAmbient,
			pod:        Pod{Namespace: "app", Labels: podAmbient, HostNetwork: true},
			want:       None,
			wantReason: []string{"hostNetwork: true"},
		},
		{
			name:       "a host-network pod is never injected",
			ns:         nsInjection,
			pod:        Pod{Namespace: "app", HostNetwork: true},
			want:       None,
			wantReason: []string{"hostNetwork"},
		},
		{
			name:       "a kube-system pod is never captured",
			ns:         nsAmbient,
			pod:        Pod{Namespace: "kube-system", Labels: podAmbient},
			want:       None,
			wantReason: []string{"kube-system"},
		},
		{
			name: "a kube-public pod is never injected but can be captured",
			ns:   nsBoth,
			pod:  Pod{Namespace: "kube-public"},
			want: Ambient,
		},
		{
			name:       "a pod without a namespace or labels is in no data plane",
			pod:        Pod{},
			want:       None,
			wantReason: []string{"The pod's namespace does not have the label istio.io/dataplane-mode=ambient."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := EffectiveMode(tt.ns, tt.pod)
			if got.Mode != tt.want {
				t.Errorf("EffectiveMode = %v (%s), want %v", got.Mode, got.Reason, tt.want)
			}
			checkReason(t, got.Reason, tt.wantReason)
		})
	}
}

func TestTemplatePod(t *testing.T) {
	tmpl := template(podAmbient, labels{"a": "b"})
	tmpl.Spec.HostNetwork = true
	tests := []struct {
		name string
		in   *corev1.PodTemplateSpec
		want Pod
	}{
		{"a template gives its labels, annotations and host network", tmpl,
			Pod{Namespace: "app", Labels: podAmbient, Annotations: labels{"a": "b"}, HostNetwork: true}},
		{"a nil template gives a pod without labels", nil, Pod{Namespace: "app"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, TemplatePod("app", tt.in)); diff != "" {
				t.Errorf("TemplatePod mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func checkReason(t *testing.T, reason string, want []string) {
	t.Helper()
	if reason == "" || !strings.HasSuffix(reason, ".") || strings.ToUpper(reason[:1]) != reason[:1] {
		t.Errorf("reason %q is not a sentence", reason)
	}
	for _, w := range want {
		if !strings.Contains(reason, w) {
			t.Errorf("reason %q does not contain %q", reason, w)
		}
	}
}

func TestNamespaceMode(t *testing.T) {
	tests := []struct {
		name       string
		ns         string
		labels     map[string]string
		want       Resolution
		wantReason []string
	}{
		{
			name:   "an ambient namespace",
			ns:     "app",
			labels: nsAmbient,
			want:   Resolution{Ambient, `Namespace "app" has the label istio.io/dataplane-mode=ambient.`},
		},
		{
			name:   "an injection namespace",
			ns:     "app",
			labels: nsInjection,
			want:   Resolution{Sidecar, `Namespace "app" has the label istio-injection=enabled, so its pods get sidecars.`},
		},
		{
			name:   "a revision namespace",
			ns:     "app",
			labels: nsRev,
			want:   Resolution{Sidecar, `Namespace "app" has the label istio.io/rev=1-30, so its pods get sidecars.`},
		},
		{
			name:   "a namespace with both is a conflict",
			ns:     "app",
			labels: nsBoth,
			want: Resolution{Conflict, `Namespace "app" has both the label istio.io/dataplane-mode=ambient and the label ` +
				`istio-injection=enabled; sidecar injection wins, so its pods get sidecars and stay out of ambient.`},
		},
		{
			name:   "an unlabelled namespace",
			ns:     "app",
			labels: nil,
			want:   Resolution{None, `Namespace "app" does not have the label istio.io/dataplane-mode=ambient.`},
		},
		{
			name:   "a namespace with a misspelled value",
			ns:     "app",
			labels: labels{LabelDataplaneMode: "Ambient"},
			want:   Resolution{None, `Namespace "app" has the label istio.io/dataplane-mode=Ambient, which is not "ambient".`},
		},
		{
			name:   "kube-system is never captured",
			ns:     "kube-system",
			labels: nsAmbient,
			want:   Resolution{None, "Namespace kube-system is never captured: istio-cni excludes it and the sidecar injector skips it."},
		},
		{
			name:   "kube-public is never injected",
			ns:     "kube-public",
			labels: nsBoth,
			want:   Resolution{Ambient, `Namespace "kube-public" has the label istio.io/dataplane-mode=ambient.`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NamespaceMode(tt.ns, tt.labels)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("NamespaceMode mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
