package rules

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	networkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/egress"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// UnclassifiedEgress is AMB303: a meshed workload calls an external host that no
// ServiceEntry covers.
var UnclassifiedEgress = &lint.Rule{
	ID:       "AMB303",
	Name:     "unclassified-egress",
	Severity: lint.Warning,
	Summary:  "a meshed workload's env var or ConfigMap holds an external URL that no ServiceEntry covers",
	Doc: `**What.** An environment variable of a workload in the mesh (ambient, or sidecar), or a value
of a ConfigMap in an enrolled namespace, holds a URL whose host is outside the cluster, and no
ServiceEntry in the tree covers that host (exactly, or through a wildcard). Hosts inside the
cluster are never external: IP literals, ` + "`localhost`" + `, single-label names, names ending in
` + "`.svc`, `.svc.cluster.local` or `.cluster.local`" + `, and the names of Services the tree
defines. Values holding an unresolved ` + "`${VAR}`" + ` are not judged. Workloads and namespaces
outside the mesh are not reported: the mesh does not see their traffic.

**Why it breaks a cluster.** Without a ServiceEntry the mesh knows nothing about the
destination: Kiali draws it as ` + "`PassthroughCluster`" + ` or unknown, telemetry has no
destination service, authorization and egress policy cannot name it, and with
` + "`outboundTrafficPolicy: REGISTRY_ONLY`" + ` the call fails outright.

**Fix.** Add a ServiceEntry for the host (the ` + "`egress`" + ` package builds one: explicit FQDN,
` + "`MESH_EXTERNAL`" + `, ` + "`resolution: DNS`" + `, the port and protocol the workload uses).`,
	Kinds: append([]string{"/ConfigMap", "/Service", serviceEntryGK}, workloadKinds...),
	Run:   runUnclassifiedEgress,
}

var urlPattern = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s"'<>` + "`" + `]+`)

func runUnclassifiedEgress(p *lint.Pass) error {
	inv := p.Inventory
	var entries []*networkingv1.ServiceEntry
	for _, o := range inv.Kind(serviceEntryGK) {
		if se := serviceEntry(o); se != nil {
			entries = append(entries, se)
		}
	}
	covered := egress.NewHostSet(entries...)
	services := map[string]bool{}
	for _, o := range inv.Kind("/Service") {
		// Single-label names and *.svc names are internal by form; name.namespace is not.
		services[o.Ref.Name+"."+o.Namespace] = true
	}
	external := func(host string) bool {
		return host != "" && !manifest.IsOpaque(host) && isExternalHost(host) &&
			!services[strings.ToLower(host)] && !covered.Covers(host)
	}
	report := func(o *manifest.Object, path []string, lineOffset int, where, raw string) {
		host := urlHost(raw)
		if !external(host) {
			return
		}
		pos := o.Pos(path...)
		if lineOffset > 0 {
			pos.Line += lineOffset
			pos.Column = 1
		}
		p.Report(lint.Finding{
			Message: fmt.Sprintf("%s calls %s, which no ServiceEntry covers: the mesh and Kiali see it as unknown traffic", where, host),
			Pos:     pos,
			Object:  o.Ref,
		})
	}

	for _, w := range workloads(inv) {
		if m := w.mode(inv).Mode; m != ambient.Ambient && m != ambient.Sidecar {
			continue
		}
		for field, cs := range map[string][]corev1.Container{"containers": w.Meta.Spec.Containers, "initContainers": w.Meta.Spec.InitContainers} {
			for ci, c := range cs {
				for ei, env := range c.Env {
					if manifest.IsOpaque(env.Value) {
						continue
					}
					for _, u := range urlPattern.FindAllString(env.Value, -1) {
						path := append(append([]string(nil), w.Path...), "spec", field, strconv.Itoa(ci), "env", strconv.Itoa(ei), "value")
						report(w.Obj, path, 0, fmt.Sprintf("%s %s env %s", w.Obj.Ref.Kind, w.Obj.Ref.Name, env.Name), u)
					}
				}
			}
		}
	}
	for _, o := range inv.Kind("/ConfigMap") {
		nsLabels, ok := namespaceLabels(inv, o.Namespace)
		if !ok {
			continue
		}
		if m := ambient.NamespaceMode(o.Namespace, nsLabels).Mode; m != ambient.Ambient && m != ambient.Sidecar {
			continue
		}
		cm, _ := o.Typed.(*corev1.ConfigMap)
		if cm == nil {
			continue
		}
		for key, val := range cm.Data {
			node := o.Lookup("data", key)
			block := node != nil && node.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
			for i, line := range strings.Split(val, "\n") {
				if manifest.IsOpaque(line) {
					continue
				}
				for _, u := range urlPattern.FindAllString(line, -1) {
					off := 0
					if block {
						off = i + 1
					}
					report(o, []string{"data", key}, off, fmt.Sprintf("ConfigMap %s key %s", o.Ref.Name, key), u)
				}
			}
		}
	}
	return nil
}

// urlHost returns the lower-case host name of a URL, or "" when it has none.
func urlHost(raw string) string {
	raw = strings.TrimRight(raw, ".,;)]}")
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}

// isExternalHost reports whether host names something outside the cluster by its form alone.
func isExternalHost(host string) bool {
	if net.ParseIP(host) != nil || host == "localhost" || !strings.Contains(host, ".") {
		return false
	}
	for _, s := range []string{".svc", ".cluster.local", ".localhost"} {
		if strings.HasSuffix(host, s) {
			return false
		}
	}
	return true
}
