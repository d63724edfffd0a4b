package serviceentries

import (
	networking "istio.io/api/networking/v1"
	"istio.io/api/networking/v1alpha3"
	networkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var wildcard = &networkingv1.ServiceEntry{
	ObjectMeta: metav1.ObjectMeta{Name: "vendor", Namespace: "shop"},
	Spec: networking.ServiceEntry{
		Hosts: []string{"api.vendor.example", "*.vendor.example"}, // want `^AMB301: ServiceEntry shop/vendor has wildcard host "\*.vendor.example": list explicit hosts, or allow it with -allow-wildcards$`
	},
}

var invalid = networkingv1.ServiceEntry{
	ObjectMeta: metav1.ObjectMeta{Name: "invalid"},
	Spec: v1alpha3.ServiceEntry{
		Hosts: []string{
			"*",                // want `AMB301: ServiceEntry invalid has wildcard host "\*"` `AMB302: ServiceEntry invalid: the host "\*" is not allowed`
			"api.*.example",    // want `AMB302: ServiceEntry invalid: host "api.\*.example": a wildcard is allowed only at the start of the first label`
			"bad_host.example", // want `AMB302: ServiceEntry invalid: host "bad_host.example" is not a valid domain name`
		},
		Addresses: []string{
			"10.0.0.300", // want `AMB302: ServiceEntry invalid: 10.0.0.300 is not a valid IP`
			"10.0.0.0/8", // want `AMB302: ServiceEntry invalid: CIDR address "10.0.0.0/8" is allowed only with resolution NONE or STATIC, not DNS`
		},
		Resolution: networking.ServiceEntry_DNS, // want `AMB302: ServiceEntry invalid: with resolution DNS and no endpoints every host must be a fully qualified name, and "\*" is not`
		Ports: []*networking.ServicePort{
			{Number: 443, Name: "https", Protocol: "TLS"},
			{Number: 443, Name: "tls", Protocol: "HTTPS"},                      // want `AMB302: ServiceEntry invalid: port 443 is already defined`
			&v1alpha3.ServicePort{Number: 8080, Name: "h3", Protocol: "HTTP3"}, // want `AMB302: ServiceEntry invalid: protocol "HTTP3" is not one Istio knows` `AMB302: ServiceEntry invalid: port 8080 is neither HTTP nor TLS, so with 3 hosts`
			{Number: 70000, Name: "big"},                                       // want `AMB302: ServiceEntry invalid: port number 70000 must be in the range 1..65535`
		},
	},
}

// A complete literal is judged whole, as ambientlint judges the entry in YAML: a wildcard host
// with resolution DNS and no endpoints is a wildcard (AMB301) that Istio also rejects (AMB302).
var wildcardDNS = v1alpha3.ServiceEntry{
	Hosts:      []string{"*.vendor.example"}, // want `AMB301: ServiceEntry has wildcard host "\*.vendor.example"`
	Resolution: v1alpha3.ServiceEntry_DNS,    // want `AMB302: ServiceEntry: with resolution DNS and no endpoints every host must be a fully qualified name`
	Ports:      []*v1alpha3.ServicePort{{Number: 443, Name: "tls", Protocol: "TLS"}},
}

// The same entry with endpoints the code computes is not complete: only the wildcard is
// certain.
func wildcardDNSWithEndpoints(endpoints []*v1alpha3.WorkloadEntry) v1alpha3.ServiceEntry {
	return v1alpha3.ServiceEntry{
		Hosts:      []string{"*.vendor.example"}, // want `AMB301: ServiceEntry has wildcard host "\*.vendor.example"`
		Resolution: v1alpha3.ServiceEntry_DNS,
		Ports:      []*v1alpha3.ServicePort{{Number: 443, Name: "tls", Protocol: "TLS"}},
		Endpoints:  endpoints,
	}
}

// A spec on its own, without a name.
var spec = v1alpha3.ServiceEntry{Hosts: []string{"*.example.com"}} // want `AMB301: ServiceEntry has wildcard host "\*.example.com"`

func nearMisses(host string, hosts []string, port *v1alpha3.ServicePort, number uint32) []v1alpha3.ServiceEntry {
	return []v1alpha3.ServiceEntry{
		{Hosts: hosts}, // not a literal
		{Hosts: []string{host, "api.example.com"}}, // one host unknown, the other fine
		{},                  // hosts added later
		{Hosts: []string{}}, // hosts added later, perhaps
		{Hosts: []string{"api.example.com"}, Resolution: v1alpha3.ServiceEntry_DNS},                                                    // endpoints may come later
		{Hosts: []string{"api.example.com"}, Ports: []*v1alpha3.ServicePort{port, {Number: 443, Name: "https"}}},                       // one port unknown
		{Hosts: []string{"api.example.com"}, Ports: []*v1alpha3.ServicePort{{Number: number, Name: "a"}, {Number: number, Name: "b"}}}, // numbers unknown
	}
}
