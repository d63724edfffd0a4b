package ambient_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ambientkit/ambientkit/ambient"
)

func ExampleWriteYAML() {
	ns, err := ambient.Namespace("example-api")
	if err != nil {
		log.Fatal(err)
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{
			Name:      "example-api",
			Namespace: "example-api",
			Labels:    map[string]string{ambient.LabelUseWaypoint: "example-api-waypoint"},
		},
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": "example-api"},
			Ports:    []corev1.ServicePort{{Name: "http", Port: 3000, TargetPort: intstr.FromInt32(3000)}},
		},
	}
	if err := ambient.WriteYAML(os.Stdout, ns, svc); err != nil {
		log.Fatal(err)
	}
	// Output:
	// apiVersion: v1
	// kind: Namespace
	// metadata:
	//   name: example-api
	//   labels:
	//     istio.io/dataplane-mode: ambient
	// ---
	// apiVersion: v1
	// kind: Service
	// metadata:
	//   name: example-api
	//   namespace: example-api
	//   labels:
	//     istio.io/use-waypoint: example-api-waypoint
	// spec:
	//   selector:
	//     app: example-api
	//   ports:
	//     - name: http
	//       port: 3000
	//       targetPort: 3000
}

func ExampleNamespace() {
	ns, err := ambient.Namespace("example-api")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ns.Name, ns.Labels)

	_, err = ambient.Namespace("Example_API")
	fmt.Println(err != nil)
	// Output:
	// example-api map[istio.io/dataplane-mode:ambient]
	// true
}

func ExampleEnroll() {
	// A namespace that used sidecars: enrolling it as it is would be a mistake.
	sidecars := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name:   "example-worker",
		Labels: map[string]string{ambient.LabelInjection: ambient.InjectionEnabled},
	}}
	_, err := ambient.Enroll(sidecars, ambient.EnrollOptions{})
	fmt.Println(errors.Is(err, ambient.ErrSidecarInjection))

	// Moving it to ambient drops the injection label.
	ns, err := ambient.Enroll(sidecars, ambient.EnrollOptions{DropSidecarInjection: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ns.Labels)
	// Output:
	// true
	// map[istio.io/dataplane-mode:ambient]
}

func ExampleOptOut() {
	t := &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "batch"}}}
	fmt.Println(ambient.OptOut(t).Labels)
	// Output: map[app:batch istio.io/dataplane-mode:none]
}

func ExampleRestart() {
	t := &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "example-api"}}}
	at := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	fmt.Println(ambient.Restart(t, at).Annotations)
	// Output: map[kubectl.kubernetes.io/restartedAt:2025-03-04T05:06:07Z]
}

func ExampleRestartPatch() {
	patch, err := ambient.RestartPatch(time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC))
	if err != nil {
		log.Fatal(err)
	}
	// Send it with client-go:
	// clientset.AppsV1().Deployments(ns).Patch(ctx, name, ambient.RestartPatchType, patch, metav1.PatchOptions{})
	fmt.Println(string(patch))
	// Output: {"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2025-03-04T05:06:07Z"}}}}}
}

func ExampleEffectiveMode() {
	ns := map[string]string{ambient.LabelDataplaneMode: ambient.DataplaneModeAmbient}

	r := ambient.EffectiveMode(ns, ambient.Pod{Namespace: "example-api"})
	fmt.Println(r.Mode, "-", r.Reason)

	r = ambient.EffectiveMode(ns, ambient.Pod{
		Namespace: "example-api",
		Labels:    map[string]string{ambient.LabelSidecarInject: "true"},
	})
	fmt.Println(r.Mode, "-", r.Reason)
	// Output:
	// ambient - Namespace "example-api" has the label istio.io/dataplane-mode=ambient.
	// sidecar - The pod asks for a sidecar with the label sidecar.istio.io/inject=true. Namespace "example-api" has the label istio.io/dataplane-mode=ambient. Sidecar injection wins over ambient, so ztunnel does not capture the pod.
}

func ExampleTemplatePod() {
	ns := map[string]string{ambient.LabelDataplaneMode: ambient.DataplaneModeAmbient}
	batch := ambient.OptOut(&corev1.PodTemplateSpec{})
	r := ambient.EffectiveMode(ns, ambient.TemplatePod("example-api", batch))
	fmt.Println(r.Mode, "-", r.Reason)
	// Output: none - The pod opts out of ambient with the label istio.io/dataplane-mode=none.
}

func ExampleNamespaceMode() {
	r := ambient.NamespaceMode("example-api", map[string]string{
		ambient.LabelDataplaneMode: ambient.DataplaneModeAmbient,
		ambient.LabelInjection:     ambient.InjectionEnabled,
	})
	fmt.Println(r.Mode, "-", r.Reason)
	// Output:
	// conflict - Namespace "example-api" has both the label istio.io/dataplane-mode=ambient and the label istio-injection=enabled; sidecar injection wins, so its pods get sidecars and stay out of ambient.
}

func ExampleValidateValue() {
	err := ambient.ValidateValue(ambient.LabelDataplaneMode, "Ambient")
	fmt.Println(err)

	var invalid *ambient.InvalidValueError
	if errors.As(err, &invalid) {
		fmt.Println("fix:", invalid.Suggestion)
	}
	// Output:
	// istio.io/dataplane-mode: Istio does not accept the value "Ambient"; it accepts ambient, none (did you mean "ambient"?)
	// fix: ambient
}

func ExampleSuggestKey() {
	for _, key := range []string{"istio.io/dataplane_mode", "istio.io/use-waypoints", "istio.io/unrelated-thing"} {
		s, ok := ambient.SuggestKey(key)
		fmt.Printf("%s: %q %v\n", key, s, ok)
	}
	// Output:
	// istio.io/dataplane_mode: "istio.io/dataplane-mode" true
	// istio.io/use-waypoints: "istio.io/use-waypoint" true
	// istio.io/unrelated-thing: "" false
}

// The values Istio accepts for a label it checks.
func ExampleAllowedValues() {
	fmt.Println(ambient.AllowedValues(ambient.LabelDataplaneMode))
	fmt.Println(ambient.AllowedValues(ambient.LabelUseWaypoint) == nil)
	// Output:
	// [ambient none]
	// true
}

// Istio ignores a key it does not define, misspelt or not; IsKnownKey tells them apart.
func ExampleIsKnownKey() {
	fmt.Println(ambient.IsKnownKey("istio.io/dataplane-mode"))
	fmt.Println(ambient.IsKnownKey("istio.io/dataplane_mode"))
	fmt.Println(ambient.IsIstioDomain("istio.io/dataplane_mode"))
	// Output:
	// true
	// false
	// true
}

// The keys that enroll, opt out, bind a waypoint or set its traffic: a near miss of one of
// them is the most common ambient mistake.
func ExampleIsEnrollmentKey() {
	fmt.Println(ambient.IsEnrollmentKey(ambient.LabelDataplaneMode), ambient.IsEnrollmentKey(ambient.LabelRev))
	fmt.Println(len(ambient.EnrollmentKeys()) > 0)
	// Output:
	// true false
	// true
}
