package kiali

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestChartConfig(t *testing.T) {
	tests := []struct {
		name   string
		chart  string
		values map[string]any
		want   Config
		wantNS string
		wantOK bool
	}{
		{"kiali-server values are the configuration", "kiali-server",
			map[string]any{"auth": map[string]any{"strategy": "anonymous"}},
			Config{"auth": map[string]any{"strategy": "anonymous"}}, "release", true},
		{"a repository prefix is allowed", "kiali/kiali-server", nil, Config{}, "release", true},
		{"kiali-operator values under cr.spec count when cr.create is true", "kiali-operator",
			map[string]any{"cr": map[string]any{"create": true, "spec": map[string]any{"deployment": map[string]any{}}}},
			Config{"deployment": map[string]any{}}, "release", true},
		{"kiali-operator puts the CR in cr.namespace", "kiali-operator",
			map[string]any{"cr": map[string]any{"create": "true", "namespace": "istio-system"}},
			Config{}, "istio-system", true},
		{"kiali-operator without cr.create installs no Kiali", "kiali-operator",
			map[string]any{"cr": map[string]any{"spec": map[string]any{}}}, nil, "", false},
		{"other charts are not Kiali", "grafana", map[string]any{}, nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ns, ok := ChartConfig(tt.chart, tt.values, "release")
			if diff := cmp.Diff(tt.want, got); diff != "" || ns != tt.wantNS || ok != tt.wantOK {
				t.Errorf("ChartConfig() = %v, %q, %v, want %v, %q, %v (-want +got):\n%s", got, ns, ok, tt.want, tt.wantNS, tt.wantOK, diff)
			}
		})
	}
}

func TestExposureSettings(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // fields
	}{
		{"an empty configuration exposes nothing", Config{}, nil},
		{"ClusterIP and a disabled ingress expose nothing", Config{"deployment": map[string]any{
			"service_type": "ClusterIP", "ingress": map[string]any{"enabled": false}}}, nil},
		{"every exposing setting is found", Config{"deployment": map[string]any{
			"service_type":            "LoadBalancer",
			"ingress":                 map[string]any{"enabled": "true"},
			"ingress_enabled":         true,
			"additional_service_yaml": map[string]any{"type": "NodePort", "externalIPs": []any{"192.0.2.1"}},
		}}, []string{
			"deployment.service_type", "deployment.ingress.enabled", "deployment.ingress_enabled",
			"deployment.additional_service_yaml.type", "deployment.additional_service_yaml.externalIPs",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range ExposureSettings(tt.cfg) {
				got = append(got, s.Field())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ExposureSettings() fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAnonymousSetting(t *testing.T) {
	if _, ok := AnonymousSetting(Config{"auth": map[string]any{"strategy": "token"}}); ok {
		t.Error("token login reported as anonymous")
	}
	s, ok := AnonymousSetting(Config{"auth": map[string]any{"strategy": "anonymous"}})
	if !ok || s.Field() != "auth.strategy" {
		t.Errorf("AnonymousSetting() = %v, %v, want auth.strategy, true", s, ok)
	}
}

func TestInstance(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want Backend
	}{
		{"the defaults are kiali in the release namespace", Config{}, Backend{Namespace: "istio-system", Name: "kiali"}},
		{"deployment.namespace and instance_name win", Config{"deployment": map[string]any{
			"namespace": "observability", "instance_name": "kiali-prod"}},
			Backend{Namespace: "observability", Name: "kiali-prod"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Instance(tt.cfg, "istio-system")); diff != "" {
				t.Errorf("Instance() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIsConfigMap(t *testing.T) {
	tests := []struct {
		name string
		cm   *corev1.ConfigMap
		want bool
	}{
		{"the kiali ConfigMap with config.yaml is Kiali's", &corev1.ConfigMap{
			ObjectMeta: metaName("kiali"), Data: map[string]string{ConfigMapKey: ""}}, true},
		{"a labelled ConfigMap with config.yaml is Kiali's", &corev1.ConfigMap{
			ObjectMeta: metaNameLabels("kiali-prod", map[string]string{LabelAppName: Name}),
			Data:       map[string]string{ConfigMapKey: ""}}, true},
		{"a kiali ConfigMap without config.yaml is not", &corev1.ConfigMap{ObjectMeta: metaName("kiali")}, false},
		{"another ConfigMap is not", &corev1.ConfigMap{
			ObjectMeta: metaName("grafana"), Data: map[string]string{ConfigMapKey: ""}}, false},
		{"nil is not", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsConfigMap(tt.cm); got != tt.want {
				t.Errorf("IsConfigMap() = %v, want %v", got, tt.want)
			}
		})
	}
}

func metaName(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name} }

func metaNameLabels(name string, l map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Labels: l}
}
