package ambient

import (
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// ErrSidecarInjection is wrapped by the error [Enroll] returns for a namespace that asks
// for sidecar injection, so callers can tell it apart with errors.Is.
var ErrSidecarInjection = errors.New("sidecar injection is enabled")

// Namespace returns a Namespace named name and enrolled in ambient mode
// (istio.io/dataplane-mode: ambient). The name must be a DNS-1123 label, as Kubernetes
// requires of namespace names.
func Namespace(name string) (*corev1.Namespace, error) {
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return nil, fmt.Errorf("namespace %q: invalid name: %s", name, strings.Join(errs, "; "))
	}
	return &corev1.Namespace{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{
			Name:   name,
			Labels: map[string]string{LabelDataplaneMode: DataplaneModeAmbient},
		},
	}, nil
}

// EnrollOptions tunes [Enroll].
type EnrollOptions struct {
	// DropSidecarInjection removes the istio-injection and istio.io/rev labels from the
	// namespace instead of refusing to enroll it. Its running pods keep their sidecars until
	// they are restarted (see [Restart]).
	DropSidecarInjection bool
}

// Enroll returns a copy of ns labelled istio.io/dataplane-mode: ambient. ns is not changed.
//
// A namespace that asks for sidecar injection (istio-injection: enabled, or an istio.io/rev
// label that selects an injecting revision) cannot be enrolled as it is: the injector would
// still give its new pods sidecars, and ztunnel does not capture pods that have one, so the
// namespace would look enrolled while its pods stay out of ambient. Enroll then returns an
// error wrapping [ErrSidecarInjection], unless opts.DropSidecarInjection asks it to remove
// those labels.
func Enroll(ns *corev1.Namespace, opts EnrollOptions) (*corev1.Namespace, error) {
	if ns == nil {
		return nil, errors.New("enroll namespace: namespace is nil")
	}
	out := ns.DeepCopy()
	if opts.DropSidecarInjection {
		delete(out.Labels, LabelInjection)
		delete(out.Labels, LabelRev)
	} else if injection := namespaceInjection(ns.Labels); injection != "" {
		return nil, fmt.Errorf("enroll namespace %q: %w: it has %s, and sidecar injection wins over "+
			"ambient: new pods would still get sidecars, which ztunnel does not capture; remove "+
			"the %s and %s labels (EnrollOptions.DropSidecarInjection does this) and restart "+
			"the namespace's workloads", ns.Name, ErrSidecarInjection, injection, LabelInjection, LabelRev)
	}
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	out.Labels[LabelDataplaneMode] = DataplaneModeAmbient
	return out, nil
}

// namespaceInjection names the label by which Istio's injection webhooks select a namespace
// (as "the label k=v"), or returns "" when they do not. It follows the webhook selectors of
// Istio's istiod chart: istio-injection=enabled selects the default revision; otherwise, when
// istio-injection is absent, istio.io/rev selects that revision. Any value of
// istio-injection, "disabled" included, turns the istio.io/rev selection off.
func namespaceInjection(labels map[string]string) string {
	inj, hasInj := labels[LabelInjection]
	if inj == InjectionEnabled {
		return fmt.Sprintf("the label %s=%s", LabelInjection, InjectionEnabled)
	}
	if rev, ok := labels[LabelRev]; ok && !hasInj {
		return fmt.Sprintf("the label %s=%s", LabelRev, rev)
	}
	return ""
}
