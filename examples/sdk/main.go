// Command sdk is the seed post's ambient setup for the example-api application, built with
// the SDK as a platform tool would build it: it enrolls the Namespace in ambient mode, adds a
// service-scoped waypoint, binds the Service to it, declares the one external API the
// application calls with an explicit ServiceEntry, and prints the YAML a GitOps repository
// commits. With -check it then asks a cluster, through the kubeconfig, whether ambient mode
// is ready for the namespace.
//
//	go -C examples/sdk run . > apps/example-api/mesh.yaml
//	go -C examples/sdk run . -check -kubeconfig ~/.kube/config > /dev/null
//
// Every object is checked as it is built; a mistake (a wildcard host, a bad port, a waypoint
// named "none") is an error here rather than a surprise in the cluster. The builders return
// new objects and never change their arguments.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/egress"
	"github.com/ambientkit/ambientkit/readiness/probe"
	"github.com/ambientkit/ambientkit/waypoint"
)

const namespace = "example-api"

func main() {
	check := flag.Bool("check", false, "after writing the YAML, check the cluster's readiness for the namespace")
	kubeconfig := flag.String("kubeconfig", "", "the kubeconfig for -check (default: $KUBECONFIG or ~/.kube/config)")
	flag.Parse()
	if err := write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sdk:", err)
		os.Exit(1)
	}
	if *check {
		ready, err := checkCluster(context.Background(), *kubeconfig, os.Stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sdk:", err)
			os.Exit(2)
		}
		if !ready {
			os.Exit(1)
		}
	}
}

// write builds the four objects and writes them as YAML.
func write(w io.Writer) error {
	ns, err := ambient.Namespace(namespace)
	if err != nil {
		return err
	}
	wp, err := waypoint.New(namespace, "example-api-waypoint", waypoint.For(waypoint.ServiceTraffic))
	if err != nil {
		return err
	}
	svc, err := waypoint.Bind(&corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "example-api", Namespace: namespace},
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": "example-api"},
			Ports:    []corev1.ServicePort{{Name: "http", Port: 3000, TargetPort: intstr.FromInt32(3000)}},
		},
	}, namespace, wp.Name)
	if err != nil {
		return err
	}
	vendor, err := egress.New(namespace, "example-vendor-api", []string{"api.vendor.example"},
		[]egress.Port{{Number: 443, Name: "tls", Protocol: "TLS"}})
	if err != nil {
		return err
	}
	// New already refused what Istio rejects; Validate also names what it only warns about.
	for _, p := range egress.Validate(vendor) {
		fmt.Fprintf(os.Stderr, "sdk: ServiceEntry %s: %s: %s (%s)\n", vendor.Name, p.Severity, p.Message, p.Code)
	}
	return ambient.WriteYAML(w, ns, wp, svc, vendor)
}

// checkCluster runs the readiness checks for the namespace once and prints the outcome of
// each. It reports whether the cluster is ready.
func checkCluster(ctx context.Context, kubeconfig string, w io.Writer) (bool, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = kubeconfig
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, nil).ClientConfig()
	if err != nil {
		return false, fmt.Errorf("kubeconfig: %w", err)
	}
	cfg.Timeout = 10 * time.Second
	p, err := probe.New(cfg, probe.Options{Namespaces: []string{namespace}})
	if err != nil {
		return false, err
	}
	report, err := p.Check(ctx)
	if err != nil {
		return false, err
	}
	for _, c := range report.Checks {
		fmt.Fprintf(w, "%-28s %-9s %s\n", c.Name, c.Status, c.Reason)
		if c.Remediation != "" {
			fmt.Fprintf(w, "%28s → %s\n", "", c.Remediation)
		}
	}
	if len(report.Checks) == 0 {
		return false, errors.New("the probe made no checks")
	}
	return report.Ready(), nil
}
