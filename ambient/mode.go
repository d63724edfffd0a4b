package ambient

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Mode is the data plane a pod (or a namespace's pods) ends up in.
type Mode int

const (
	// Ambient: istio-cni redirects the pod's traffic to the node's ztunnel.
	Ambient Mode = iota
	// Sidecar: the pod has (or gets) an injected Envoy sidecar and ztunnel leaves it alone.
	Sidecar
	// None: the pod is in no data plane.
	None
	// Conflict: the namespace asks for both ambient and sidecar injection. Sidecar injection
	// wins, so its pods get sidecars and stay out of ambient, which is never what the author
	// meant.
	Conflict
)

// String returns "ambient", "sidecar", "none" or "conflict".
func (m Mode) String() string {
	switch m {
	case Ambient:
		return "ambient"
	case Sidecar:
		return "sidecar"
	case None:
		return "none"
	case Conflict:
		return "conflict"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Pod is what [EffectiveMode] needs to know about a pod or pod template.
type Pod struct {
	// Namespace is the pod's namespace.
	Namespace string
	// Labels and Annotations are the pod's (or its template's) metadata.
	Labels, Annotations map[string]string
	// HostNetwork is the pod spec's hostNetwork.
	HostNetwork bool
}

// TemplatePod describes the pods a pod template in namespace creates, for [EffectiveMode].
// A nil template gives a pod with no labels.
func TemplatePod(namespace string, t *corev1.PodTemplateSpec) Pod {
	if t == nil {
		return Pod{Namespace: namespace}
	}
	return Pod{
		Namespace:   namespace,
		Labels:      t.Labels,
		Annotations: t.Annotations,
		HostNetwork: t.Spec.HostNetwork,
	}
}

// Resolution is a data plane mode and why: Reason is a sentence that names the label,
// annotation or setting that decided.
type Resolution struct {
	Mode   Mode
	Reason string
}

// EffectiveMode resolves the data plane a pod ends up in from its namespace's labels and
// its own metadata, following Istio's rules (Istio 1.28–1.31, default installation):
//
//   - Pods in kube-system and host-network pods are never captured or injected: None.
//     (Pods in kube-public, kube-node-lease and local-path-storage are never injected
//     either, but can be captured.)
//   - A pod that already carries the sidecar.istio.io/status annotation has a sidecar, and
//     ztunnel does not capture pods with sidecars: Sidecar.
//   - Sidecar injection follows the injector's webhooks: the namespace's istio-injection:
//     enabled, else (istio-injection absent) the namespace's istio.io/rev, else the pod's
//     istio.io/rev or sidecar.istio.io/inject: "true" label. Any other istio-injection
//     value keeps the injector away. The pod's sidecar.istio.io/inject label (or, without
//     it, the annotation) set to "false" turns injection off.
//   - Ambient enrollment follows istio-cni's default enablement selectors: the pod's
//     istio.io/dataplane-mode: ambient label, or the namespace's, unless the pod's label is
//     "none". The pod's label wins over the namespace's.
//   - Both at once: sidecar injection wins. When the namespace itself carries both the
//     ambient label and an injection label, the result is Conflict; otherwise Sidecar.
//
// Revisions named by istio.io/rev are assumed installed.
func EffectiveMode(namespaceLabels map[string]string, pod Pod) Resolution {
	ns := pod.Namespace
	if pod.Namespace == KubeSystemNamespace {
		return Resolution{None, "Pods in namespace kube-system are never captured: istio-cni " +
			"excludes that namespace and the sidecar injector skips it."}
	}
	if pod.HostNetwork {
		return Resolution{None, "The pod uses the host network (hostNetwork: true): istio-cni " +
			"cannot redirect its traffic and the sidecar injector skips it."}
	}

	ambient, ambientWhy := ambientRequested(ns, namespaceLabels, pod.Labels)
	if _, ok := pod.Annotations[AnnotationSidecarStatus]; ok {
		why := fmt.Sprintf("The pod has the annotation %s: it already runs a sidecar, and "+
			"ztunnel does not capture pods with sidecars.", AnnotationSidecarStatus)
		if ambient {
			why += " Restart it so that its replacement joins ambient."
		}
		return Resolution{Sidecar, why}
	}

	inject, injectWhy := sidecarInjected(ns, namespaceLabels, pod.Labels, pod.Annotations)
	nsInjection := namespaceInjection(namespaceLabels)
	switch {
	case inject && ambient && nsInjection != "" && namespaceLabels[LabelDataplaneMode] == DataplaneModeAmbient:
		return Resolution{Conflict, fmt.Sprintf("%s has both the label %s=%s and %s; "+
			"sidecar injection wins, so the pod gets a sidecar and ztunnel does not capture it.",
			sentenceStart(nsRef(ns)), LabelDataplaneMode, DataplaneModeAmbient, nsInjection)}
	case inject && ambient:
		return Resolution{Sidecar, sentence(injectWhy) + " " + sentence(ambientWhy) +
			" Sidecar injection wins over ambient, so ztunnel does not capture the pod."}
	case inject:
		return Resolution{Sidecar, sentence(injectWhy + ", so the pod gets a sidecar")}
	}
	why := sentence(ambientWhy)
	if injectWhy != "" {
		// Injection was asked for and turned off: say so, it explains the mode as much.
		why += " " + sentence(injectWhy)
	}
	if ambient {
		return Resolution{Ambient, why}
	}
	return Resolution{None, why}
}

// NamespaceMode resolves the data plane that the pods of namespace name get from its labels
// alone, for pods that set no data plane labels of their own. It is Conflict when the
// namespace asks for both ambient and sidecar injection.
func NamespaceMode(name string, labels map[string]string) Resolution {
	if name == KubeSystemNamespace {
		return Resolution{None, "Namespace kube-system is never captured: istio-cni excludes it " +
			"and the sidecar injector skips it."}
	}
	injection := namespaceInjection(labels)
	if slices.Contains(injectorIgnoredNamespaces, name) {
		injection = ""
	}
	mode := labels[LabelDataplaneMode]
	switch {
	case mode == DataplaneModeAmbient && injection != "":
		return Resolution{Conflict, fmt.Sprintf("%s has both the label %s=%s and %s; "+
			"sidecar injection wins, so its pods get sidecars and stay out of ambient.",
			sentenceStart(nsRef(name)), LabelDataplaneMode, DataplaneModeAmbient, injection)}
	case injection != "":
		return Resolution{Sidecar, fmt.Sprintf("%s has %s, so its pods get sidecars.", sentenceStart(nsRef(name)), injection)}
	case mode == DataplaneModeAmbient:
		return Resolution{Ambient, fmt.Sprintf("%s has the label %s=%s.",
			sentenceStart(nsRef(name)), LabelDataplaneMode, DataplaneModeAmbient)}
	}
	return Resolution{None, sentence(noAmbientReason(name, labels))}
}

// ambientRequested applies istio-cni's default enablement selectors: a pod labelled
// istio.io/dataplane-mode=ambient, or any pod not labelled "none" in a namespace labelled
// ambient. The reason is a clause either way.
func ambientRequested(ns string, nsLabels, podLabels map[string]string) (bool, string) {
	podMode, podHas := podLabels[LabelDataplaneMode]
	switch {
	case podMode == DataplaneModeAmbient:
		return true, fmt.Sprintf("the pod has the label %s=%s", LabelDataplaneMode, DataplaneModeAmbient)
	case podMode == DataplaneModeNone:
		return false, fmt.Sprintf("the pod opts out of ambient with the label %s=%s",
			LabelDataplaneMode, DataplaneModeNone)
	case nsLabels[LabelDataplaneMode] == DataplaneModeAmbient && podHas:
		return true, fmt.Sprintf("%s has the label %s=%s, and the pod's label %s=%s is not %q",
			nsRef(ns), LabelDataplaneMode, DataplaneModeAmbient, LabelDataplaneMode, podMode, DataplaneModeNone)
	case nsLabels[LabelDataplaneMode] == DataplaneModeAmbient:
		return true, fmt.Sprintf("%s has the label %s=%s", nsRef(ns), LabelDataplaneMode, DataplaneModeAmbient)
	case podHas:
		return false, fmt.Sprintf("the pod's label %s=%s is neither %q nor %q, and %s",
			LabelDataplaneMode, podMode, DataplaneModeAmbient, DataplaneModeNone, noAmbientReason(ns, nsLabels))
	}
	return false, noAmbientReason(ns, nsLabels)
}

// noAmbientReason explains, as a clause, why a namespace's labels do not enroll it.
func noAmbientReason(ns string, labels map[string]string) string {
	v, ok := labels[LabelDataplaneMode]
	switch {
	case !ok:
		return fmt.Sprintf("%s does not have the label %s=%s", nsRef(ns), LabelDataplaneMode, DataplaneModeAmbient)
	case v == DataplaneModeNone:
		return fmt.Sprintf("%s opts out of ambient with the label %s=%s", nsRef(ns), LabelDataplaneMode, DataplaneModeNone)
	}
	return fmt.Sprintf("%s has the label %s=%s, which is not %q",
		nsRef(ns), LabelDataplaneMode, v, DataplaneModeAmbient)
}

// injectorIgnoredNamespaces are the namespaces whose pods Istio's sidecar injector never
// injects (IgnoredNamespaces in istio/istio's pkg/kube/inject).
var injectorIgnoredNamespaces = []string{"kube-system", "kube-public", "kube-node-lease", "local-path-storage"}

// sidecarInjected reports whether Istio's sidecar injector injects a pod, following the
// webhooks of the istiod chart (which select on labels only) and then the injector's own
// policy (injectRequired in istio/istio's pkg/kube/inject). The reason is a clause without
// a final period: why injection is asked for, and what turned it off if something did; it is
// empty when nothing asks for injection.
func sidecarInjected(ns string, nsLabels, podLabels, podAnnotations map[string]string) (bool, string) {
	if slices.Contains(injectorIgnoredNamespaces, ns) {
		return false, ""
	}
	podInject, podHasInject := podLabels[LabelSidecarInject]
	_, nsHasInjection := nsLabels[LabelInjection]
	nsRev, nsHasRev := nsLabels[LabelRev]
	podRev, podHasRev := podLabels[LabelRev]

	var why string
	switch {
	case nsLabels[LabelInjection] == InjectionEnabled:
		why = fmt.Sprintf("%s has the label %s=%s", nsRef(ns), LabelInjection, InjectionEnabled)
	case !nsHasInjection && nsHasRev:
		why = fmt.Sprintf("%s has the label %s=%s", nsRef(ns), LabelRev, nsRev)
	case !nsHasInjection && !nsHasRev && podHasRev:
		why = fmt.Sprintf("the pod has the label %s=%s", LabelRev, podRev)
	case !nsHasInjection && !nsHasRev && podInject == "true":
		return true, fmt.Sprintf("the pod asks for a sidecar with the label %s=true", LabelSidecarInject)
	case nsHasInjection && (podInject == "true" || podHasRev):
		return false, fmt.Sprintf("the pod asks for a sidecar, but %s has the label %s=%s, which keeps "+
			"the injector away", nsRef(ns), LabelInjection, nsLabels[LabelInjection])
	default:
		return false, ""
	}
	// The webhooks skip pods labelled "false"; the injector then reads the label, or the
	// annotation when the label is absent, and injects unless it is exactly "false".
	if podHasInject && podInject == "false" {
		return false, fmt.Sprintf("%s, but the pod's label %s=false turns injection off", why, LabelSidecarInject)
	}
	if !podHasInject && podAnnotations[AnnotationSidecarInject] == "false" {
		return false, fmt.Sprintf("%s, but the pod's annotation %s=false turns injection off", why, AnnotationSidecarInject)
	}
	return true, why
}

// nsRef names namespace ns in a clause.
func nsRef(ns string) string {
	if ns == "" {
		return "the pod's namespace"
	}
	return fmt.Sprintf("namespace %q", ns)
}

// sentenceStart upper-cases the first letter of s.
func sentenceStart(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// sentence turns a clause into a sentence: first letter upper case, final period.
func sentence(clause string) string {
	if clause == "" {
		return ""
	}
	return sentenceStart(clause) + "."
}
