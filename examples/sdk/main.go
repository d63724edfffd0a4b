// Command sdk writes the seed post's ambient setup for the example-api application as the
// YAML a GitOps repository commits, built with the SDK instead of by hand: the Namespace
// enrolled in ambient mode, a service-scoped waypoint, the Service bound to it, and an
// explicit ServiceEntry for the one external API it calls.
//
//	go -C examples/sdk run . > apps/example-api/mesh.yaml
//
// Every object is validated as it is built; a mistake (a wildcard host, a bad port, a
// waypoint named "none") is an error here rather than a surprise in the cluster.
package main

import (
	"fmt"
	"io"
	"os"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/egress"
	"github.com/ambientkit/ambientkit/waypoint"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sdk:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	const ns = "example-api"
	namespace, err := ambient.Namespace(ns)
	if err != nil {
		return err
	}
	wp, err := waypoint.New(ns, "example-api-waypoint", waypoint.For(ambient.WaypointForService))
	if err != nil {
		return err
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "example-api", Namespace: ns},
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": "example-api"},
			Ports:    []corev1.ServicePort{{Name: "http", Port: 3000, TargetPort: intstr.FromInt32(3000)}},
		},
	}
	if err := waypoint.Bind(svc, ns, wp.Name); err != nil {
		return err
	}
	vendor, err := egress.New(ns, "example-vendor-api", []string{"api.vendor.example"},
		[]egress.Port{{Number: 443, Name: "tls", Protocol: "TLS"}})
	if err != nil {
		return err
	}
	return ambient.WriteYAML(w, []runtime.Object{namespace, wp, svc, vendor}...)
}
