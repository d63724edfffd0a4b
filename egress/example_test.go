package egress_test

import (
	"fmt"
	"os"

	networking "istio.io/api/networking/v1alpha3"
	networkingv1 "istio.io/client-go/pkg/apis/networking/v1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/egress"
)

// The seed post's ServiceEntry for an HTTPS API outside the cluster.
func ExampleNew() {
	se, err := egress.New("example-api", "example-vendor-api",
		[]string{"api.vendor.example"},
		[]egress.Port{{Number: 443, Name: "tls", Protocol: "TLS"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := ambient.WriteYAML(os.Stdout, se); err != nil {
		fmt.Println(err)
	}
	// Output:
	// apiVersion: networking.istio.io/v1
	// kind: ServiceEntry
	// metadata:
	//   name: example-vendor-api
	//   namespace: example-api
	// spec:
	//   hosts:
	//     - api.vendor.example
	//   location: MESH_EXTERNAL
	//   ports:
	//     - number: 443
	//       name: tls
	//       protocol: TLS
	//   resolution: DNS
}

// Wildcard hosts need an explicit opt-in, and get resolution NONE.
func ExampleAllowWildcard() {
	ports := []egress.Port{{Number: 443, Name: "tls", Protocol: "TLS"}}
	_, err := egress.New("example-api", "vendor-cdn", []string{"*.cdn.vendor.example"}, ports)
	fmt.Println(err)

	se, err := egress.New("example-api", "vendor-cdn", []string{"*.cdn.vendor.example"}, ports, egress.AllowWildcard())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(se.Spec.Resolution, len(egress.Validate(se, egress.AllowWildcard())), "problems")
	// Output:
	// ServiceEntry example-api/vendor-cdn: invalid ServiceEntry input: hosts[0]: wildcard host "*.cdn.vendor.example" needs the AllowWildcard option
	// NONE 0 problems
}

func ExampleValidate() {
	se := &networkingv1.ServiceEntry{}
	se.Name, se.Namespace = "vendor", "example-api"
	se.Spec.Hosts = []string{"*.vendor.example"}
	se.Spec.Resolution = networking.ServiceEntry_DNS
	se.Spec.Ports = []*networking.ServicePort{
		{Number: 443, Name: "tls", Protocol: "TLS"},
		{Number: 443, Name: "https", Protocol: "HTTPS"},
	}
	for _, p := range egress.Validate(se) {
		fmt.Printf("%s %s [%s]: %s\n", p.Severity, p.Path, p.Code, p.Message)
	}
	// Output:
	// error spec.ports[1].number [duplicate-port-number]: port 443 is already defined
	// error spec.resolution [dns-host-not-fqdn]: with resolution DNS and no endpoints every host must be a fully qualified name, and "*.vendor.example" is not: use resolution NONE for wildcard hosts, or list the hosts (domain name "*.vendor.example" invalid (label "*" invalid))
	// error spec.hosts[0] [wildcard-host]: host "*.vendor.example" is a wildcard: the entry admits every host under it, so egress is no longer explicit
}

func ExampleMatchHost() {
	fmt.Println(egress.MatchHost("*.vendor.example", "api.eu.vendor.example"))
	fmt.Println(egress.MatchHost("*.vendor.example", "vendor.example"))
	fmt.Println(egress.MatchHost("api.vendor.example", "API.vendor.example"))
	// Output:
	// true
	// false
	// true
}

func ExampleCovers() {
	se, err := egress.New("example-api", "example-vendor-api", []string{"api.vendor.example"},
		[]egress.Port{{Number: 443, Name: "tls", Protocol: "TLS"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(egress.Covers(se, "api.vendor.example"), egress.Covers(se, "auth.vendor.example"))
	// Output:
	// true false
}

// A TCP port of an entry without addresses and with resolution NONE: Istio cannot tell its
// traffic from other TCP traffic on the port, and warns.
func ExampleValidate_warning() {
	se := &networkingv1.ServiceEntry{}
	se.Spec.Hosts = []string{"*.db.vendor.example"}
	se.Spec.Resolution = networking.ServiceEntry_NONE
	se.Spec.Ports = []*networking.ServicePort{
		{Number: 443, Name: "tls", Protocol: "TLS"},
		{Number: 5432, Name: "postgres", Protocol: "TCP"},
	}
	for _, p := range egress.Validate(se, egress.AllowWildcard()) {
		fmt.Printf("%s %s [%s]\n", p.Severity, p.Path, p.Code)
	}
	// Output:
	// warning spec.ports[1] [needs-addresses]
}
