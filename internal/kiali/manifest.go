package kiali

import (
	"fmt"
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/ambientkit/ambientkit/internal/helmvalues"
)

// CRGroupKind is the kind of the Kiali custom resource that the Kiali operator reconciles
// (kiali.io/v1alpha1 Kiali). Its spec is a Kiali [Config].
var CRGroupKind = schema.GroupKind{Group: "kiali.io", Kind: "Kiali"}

// Names of the Helm charts that install Kiali (https://kiali.org/helm-charts).
const (
	// ServerChart installs the Kiali server directly; its values are a Kiali [Config].
	ServerChart = "kiali-server"
	// OperatorChart installs the Kiali operator, and a Kiali CR from the values under cr.spec
	// when cr.create is true.
	OperatorChart = "kiali-operator"
)

// ConfigMapKey is the key of the Kiali ConfigMap that holds the server's configuration.
const ConfigMapKey = "config.yaml"

// AuthAnonymous is the auth.strategy value that lets anyone use Kiali without logging in.
const AuthAnonymous = "anonymous"

// Config is a Kiali configuration as a generic map: the spec of a Kiali CR, the values of the
// kiali-server chart, the cr.spec values of the kiali-operator chart, or the config.yaml of
// the Kiali ConfigMap. They share one schema (the Kiali CR's).
type Config = map[string]any

// Setting is one value of a Kiali [Config] that decides how Kiali is reached.
type Setting struct {
	// Path is the key path of the value below the Config's root, e.g. deployment, service_type.
	Path []string
	// Value is the value as written.
	Value string
	// Why says what the value does, as a clause.
	Why string
}

// Field returns the setting's path in dotted form, e.g. deployment.service_type.
func (s Setting) Field() string { return strings.Join(s.Path, ".") }

// ChartConfig returns the Kiali configuration that a chart install of chart with values, released
// in releaseNamespace, applies, and the namespace of the Kiali CR (or server) it makes: for
// kiali-server the values themselves and releaseNamespace; for kiali-operator, when cr.create is
// true (the operator chart creates no Kiali CR otherwise), the values under cr.spec and
// cr.namespace, else releaseNamespace. chart may carry a repository prefix
// ("kiali/kiali-server"). ok is false for other charts.
func ChartConfig(chart string, values map[string]any, releaseNamespace string) (cfg Config, namespace string, ok bool) {
	switch path.Base(chart) {
	case ServerChart:
		if values == nil {
			values = Config{}
		}
		return values, releaseNamespace, true
	case OperatorChart:
		if !isTrue(helmvalues.Lookup(values, "cr", "create")) {
			return nil, "", false
		}
		spec, _ := helmvalues.Lookup(values, "cr", "spec").(map[string]any)
		if spec == nil {
			spec = Config{}
		}
		namespace = releaseNamespace
		if ns, _ := helmvalues.Lookup(values, "cr", "namespace").(string); ns != "" {
			namespace = ns
		}
		return spec, namespace, true
	}
	return nil, "", false
}

// IsConfigMap reports whether cm holds a Kiali server's configuration: it has the
// config.yaml key and is named kiali or labelled app: kiali or app.kubernetes.io/name: kiali,
// as the Kiali charts and operator label it.
func IsConfigMap(cm *corev1.ConfigMap) bool {
	if cm == nil {
		return false
	}
	if _, ok := cm.Data[ConfigMapKey]; !ok {
		return false
	}
	return cm.Name == Name || cm.Labels[LabelApp] == Name || cm.Labels[LabelAppName] == Name
}

// Instance returns the Service that the Kiali configured by cfg runs behind: named after
// deployment.instance_name (default kiali) in deployment.namespace, or in defaultNamespace
// (where the CR or chart release lives) when that is unset.
func Instance(cfg Config, defaultNamespace string) Backend {
	b := Backend{Namespace: defaultNamespace, Name: Name}
	if s, ok := helmvalues.Lookup(cfg, "deployment", "namespace").(string); ok && s != "" {
		b.Namespace = s
	}
	if s, ok := helmvalues.Lookup(cfg, "deployment", "instance_name").(string); ok && s != "" {
		b.Name = s
	}
	return b
}

// ExposureSettings returns the settings of cfg that make Kiali reachable from outside the
// cluster, in a fixed order: deployment.service_type NodePort or LoadBalancer; an Ingress
// (or OpenShift Route) asked for with deployment.ingress.enabled: true (or the older
// deployment.ingress_enabled: true); and deployment.additional_service_yaml that sets such a
// type or externalIPs. Values compare as Kiali reads them: "true" and true alike.
func ExposureSettings(cfg Config) []Setting {
	var out []Setting
	if t, ok := helmvalues.Lookup(cfg, "deployment", "service_type").(string); ok && externalType(t) {
		out = append(out, Setting{
			Path: []string{"deployment", "service_type"}, Value: t,
			Why: fmt.Sprintf("deployment.service_type %s makes Kiali's Service reachable from outside the cluster", t),
		})
	}
	for _, p := range [][]string{{"deployment", "ingress", "enabled"}, {"deployment", "ingress_enabled"}} {
		if v := helmvalues.Lookup(cfg, p...); isTrue(v) {
			out = append(out, Setting{
				Path: p, Value: fmt.Sprint(v),
				Why: fmt.Sprintf("%s: true makes the Kiali installer create an Ingress (a Route on OpenShift) for it", strings.Join(p, ".")),
			})
		}
	}
	if t, ok := helmvalues.Lookup(cfg, "deployment", "additional_service_yaml", "type").(string); ok && externalType(t) {
		out = append(out, Setting{
			Path: []string{"deployment", "additional_service_yaml", "type"}, Value: t,
			Why: fmt.Sprintf("deployment.additional_service_yaml sets the Service type %s", t),
		})
	}
	if ips, ok := helmvalues.Lookup(cfg, "deployment", "additional_service_yaml", "externalIPs").([]any); ok && len(ips) > 0 {
		out = append(out, Setting{
			Path: []string{"deployment", "additional_service_yaml", "externalIPs"}, Value: fmt.Sprint(ips),
			Why: "deployment.additional_service_yaml gives Kiali's Service externalIPs",
		})
	}
	return out
}

// AnonymousSetting returns cfg's auth.strategy when it is anonymous: anyone who reaches Kiali
// then uses it with the permissions of Kiali's own service account, without logging in.
func AnonymousSetting(cfg Config) (Setting, bool) {
	s, ok := helmvalues.Lookup(cfg, "auth", "strategy").(string)
	if !ok || s != AuthAnonymous {
		return Setting{}, false
	}
	return Setting{
		Path: []string{"auth", "strategy"}, Value: s,
		Why: "auth.strategy anonymous lets anyone who reaches Kiali use it without credentials",
	}, true
}

// externalType reports whether a Service type is reachable from outside the cluster.
func externalType(t string) bool {
	return t == string(corev1.ServiceTypeNodePort) || t == string(corev1.ServiceTypeLoadBalancer)
}

// isTrue reports whether a configuration value is true: the boolean or the string "true".
func isTrue(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return x == "true"
	}
	return false
}
