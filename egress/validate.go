package egress

import (
	"fmt"
	"slices"
	"strings"

	"istio.io/api/label"
	networking "istio.io/api/networking/v1alpha3"
	networkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ambientkit/ambientkit/ambient"
)

// Codes of the problems [Validate] reports as errors: Istio rejects the ServiceEntry.
const (
	// CodeNilServiceEntry: there is no ServiceEntry to check.
	CodeNilServiceEntry ambient.Code = "nil-service-entry"
	// CodeInvalidSelector: an empty key or a "*" in workloadSelector.labels.
	CodeInvalidSelector ambient.Code = "invalid-workload-selector"
	// CodeSelectorWithEndpoints: both workloadSelector and endpoints are set.
	CodeSelectorWithEndpoints ambient.Code = "selector-with-endpoints"
	// CodeNoHosts: spec.hosts is empty.
	CodeNoHosts ambient.Code = "no-hosts"
	// CodeHostStar: a host is "*".
	CodeHostStar ambient.Code = "host-star"
	// CodeMisplacedWildcard: a "*" other than at the start of the first label.
	CodeMisplacedWildcard ambient.Code = "misplaced-wildcard"
	// CodeInvalidHost: a host that is not a domain name.
	CodeInvalidHost ambient.Code = "invalid-host"
	// CodeInvalidAddress: an address that is neither an IP nor a CIDR block.
	CodeInvalidAddress ambient.Code = "invalid-address"
	// CodeCIDRResolution: CIDR addresses with a resolution other than NONE or STATIC.
	CodeCIDRResolution ambient.Code = "cidr-resolution"
	// CodeNilPort: a null entry in spec.ports.
	CodeNilPort ambient.Code = "nil-port"
	// CodeDuplicatePortName: two ports with one name.
	CodeDuplicatePortName ambient.Code = "duplicate-port-name"
	// CodeDuplicatePortNumber: two ports with one number.
	CodeDuplicatePortNumber ambient.Code = "duplicate-port-number"
	// CodeInvalidPort: a port number outside 1..65535.
	CodeInvalidPort ambient.Code = "invalid-port"
	// CodeInvalidPortName: a port name that is not a DNS-1123 label.
	CodeInvalidPortName ambient.Code = "invalid-port-name"
	// CodeUnknownProtocol: a protocol Istio does not know.
	CodeUnknownProtocol ambient.Code = "unknown-protocol"
	// CodeEndpointsWithNone: endpoints with resolution NONE.
	CodeEndpointsWithNone ambient.Code = "endpoints-with-none"
	// CodeInvalidEndpoint: a null endpoint, or a bad address or labels.
	CodeInvalidEndpoint ambient.Code = "invalid-endpoint"
	// CodeUndefinedEndpointPort: an endpoint port whose name no service port has.
	CodeUndefinedEndpointPort ambient.Code = "undefined-endpoint-port"
	// CodeDNSWildcard: resolution DNS or DNS_ROUND_ROBIN without endpoints and a host that is
	// not a fully qualified name, such as a wildcard.
	CodeDNSWildcard ambient.Code = "dns-host-not-fqdn"
	// CodeRoundRobinEndpoints: DNS_ROUND_ROBIN with more than one endpoint.
	CodeRoundRobinEndpoints ambient.Code = "round-robin-endpoints"
	// CodeDynamicDNS: a setting DYNAMIC_DNS resolution does not support.
	CodeDynamicDNS ambient.Code = "dynamic-dns"
	// CodeUnknownResolution: a resolution Istio does not know.
	CodeUnknownResolution ambient.Code = "unknown-resolution"
	// CodeMultipleHostsOpaque: several hosts, resolution not NONE, and a port that is neither
	// HTTP nor TLS.
	CodeMultipleHostsOpaque ambient.Code = "multiple-hosts-opaque"
	// CodeInvalidExportTo: a bad or duplicate exportTo entry, or a bad combination.
	CodeInvalidExportTo ambient.Code = "invalid-export-to"
)

// Codes of the problems [Validate] reports as warnings: Istio accepts the ServiceEntry and
// warns.
const (
	// CodePartialWildcard: a wildcard that is only part of the first label, as in
	// "*foo.example.com".
	CodePartialWildcard ambient.Code = "partial-wildcard"
	// CodeSelectorWithoutLabels: a workloadSelector without labels, which selects every
	// workload of the namespace.
	CodeSelectorWithoutLabels ambient.Code = "selector-without-labels"
	// CodeSelectorWithNone: a workloadSelector with resolution NONE.
	CodeSelectorWithNone ambient.Code = "selector-with-none"
	// CodeNeedsAddresses: a TCP or protocol-less port on which Istio cannot tell the entry's
	// traffic apart: the entry has no addresses, and Istio allocates it none (with
	// PILOT_ENABLE_IP_AUTOALLOCATE on, the default since 1.25, it allocates addresses to
	// every entry without addresses whose resolution is not NONE, unless the entry is
	// labelled networking.istio.io/enable-autoallocate-ip: "false").
	CodeNeedsAddresses ambient.Code = "needs-addresses"
	// CodeMultipleHostsAddresses: addresses, a TCP port and more than one host.
	CodeMultipleHostsAddresses ambient.Code = "multiple-hosts-addresses"
	// CodeEndpointWithoutAddress: a STATIC endpoint with a network but no address.
	CodeEndpointWithoutAddress ambient.Code = "endpoint-without-address"
)

// The code of the problem [Validate] reports, as an error, that Istio accepts without a word.
const (
	// CodeWildcardHost: a wildcard host ("*.vendor.example", or "*"). Istio accepts it, but
	// the entry then admits every host under the domain, so egress is no longer explicit: an
	// audit of what the mesh may call cannot list the hosts. [AllowWildcard] accepts it.
	CodeWildcardHost ambient.Code = "wildcard-host"
)

// unixAddressPrefix marks a Unix domain socket endpoint address.
const unixAddressPrefix = "unix://"

// Validate reports what is wrong with se, one Problem per finding:
//
//   - as errors, what Istio's validating webhook (ValidateServiceEntry, Istio 1.28–1.31)
//     rejects, in the order Istio checks: the workload selector, hosts, addresses, ports, what
//     the resolution demands of endpoints and hosts, several hosts on opaque ports, and
//     exportTo (where Istio stops at an invalid workload selector, Validate goes on);
//   - then, as errors, each wildcard host ([CodeWildcardHost]), unless opts hold
//     [AllowWildcard];
//   - then, as warnings, what the webhook accepts with a warning, in the same order, with
//     each port on which Istio cannot tell the entry's traffic apart ([CodeNeedsAddresses]).
//
// It is the one check ambientlint (AMB301, AMB302, AMB304) and ambientvet make of a
// ServiceEntry. A nil se is one problem.
func Validate(se *networkingv1.ServiceEntry, opts ...Option) []ambient.Problem {
	if se == nil {
		return []ambient.Problem{{Code: CodeNilServiceEntry, Message: "no ServiceEntry to check"}}
	}
	var s settings
	for _, opt := range opts {
		if opt != nil {
			_ = opt(&s) // no option of this package fails
		}
	}
	v := validator{se: se, spec: &se.Spec}
	v.selector()
	v.hosts()
	v.addresses()
	v.ports()
	for _, i := range needsAddresses(se) {
		v.warnf(fmt.Sprintf("spec.ports[%d]", i), CodeNeedsAddresses, "",
			"port %d serves TCP (or no protocol) but the entry has no addresses and Istio allocates none, so its traffic cannot be told apart from other TCP traffic on the port", se.Spec.Ports[i].Number)
	}
	v.resolution()
	v.multipleHosts()
	v.exportTo()
	out := v.errs
	if !s.allowWildcard {
		for i, h := range se.Spec.Hosts {
			if isWildcard(h) {
				out = append(out, ambient.Problem{
					Code: CodeWildcardHost, Path: fmt.Sprintf("spec.hosts[%d]", i),
					Message: fmt.Sprintf("host %q is a wildcard: the entry admits every host under it, so egress is no longer explicit", h),
				})
			}
		}
	}
	return append(out, v.warns...)
}

// needsAddresses returns the indexes in se.Spec.Ports of the ports on which Istio cannot tell
// se's traffic apart ([CodeNeedsAddresses]): the port's protocol is TCP or not given, se has
// no addresses, and Istio allocates it none. Istio compares the protocol with "TCP" exactly;
// this ignores case.
func needsAddresses(se *networkingv1.ServiceEntry) []int {
	if len(se.Spec.Addresses) > 0 || autoAllocates(se) {
		return nil
	}
	var out []int
	for i, p := range se.Spec.Ports {
		if p != nil && (p.Protocol == "" || strings.EqualFold(p.Protocol, "TCP")) {
			out = append(out, i)
		}
	}
	return out
}

// autoAllocates reports whether Istio allocates se an address (istio/istio
// pilot/pkg/networking/serviceentry: shouldV2AutoAllocateIPFromPieces), assuming the
// feature is on.
func autoAllocates(se *networkingv1.ServiceEntry) bool {
	if se.Spec.Resolution == networking.ServiceEntry_NONE {
		return false
	}
	if v, ok := se.Labels[label.NetworkingEnableAutoallocateIp.Name]; ok && strings.EqualFold(v, "false") {
		return false
	}
	return len(se.Spec.Addresses) == 0
}

type validator struct {
	se    *networkingv1.ServiceEntry
	spec  *networking.ServiceEntry
	errs  []ambient.Problem
	warns []ambient.Problem
	// portNames holds the names of the service ports, once ports ran.
	portNames map[string]bool
}

func (v *validator) errorf(path string, code ambient.Code, suggest, format string, args ...any) {
	v.errs = append(v.errs, ambient.Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...), Suggest: suggest})
}

func (v *validator) warnf(path string, code ambient.Code, suggest, format string, args ...any) {
	v.warns = append(v.warns, ambient.Problem{Path: path, Code: code, Severity: ambient.Warning, Message: fmt.Sprintf(format, args...), Suggest: suggest})
}

func (v *validator) selector() {
	sel := v.spec.WorkloadSelector
	if sel == nil {
		return
	}
	for _, k := range sortedKeys(sel.Labels) {
		val := sel.Labels[k]
		if k == "" {
			v.errorf("spec.workloadSelector.labels", CodeInvalidSelector, "", "an empty key is not supported in a workload selector: %q", k+"="+val)
		}
		if strings.Contains(k, "*") || strings.Contains(val, "*") {
			v.errorf(fmt.Sprintf("spec.workloadSelector.labels[%q]", k), CodeInvalidSelector, "", "a wildcard is not supported in a workload selector: %q", k+"="+val)
		}
	}
	if len(sel.Labels) == 0 {
		v.warnf("spec.workloadSelector", CodeSelectorWithoutLabels, "", "the workload selector has no labels, so the entry applies to every workload in the namespace")
	}
	if v.spec.Endpoints != nil {
		v.errorf("spec.workloadSelector", CodeSelectorWithEndpoints, "", "only one of workloadSelector or endpoints may be set")
	}
}

func (v *validator) hosts() {
	if len(v.spec.Hosts) == 0 {
		v.errorf("spec.hosts", CodeNoHosts, "", "a ServiceEntry must have at least one host")
	}
	for i, h := range v.spec.Hosts {
		path := fmt.Sprintf("spec.hosts[%d]", i)
		if h == "*" {
			v.errorf(path, CodeHostStar, "", `the host "*" is not allowed: it would claim all traffic; list the hosts`)
			continue
		}
		if err := validateWildcardDomain(h); err != nil {
			if strings.Contains(h, "*") {
				v.errorf(path, CodeMisplacedWildcard, "", "host %q: a wildcard is allowed only at the start of the first label, as in *.example.com (%v)", h, err)
			} else {
				v.errorf(path, CodeInvalidHost, "", "host %q is not a valid domain name: %v", h, err)
			}
			continue
		}
		if v.spec.Resolution != networking.ServiceEntry_DYNAMIC_DNS && isPartialWildcard(h) {
			v.warnf(path, CodePartialWildcard, "", "host %q: a partial wildcard is not allowed; use a whole first label, as in *.example.com", h)
		}
	}
}

func (v *validator) addresses() {
	cidr := -1
	for i, a := range v.spec.Addresses {
		if cidr < 0 && strings.Contains(a, "/") {
			cidr = i
		}
		if err := validateIPSubnet(a); err != nil {
			v.errorf(fmt.Sprintf("spec.addresses[%d]", i), CodeInvalidAddress, "", "%v", err)
		}
	}
	if r := v.spec.Resolution; cidr >= 0 && r != networking.ServiceEntry_NONE && r != networking.ServiceEntry_STATIC {
		v.errorf(fmt.Sprintf("spec.addresses[%d]", cidr), CodeCIDRResolution, "",
			"CIDR address %q is allowed only with resolution NONE or STATIC, not %s", v.spec.Addresses[cidr], r)
	}
}

func (v *validator) ports() {
	v.portNames = map[string]bool{}
	numbers := map[uint32]bool{}
	for i, p := range v.spec.Ports {
		path := fmt.Sprintf("spec.ports[%d]", i)
		if p == nil {
			v.errorf(path, CodeNilPort, "", "a port may not be null")
			continue
		}
		if v.portNames[p.Name] {
			v.errorf(path+".name", CodeDuplicatePortName, "", "port name %q is already defined", p.Name)
		}
		v.portNames[p.Name] = true
		if numbers[p.Number] {
			v.errorf(path+".number", CodeDuplicatePortNumber, "", "port %d is already defined", p.Number)
		}
		numbers[p.Number] = true
		if p.TargetPort != 0 && !validPort(p.TargetPort) {
			v.errorf(path+".targetPort", CodeInvalidPort, "", "target port %d must be in the range 1..65535", p.TargetPort)
		}
		if !isDNS1123Label(p.Name) {
			v.errorf(path+".name", CodeInvalidPortName, "", "port name %q is not a DNS-1123 label", p.Name)
		}
		if p.Protocol != "" && parseProtocol(p.Protocol) == "" {
			v.errorf(path+".protocol", CodeUnknownProtocol, suggestProtocol(p.Protocol),
				"protocol %q is not one Istio knows (%s)", p.Protocol, strings.Join(protocols, ", "))
		}
		if !validPort(p.Number) {
			v.errorf(path+".number", CodeInvalidPort, "", "port number %d must be in the range 1..65535", p.Number)
		}
	}
}

func validPort(n uint32) bool { return n >= 1 && n <= 65535 }

func (v *validator) resolution() {
	s := v.spec
	switch s.Resolution {
	case networking.ServiceEntry_NONE:
		if len(s.Endpoints) != 0 {
			v.errorf("spec.endpoints", CodeEndpointsWithNone, "", "endpoints are not allowed with resolution NONE")
		}
		if s.WorkloadSelector != nil {
			v.warnf("spec.workloadSelector", CodeSelectorWithNone, "", "workloadSelector should not be set with resolution NONE")
		}
	case networking.ServiceEntry_STATIC:
		for i, e := range s.Endpoints {
			v.staticEndpoint(i, e)
		}
	case networking.ServiceEntry_DNS, networking.ServiceEntry_DNS_ROUND_ROBIN:
		v.dns()
	case networking.ServiceEntry_DYNAMIC_DNS:
		v.dynamicDNS()
	default:
		v.errorf("spec.resolution", CodeUnknownResolution, "", "resolution %d is not one Istio knows", int32(s.Resolution))
	}
}

func (v *validator) staticEndpoint(i int, e *networking.WorkloadEntry) {
	path := fmt.Sprintf("spec.endpoints[%d]", i)
	if e == nil {
		v.errorf(path, CodeInvalidEndpoint, "", "an endpoint may not be null")
		return
	}
	addr := e.Address
	if addr == "" {
		if e.Network == "" {
			v.errorf(path+".address", CodeInvalidEndpoint, "", "an endpoint needs an address")
			return
		}
		v.warnf(path+".address", CodeEndpointWithoutAddress, "", "the endpoint has no address but network %q", e.Network)
	}
	unix := strings.HasPrefix(addr, unixAddressPrefix)
	switch {
	case unix:
		if err := validateUnixAddress(strings.TrimPrefix(addr, unixAddressPrefix)); err != nil {
			v.errorf(path+".address", CodeInvalidEndpoint, "", "%v", err)
		}
		if len(e.Ports) != 0 {
			v.errorf(path+".ports", CodeInvalidEndpoint, "", "unix endpoint %s must not include ports", addr)
		}
	case addr != "" && !isValidIP(addr):
		v.errorf(path+".address", CodeInvalidEndpoint, "", "endpoint address %q is not a valid IP address", addr)
	}
	v.endpointPorts(path, e)
	v.endpointLabels(path, e)
	if unix && len(v.portNames) != 1 {
		v.errorf(path, CodeInvalidEndpoint, "", "a unix endpoint needs exactly 1 service port")
	}
}

func validateUnixAddress(addr string) error {
	if addr == "" {
		return fmt.Errorf("unix address must not be empty")
	}
	if strings.HasPrefix(addr, "@") {
		return nil // an abstract socket
	}
	if !strings.HasPrefix(addr, "/") || strings.HasSuffix(addr, "/") {
		return fmt.Errorf("%s is not an absolute path to a file", addr)
	}
	return nil
}

func (v *validator) endpointPorts(path string, e *networking.WorkloadEntry) {
	for _, name := range sortedKeys(e.Ports) {
		port := e.Ports[name]
		p := fmt.Sprintf("%s.ports[%q]", path, name)
		if !v.portNames[name] {
			v.errorf(p, CodeUndefinedEndpointPort, "", "endpoint port %q (%d) is not defined by the service entry's ports", name, port)
		}
		if !isDNS1123Label(name) {
			v.errorf(p, CodeInvalidPortName, "", "port name %q is not a DNS-1123 label", name)
		}
		if !validPort(port) {
			v.errorf(p, CodeInvalidPort, "", "port number %d must be in the range 1..65535", port)
		}
	}
}

func (v *validator) endpointLabels(path string, e *networking.WorkloadEntry) {
	for _, k := range sortedKeys(e.Labels) {
		if errs := validation.IsQualifiedName(k); len(errs) > 0 {
			v.errorf(fmt.Sprintf("%s.labels[%q]", path, k), CodeInvalidEndpoint, "", "invalid label key %q: %s", k, strings.Join(errs, "; "))
		}
		if errs := validation.IsValidLabelValue(e.Labels[k]); len(errs) > 0 {
			v.errorf(fmt.Sprintf("%s.labels[%q]", path, k), CodeInvalidEndpoint, "", "invalid label value %q: %s", e.Labels[k], strings.Join(errs, "; "))
		}
	}
}

func (v *validator) dns() {
	s := v.spec
	if len(s.Endpoints) == 0 {
		for _, h := range s.Hosts {
			if err := validateFQDN(h); err != nil {
				v.errorf("spec.resolution", CodeDNSWildcard, networking.ServiceEntry_NONE.String(),
					"with resolution %s and no endpoints every host must be a fully qualified name, and %q is not: use resolution NONE for wildcard hosts, or list the hosts (%v)", s.Resolution, h, err)
				v.errs[len(v.errs)-1].Judged = h
				break
			}
		}
	}
	if s.Resolution == networking.ServiceEntry_DNS_ROUND_ROBIN && len(s.Endpoints) > 1 {
		v.errorf("spec.resolution", CodeRoundRobinEndpoints, networking.ServiceEntry_DNS.String(),
			"resolution DNS_ROUND_ROBIN allows at most 1 endpoint, and there are %d", len(s.Endpoints))
	}
	for i, e := range s.Endpoints {
		path := fmt.Sprintf("spec.endpoints[%d]", i)
		if e == nil {
			v.errorf(path, CodeInvalidEndpoint, "", "an endpoint may not be null")
			continue
		}
		if !isValidIP(e.Address) {
			if err := validateFQDN(e.Address); err != nil {
				v.errorf(path+".address", CodeInvalidEndpoint, "", "endpoint address %q is not a valid FQDN or an IP address", e.Address)
			}
		}
		v.endpointLabels(path, e)
		v.endpointPorts(path, e)
	}
	if len(s.Addresses) > 0 && len(s.Hosts) > 1 {
		for _, p := range s.Ports {
			if p != nil && isTCP(parseProtocol(p.Protocol)) {
				v.warnf("spec.hosts", CodeMultipleHostsAddresses, "", "a ServiceEntry should not have more than one host together with addresses and a TCP port")
				break
			}
		}
	}
}

func (v *validator) dynamicDNS() {
	s := v.spec
	r := s.Resolution
	if len(s.Hosts) == 0 {
		v.errorf("spec.hosts", CodeDynamicDNS, "", "resolution %s needs at least one wildcard host", r)
	}
	for i, h := range s.Hosts {
		if !isWildcard(h) {
			v.errorf(fmt.Sprintf("spec.hosts[%d]", i), CodeDynamicDNS, "", "host %q: resolution %s needs wildcard hosts", h, r)
		}
	}
	if len(s.Addresses) != 0 {
		v.errorf("spec.addresses", CodeDynamicDNS, "", "addresses cannot be set with resolution %s: HTTP route domains come from the hosts", r)
	}
	if len(s.Endpoints) != 0 {
		v.errorf("spec.endpoints", CodeDynamicDNS, "", "endpoints cannot be set with resolution %s: the destination address comes from the hosts", r)
	}
	for i, p := range s.Ports {
		if p == nil {
			continue // reported by ports
		}
		switch parseProtocol(p.Protocol) {
		case "HTTP", "TLS", "GRPC", "HTTP2":
		default:
			v.errorf(fmt.Sprintf("spec.ports[%d]", i), CodeDynamicDNS, "", "port %d: resolution %s supports only the protocols HTTP, TLS, GRPC and HTTP2", p.Number, r)
		}
	}
	switch s.Location {
	case networking.ServiceEntry_MESH_EXTERNAL:
	case networking.ServiceEntry_MESH_INTERNAL:
		if usesWaypoint(v.se) {
			v.errorf("spec.location", CodeDynamicDNS, networking.ServiceEntry_MESH_EXTERNAL.String(), "location MESH_INTERNAL with resolution %s is not supported when the entry uses a waypoint", r)
		}
	default:
		v.errorf("spec.location", CodeDynamicDNS, networking.ServiceEntry_MESH_EXTERNAL.String(), "location must be MESH_EXTERNAL or MESH_INTERNAL with resolution %s", r)
	}
}

// usesWaypoint reports whether se binds a waypoint (istio.io/use-waypoint other than none).
func usesWaypoint(se *networkingv1.ServiceEntry) bool {
	w, ok := se.Labels[ambient.LabelUseWaypoint]
	return ok && w != "" && !strings.EqualFold(w, ambient.UseWaypointNone)
}

func (v *validator) multipleHosts() {
	s := v.spec
	if s.Resolution == networking.ServiceEntry_NONE || len(s.Hosts) <= 1 {
		return
	}
	// Without HTTP's Host header or TLS's SNI nothing tells the hosts apart, unless resolution
	// NONE makes the hosts irrelevant.
	for i, p := range s.Ports {
		if p == nil {
			continue // reported by ports
		}
		if pr := parseProtocol(p.Protocol); !isHTTP(pr) && !isTLS(pr) {
			v.errorf(fmt.Sprintf("spec.ports[%d]", i), CodeMultipleHostsOpaque, "",
				"port %d is neither HTTP nor TLS, so with %d hosts and resolution %s Istio cannot tell the hosts apart", p.Number, len(s.Hosts), s.Resolution)
			return
		}
	}
}

// exportTo follows Istio's validateExportTo for a ServiceEntry.
func (v *validator) exportTo() {
	exportTo := v.spec.ExportTo
	if len(exportTo) == 0 {
		return
	}
	ns := v.se.Namespace
	seen := map[string]bool{}
	for i, e := range exportTo {
		path := fmt.Sprintf("spec.exportTo[%d]", i)
		key := e
		if e == "." && ns != "" {
			// "." is the entry's own namespace, so that ".", ns is a duplicate. A manifest
			// without a namespace gets one when applied; "." stays valid then.
			key = ns
		}
		switch {
		case seen[key] && key != e:
			v.errorf(path, CodeInvalidExportTo, "", "duplicate entries in exportTo: . and the current namespace %s", ns)
		case seen[key]:
			v.errorf(path, CodeInvalidExportTo, "", "duplicate entries in exportTo for entry %s", e)
		case e == "~" || key == "*" || key == "." || isDNS1123Label(key):
			seen[key] = true
		default:
			v.errorf(path, CodeInvalidExportTo, "", "exportTo entry %q is not ., *, ~ or a namespace name", e)
		}
	}
	if seen["*"] && len(exportTo) > 1 {
		v.errorf("spec.exportTo", CodeInvalidExportTo, "", "exportTo cannot mix * with other entries")
	}
	if seen["~"] && len(exportTo) > 1 {
		v.errorf("spec.exportTo", CodeInvalidExportTo, "", "exportTo cannot export to no one (~) and to someone")
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
