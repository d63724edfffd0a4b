package egress

import (
	"errors"
	"fmt"
	"strings"

	networking "istio.io/api/networking/v1alpha3"
	networkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ambientkit/ambientkit/ambient"
)

// ErrInvalid is wrapped by every error [New] and an [Option] return for bad input.
var ErrInvalid = errors.New("invalid ServiceEntry input")

// A Port is a port of the external service.
type Port struct {
	// Number is the port number, 1..65535.
	Number uint32
	// Name is the port's name, a DNS-1123 label unique in the ServiceEntry. Istio requires it.
	Name string
	// Protocol is one Istio knows: HTTP, HTTPS, HTTP2, HTTP_PROXY, GRPC, GRPC-Web, TCP, TLS,
	// UDP, Mongo, MySQL or Redis (case does not matter), or empty to let Istio sniff it.
	Protocol string
}

// An Option changes the ServiceEntry that [New] builds, or what [Validate] accepts. An option
// that cannot apply returns an error wrapping [ErrInvalid], which New returns.
type Option func(*settings) error

type settings struct {
	allowWildcard bool
}

// AllowWildcard lets [New] accept wildcard hosts ("*.vendor.example"), and [Validate] leave
// them unreported ([CodeWildcardHost]). A ServiceEntry with a wildcard host gets resolution
// NONE, because Istio rejects resolution DNS for wildcard hosts without endpoints. Explicit
// hosts are easier to audit; ambientlint reports wildcards (AMB301) unless its configuration
// allows them.
func AllowWildcard() Option {
	return func(s *settings) error {
		s.allowWildcard = true
		return nil
	}
}

// New returns a ServiceEntry named name in namespace that declares hosts, outside the mesh,
// on ports: location MESH_EXTERNAL and resolution DNS (NONE when [AllowWildcard] let a
// wildcard host in). [Validate], given the same options, finds no error in the result.
//
// It fails, with an error wrapping [ErrInvalid] for every problem found, when namespace is
// not a DNS-1123 label or name not a DNS-1123 subdomain; when there are no hosts, a host is
// not a domain name, is "*", has a wildcard other than a whole first label, is a wildcard
// without AllowWildcard, or is listed twice; when there are no ports, a port number is 0 or
// above 65535, a name is missing, invalid or repeated, a number is repeated, or a protocol is
// unknown; and whenever Istio's validation would reject the result (several hosts on a port
// that is neither HTTP nor TLS, for example).
func New(namespace, name string, hosts []string, ports []Port, opts ...Option) (*networkingv1.ServiceEntry, error) {
	var s settings
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&s); err != nil {
			return nil, fmt.Errorf("ServiceEntry %s/%s: %w", namespace, name, err)
		}
	}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...))
	}

	switch {
	case namespace == "":
		bad("empty namespace")
	case len(validation.IsDNS1123Label(namespace)) > 0:
		bad("namespace %q: %s", namespace, strings.Join(validation.IsDNS1123Label(namespace), "; "))
	}
	switch {
	case name == "":
		bad("empty name")
	case len(validation.IsDNS1123Subdomain(name)) > 0:
		bad("name %q: %s", name, strings.Join(validation.IsDNS1123Subdomain(name), "; "))
	}

	if len(hosts) == 0 {
		bad("no hosts")
	}
	wildcard := false
	seenHosts := map[string]bool{}
	for i, h := range hosts {
		switch {
		case h == "*":
			bad("hosts[%d]: the host \"*\" is not allowed", i)
			continue
		case validateWildcardDomain(h) != nil:
			bad("hosts[%d]: %v", i, validateWildcardDomain(h))
			continue
		case isPartialWildcard(h):
			bad("hosts[%d]: %q: a wildcard must be the whole first label, as in *.example.com", i, h)
			continue
		case isWildcard(h) && !s.allowWildcard:
			bad("hosts[%d]: wildcard host %q needs the AllowWildcard option", i, h)
			continue
		}
		wildcard = wildcard || isWildcard(h)
		if key := normalizeHost(h); seenHosts[key] {
			bad("hosts[%d]: %q is listed twice", i, h)
		} else {
			seenHosts[key] = true
		}
	}

	if len(ports) == 0 {
		bad("no ports")
	}
	names, numbers := map[string]bool{}, map[uint32]bool{}
	for i, p := range ports {
		if !validPort(p.Number) {
			bad("ports[%d]: number %d is not in 1..65535", i, p.Number)
		} else if numbers[p.Number] {
			bad("ports[%d]: number %d is used twice", i, p.Number)
		}
		numbers[p.Number] = true
		switch {
		case p.Name == "":
			bad("ports[%d]: empty name", i)
		case !isDNS1123Label(p.Name):
			bad("ports[%d]: name %q is not a DNS-1123 label", i, p.Name)
		case names[p.Name]:
			bad("ports[%d]: name %q is used twice", i, p.Name)
		}
		names[p.Name] = true
		if p.Protocol != "" && parseProtocol(p.Protocol) == "" {
			bad("ports[%d]: protocol %q is not one Istio knows (%s)", i, p.Protocol, strings.Join(protocols, ", "))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("ServiceEntry %s/%s: %w", namespace, name, errors.Join(errs...))
	}

	se := &networkingv1.ServiceEntry{
		TypeMeta: metav1.TypeMeta{
			APIVersion: networkingv1.SchemeGroupVersion.String(),
			Kind:       "ServiceEntry",
		},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
	}
	se.Spec.Hosts = append([]string(nil), hosts...)
	se.Spec.Location = networking.ServiceEntry_MESH_EXTERNAL
	se.Spec.Resolution = networking.ServiceEntry_DNS
	if wildcard {
		se.Spec.Resolution = networking.ServiceEntry_NONE
	}
	for _, p := range ports {
		se.Spec.Ports = append(se.Spec.Ports, &networking.ServicePort{Number: p.Number, Name: p.Name, Protocol: p.Protocol})
	}

	// What is left is what only the combination of hosts, ports and resolution rejects.
	for _, p := range Validate(se, opts...) {
		if p.Severity == ambient.Error {
			bad("%s: %s", p.Path, p.Message)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("ServiceEntry %s/%s: %w", namespace, name, errors.Join(errs...))
	}
	return se, nil
}
