package egress

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/ambient"
)

// istioErrors are the problems of ps that Istio's webhook rejects: the errors but the
// wildcard hosts, which Istio accepts.
func istioErrors(ps []ambient.Problem) []ambient.Problem {
	var out []ambient.Problem
	for _, p := range ps {
		if p.Severity == ambient.Error && p.Code != CodeWildcardHost {
			out = append(out, p)
		}
	}
	return out
}

// warnings are the problems of ps that Istio accepts with a warning.
func warnings(ps []ambient.Problem) []ambient.Problem {
	var out []ambient.Problem
	for _, p := range ps {
		if p.Severity == ambient.Warning {
			out = append(out, p)
		}
	}
	return out
}

// indexes returns the list indexes in the paths of the problems with code, such as 3 for
// spec.hosts[3].
func indexes(ps []ambient.Problem, code ambient.Code) []int {
	var out []int
	for _, p := range ps {
		var field string
		var i int
		if p.Code == code {
			if _, err := fmt.Sscanf(p.Path, "spec.%5s[%d]", &field, &i); err == nil {
				out = append(out, i)
			}
		}
	}
	return out
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name     string
		manifest string
		want     []ambient.Problem
	}{
		{name: "the seed post's entry is valid", manifest: seedManifest},
		{
			name: "a wildcard host with resolution NONE is valid",
			manifest: entry(`
  hosts: ["*.vendor.example"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE`),
		},
		{
			name: "a wildcard host with DNS resolution and an endpoint is valid",
			manifest: entry(`
  hosts: ["*.vendor.example"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
  endpoints: [{address: egress.vendor.example}]`),
		},
		{
			name: "lower-case protocols and a trailing dot are valid, as in Istio",
			manifest: entry(`
  hosts: [api.vendor.example.]
  ports: [{number: 443, name: https, protocol: https}]
  resolution: DNS`),
		},
		{
			name: "a partial wildcard in the first label is only a warning",
			manifest: entry(`
  hosts: ["*vendor.example"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE`),
		},
		{
			name: "CIDR addresses with STATIC resolution are valid",
			manifest: entry(`
  hosts: [db.vendor.example]
  addresses: [10.0.0.0/24]
  ports: [{number: 5432, name: tcp, protocol: TCP}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.5}]`),
		},
		{
			name: "DNS_ROUND_ROBIN with one endpoint is valid",
			manifest: entry(`
  hosts: [api.vendor.example]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS_ROUND_ROBIN
  endpoints: [{address: lb.vendor.example}]`),
		},
		{
			name: "several hosts on HTTP and TLS ports are valid",
			manifest: entry(`
  hosts: [a.vendor.example, b.vendor.example]
  ports: [{number: 443, name: tls, protocol: TLS}, {number: 80, name: http, protocol: HTTP}]
  resolution: DNS`),
		},
		{
			name: "an entry without hosts is rejected",
			manifest: entry(`
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE`),
			want: []ambient.Problem{{Path: "spec.hosts", Code: CodeNoHosts, Message: "a ServiceEntry must have at least one host"}},
		},
		{
			name: "the host * is rejected",
			manifest: entry(`
  hosts: ["*"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE`),
			want: []ambient.Problem{{Path: "spec.hosts[0]", Code: CodeHostStar, Message: `the host "*" is not allowed: it would claim all traffic; list the hosts`}},
		},
		{
			name: "a wildcard in a later label is rejected",
			manifest: entry(`
  hosts: [api.vendor.example, "api.*.example"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE`),
			want: []ambient.Problem{{
				Path: "spec.hosts[1]", Code: CodeMisplacedWildcard,
				Message: `host "api.*.example": a wildcard is allowed only at the start of the first label, as in *.example.com (domain name "*.example" invalid (label "*" invalid))`,
			}},
		},
		{
			name: "a wildcard at the end of the first label is rejected",
			manifest: entry(`
  hosts: ["api*.vendor.example"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE`),
			want: []ambient.Problem{{
				Path: "spec.hosts[0]", Code: CodeMisplacedWildcard,
				Message: `host "api*.vendor.example": a wildcard is allowed only at the start of the first label, as in *.example.com (domain name "api*.vendor.example" invalid (label "api*" invalid))`,
			}},
		},
		{
			name: "a host with an underscore is rejected",
			manifest: entry(`
  hosts: [api_v1.vendor.example]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE`),
			want: []ambient.Problem{{
				Path: "spec.hosts[0]", Code: CodeInvalidHost,
				Message: `host "api_v1.vendor.example" is not a valid domain name: domain name "api_v1.vendor.example" invalid (label "api_v1" invalid)`,
			}},
		},
		{
			name: "a wildcard host with DNS resolution and no endpoints is rejected",
			manifest: entry(`
  hosts: [api.vendor.example, "*.vendor.example"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS`),
			want: []ambient.Problem{{
				Path: "spec.resolution", Code: CodeDNSWildcard, Suggest: "NONE", Judged: "*.vendor.example",
				Message: `with resolution DNS and no endpoints every host must be a fully qualified name, and "*.vendor.example" is not: use resolution NONE for wildcard hosts, or list the hosts (domain name "*.vendor.example" invalid (label "*" invalid))`,
			}},
		},
		{
			name: "a wildcard host with DNS_ROUND_ROBIN and no endpoints is rejected",
			manifest: entry(`
  hosts: ["*.vendor.example"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS_ROUND_ROBIN`),
			want: []ambient.Problem{{
				Path: "spec.resolution", Code: CodeDNSWildcard, Suggest: "NONE", Judged: "*.vendor.example",
				Message: `with resolution DNS_ROUND_ROBIN and no endpoints every host must be a fully qualified name, and "*.vendor.example" is not: use resolution NONE for wildcard hosts, or list the hosts (domain name "*.vendor.example" invalid (label "*" invalid))`,
			}},
		},
		{
			name: "CIDR addresses with DNS resolution are rejected",
			manifest: entry(`
  hosts: [db.vendor.example]
  addresses: [192.0.2.10, 10.0.0.0/24]
  ports: [{number: 5432, name: tcp, protocol: TCP}]
  resolution: DNS`),
			want: []ambient.Problem{{
				Path: "spec.addresses[1]", Code: CodeCIDRResolution,
				Message: `CIDR address "10.0.0.0/24" is allowed only with resolution NONE or STATIC, not DNS`,
			}},
		},
		{
			name: "an address that is no IP is rejected",
			manifest: entry(`
  hosts: [db.vendor.example]
  addresses: [db.vendor.example, 10.0.0.0/33]
  ports: [{number: 5432, name: tcp, protocol: TCP}]
  resolution: NONE`),
			want: []ambient.Problem{
				{Path: "spec.addresses[0]", Code: CodeInvalidAddress, Message: "db.vendor.example is not a valid IP"},
				{Path: "spec.addresses[1]", Code: CodeInvalidAddress, Message: "10.0.0.0/33 is not a valid CIDR block"},
			},
		},
		{
			name: "duplicate port names and numbers are rejected",
			manifest: entry(`
  hosts: [api.vendor.example]
  ports: [{number: 443, name: tls, protocol: TLS}, {number: 443, name: tls, protocol: TLS}]
  resolution: DNS`),
			want: []ambient.Problem{
				{Path: "spec.ports[1].name", Code: CodeDuplicatePortName, Message: `port name "tls" is already defined`},
				{Path: "spec.ports[1].number", Code: CodeDuplicatePortNumber, Message: "port 443 is already defined"},
			},
		},
		{
			name: "an unknown protocol is rejected with the nearest known one",
			manifest: entry(`
  hosts: [api.vendor.example]
  ports: [{number: 443, name: tls, protocol: TSL}]
  resolution: DNS`),
			want: []ambient.Problem{{
				Path: "spec.ports[0].protocol", Code: CodeUnknownProtocol, Suggest: "TLS",
				Message: `protocol "TSL" is not one Istio knows (GRPC, GRPC-Web, HTTP, HTTP_PROXY, HTTP2, HTTPS, Mongo, MySQL, Redis, TCP, TLS, UDP)`,
			}},
		},
		{
			name: "HBONE is not a protocol a ServiceEntry may declare",
			manifest: entry(`
  hosts: [api.vendor.example]
  ports: [{number: 15008, name: hbone, protocol: HBONE}]
  resolution: DNS`),
			want: []ambient.Problem{{
				Path: "spec.ports[0].protocol", Code: CodeUnknownProtocol,
				Message: `protocol "HBONE" is not one Istio knows (GRPC, GRPC-Web, HTTP, HTTP_PROXY, HTTP2, HTTPS, Mongo, MySQL, Redis, TCP, TLS, UDP)`,
			}},
		},
		{
			name: "a port without a name, out of range, with a bad target port is rejected",
			manifest: entry(`
  hosts: [api.vendor.example]
  ports: [{number: 70000, protocol: TLS, targetPort: 70000}]
  resolution: DNS`),
			want: []ambient.Problem{
				{Path: "spec.ports[0].targetPort", Code: CodeInvalidPort, Message: "target port 70000 must be in the range 1..65535"},
				{Path: "spec.ports[0].name", Code: CodeInvalidPortName, Message: `port name "" is not a DNS-1123 label`},
				{Path: "spec.ports[0].number", Code: CodeInvalidPort, Message: "port number 70000 must be in the range 1..65535"},
			},
		},
		{
			name: "DNS_ROUND_ROBIN with two endpoints is rejected",
			manifest: entry(`
  hosts: [api.vendor.example]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS_ROUND_ROBIN
  endpoints: [{address: a.vendor.example}, {address: b.vendor.example}]`),
			want: []ambient.Problem{{
				Path: "spec.resolution", Code: CodeRoundRobinEndpoints, Suggest: "DNS",
				Message: "resolution DNS_ROUND_ROBIN allows at most 1 endpoint, and there are 2",
			}},
		},
		{
			name: "a workloadSelector with endpoints is rejected",
			manifest: entry(`
  hosts: [api.internal.example]
  ports: [{number: 8080, name: http, protocol: HTTP}]
  resolution: STATIC
  workloadSelector: {labels: {app: api}}
  endpoints: [{address: 10.0.0.5}]`),
			want: []ambient.Problem{{Path: "spec.workloadSelector", Code: CodeSelectorWithEndpoints, Message: "only one of workloadSelector or endpoints may be set"}},
		},
		{
			name: "a workloadSelector with a wildcard is rejected",
			manifest: entry(`
  hosts: [api.internal.example]
  ports: [{number: 8080, name: http, protocol: HTTP}]
  resolution: STATIC
  workloadSelector: {labels: {app: "api-*"}}`),
			want: []ambient.Problem{{Path: `spec.workloadSelector.labels["app"]`, Code: CodeInvalidSelector, Message: `a wildcard is not supported in a workload selector: "app=api-*"`}},
		},
		{
			name: "endpoints with resolution NONE are rejected",
			manifest: entry(`
  hosts: [api.vendor.example]
  ports: [{number: 443, name: tls, protocol: TLS}]
  endpoints: [{address: 192.0.2.1}]`),
			want: []ambient.Problem{{Path: "spec.endpoints", Code: CodeEndpointsWithNone, Message: "endpoints are not allowed with resolution NONE"}},
		},
		{
			name: "a STATIC endpoint with a host name and an undefined port is rejected",
			manifest: entry(`
  hosts: [api.vendor.example]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: STATIC
  endpoints: [{address: lb.vendor.example, ports: {https: 8443}}]`),
			want: []ambient.Problem{
				{Path: "spec.endpoints[0].address", Code: CodeInvalidEndpoint, Message: `endpoint address "lb.vendor.example" is not a valid IP address`},
				{Path: `spec.endpoints[0].ports["https"]`, Code: CodeUndefinedEndpointPort, Message: `endpoint port "https" (8443) is not defined by the service entry's ports`},
			},
		},
		{
			name: "a STATIC endpoint without an address is rejected",
			manifest: entry(`
  hosts: [api.vendor.example]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: STATIC
  endpoints: [{labels: {app: x}}]`),
			want: []ambient.Problem{{Path: "spec.endpoints[0].address", Code: CodeInvalidEndpoint, Message: "an endpoint needs an address"}},
		},
		{
			name: "a DNS endpoint that is neither FQDN nor IP is rejected",
			manifest: entry(`
  hosts: [api.vendor.example]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
  endpoints: [{address: "lb_1.vendor.example"}]`),
			want: []ambient.Problem{{Path: "spec.endpoints[0].address", Code: CodeInvalidEndpoint, Message: `endpoint address "lb_1.vendor.example" is not a valid FQDN or an IP address`}},
		},
		{
			name: "several hosts on a TCP port with DNS resolution are rejected",
			manifest: entry(`
  hosts: [a.vendor.example, b.vendor.example]
  ports: [{number: 443, name: tls, protocol: TLS}, {number: 5432, name: pg, protocol: TCP}]
  resolution: DNS`),
			want: []ambient.Problem{{
				Path: "spec.ports[1]", Code: CodeMultipleHostsOpaque,
				Message: "port 5432 is neither HTTP nor TLS, so with 2 hosts and resolution DNS Istio cannot tell the hosts apart",
			}},
		},
		{
			name: "DYNAMIC_DNS needs wildcard hosts and supports few protocols",
			manifest: entry(`
  hosts: [api.vendor.example]
  ports: [{number: 5432, name: pg, protocol: TCP}]
  resolution: DYNAMIC_DNS`),
			want: []ambient.Problem{
				{Path: "spec.hosts[0]", Code: CodeDynamicDNS, Message: `host "api.vendor.example": resolution DYNAMIC_DNS needs wildcard hosts`},
				{Path: "spec.ports[0]", Code: CodeDynamicDNS, Message: "port 5432: resolution DYNAMIC_DNS supports only the protocols HTTP, TLS, GRPC and HTTP2"},
			},
		},
		{
			name: "DYNAMIC_DNS with wildcard TLS hosts is valid",
			manifest: entry(`
  hosts: ["*.vendor.example"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DYNAMIC_DNS`),
		},
		{
			name: "DYNAMIC_DNS inside the mesh through a waypoint is rejected",
			manifest: `
metadata:
  name: e
  namespace: example-api
  labels: {istio.io/use-waypoint: egress}
spec:
  hosts: ["*.vendor.example"]
  location: MESH_INTERNAL
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DYNAMIC_DNS`,
			want: []ambient.Problem{{
				Path: "spec.location", Code: CodeDynamicDNS, Suggest: "MESH_EXTERNAL",
				Message: "location MESH_INTERNAL with resolution DYNAMIC_DNS is not supported when the entry uses a waypoint",
			}},
		},
		{
			name: "duplicate and mixed exportTo entries are rejected",
			manifest: entry(`
  hosts: [api.vendor.example]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
  exportTo: [example-api, ".", "*"]`),
			want: []ambient.Problem{
				{Path: "spec.exportTo[1]", Code: CodeInvalidExportTo, Message: "duplicate entries in exportTo: . and the current namespace example-api"},
				{Path: "spec.exportTo", Code: CodeInvalidExportTo, Message: "exportTo cannot mix * with other entries"},
			},
		},
		{
			name: "exportTo . and ~ are fine alone",
			manifest: entry(`
  hosts: [api.vendor.example]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
  exportTo: ["~"]`),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := istioErrors(Validate(parse(t, tt.manifest)))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate's errors (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("a nil ServiceEntry is one problem", func(t *testing.T) {
		want := []ambient.Problem{{Code: CodeNilServiceEntry, Message: "no ServiceEntry to check"}}
		if diff := cmp.Diff(want, Validate(nil)); diff != "" {
			t.Errorf("Validate(nil) (-want +got):\n%s", diff)
		}
	})
}

func TestValidateWarns(t *testing.T) {
	tests := []struct {
		name     string
		manifest string
		want     []ambient.Problem
	}{
		{name: "the seed post's entry has none", manifest: seedManifest},
		{
			name: "a partial wildcard warns",
			manifest: entry(`
  hosts: ["*vendor.example"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE`),
			want: []ambient.Problem{{Severity: ambient.Warning, Path: "spec.hosts[0]", Code: CodePartialWildcard, Message: `host "*vendor.example": a partial wildcard is not allowed; use a whole first label, as in *.example.com`}},
		},
		{
			name: "a TCP port with resolution NONE and no addresses warns",
			manifest: entry(`
  hosts: ["*.db.vendor.example"]
  ports: [{number: 5432, name: pg, protocol: TCP}]
  resolution: NONE`),
			want: []ambient.Problem{{Severity: ambient.Warning,
				Path: "spec.ports[0]", Code: CodeNeedsAddresses,
				Message: "port 5432 serves TCP (or no protocol) but the entry has no addresses and Istio allocates none, so its traffic cannot be told apart from other TCP traffic on the port",
			}},
		},
		{
			name: "a workload selector without labels warns",
			manifest: entry(`
  hosts: [api.internal.example]
  ports: [{number: 8080, name: http, protocol: HTTP}]
  resolution: STATIC
  workloadSelector: {}`),
			want: []ambient.Problem{{Severity: ambient.Warning, Path: "spec.workloadSelector", Code: CodeSelectorWithoutLabels, Message: "the workload selector has no labels, so the entry applies to every workload in the namespace"}},
		},
		{
			name: "several hosts with addresses and a TCP port warn",
			manifest: entry(`
  hosts: [a.vendor.example, b.vendor.example]
  addresses: [192.0.2.1]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS`),
			want: []ambient.Problem{{Severity: ambient.Warning, Path: "spec.hosts", Code: CodeMultipleHostsAddresses, Message: "a ServiceEntry should not have more than one host together with addresses and a TCP port"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := warnings(Validate(parse(t, tt.manifest)))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate's warnings (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("a nil ServiceEntry has none", func(t *testing.T) {
		if got := warnings(Validate(nil)); got != nil {
			t.Errorf("Validate(nil)'s warnings = %v", got)
		}
	})
}

func TestValidateReportsPortsThatNeedAddresses(t *testing.T) {
	tests := []struct {
		name     string
		manifest string
		want     []int
	}{
		{name: "a TLS port needs none", manifest: seedManifest},
		{
			name: "TCP and protocol-less ports with resolution NONE need addresses",
			manifest: entry(`
  hosts: [db.vendor.example]
  ports: [{number: 443, name: tls, protocol: TLS}, {number: 5432, name: pg, protocol: TCP}, {number: 6379, name: redis-raw}, {number: 27017, name: mongo, protocol: tcp}]
  resolution: NONE`),
			want: []int{1, 2, 3},
		},
		{
			name: "with resolution DNS Istio allocates addresses, so none are needed",
			manifest: entry(`
  hosts: [db.vendor.example]
  ports: [{number: 5432, name: pg, protocol: TCP}]
  resolution: DNS`),
		},
		{
			name: "opting out of auto-allocation makes DNS entries need addresses",
			manifest: `
metadata:
  name: e
  labels: {networking.istio.io/enable-autoallocate-ip: "False"}
spec:
  hosts: [db.vendor.example]
  ports: [{number: 5432, name: pg, protocol: TCP}]
  resolution: DNS`,
			want: []int{0},
		},
		{
			name: "addresses satisfy every port",
			manifest: entry(`
  hosts: [db.vendor.example]
  addresses: [192.0.2.10]
  ports: [{number: 5432, name: pg, protocol: TCP}]
  resolution: NONE`),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, indexes(Validate(parse(t, tt.manifest)), CodeNeedsAddresses)); diff != "" {
				t.Errorf("ports with %s (-want +got):\n%s", CodeNeedsAddresses, diff)
			}
		})
	}

}

func TestValidateNilEntries(t *testing.T) {
	tests := []struct {
		name       string
		resolution string
		want       []ambient.Problem
	}{
		{
			name: "null ports and endpoints with STATIC resolution are reported, not a panic", resolution: "STATIC",
			want: []ambient.Problem{
				{Path: "spec.ports[0]", Code: CodeNilPort, Message: "a port may not be null"},
				{Path: "spec.endpoints[0]", Code: CodeInvalidEndpoint, Message: "an endpoint may not be null"},
			},
		},
		{
			name: "null ports and endpoints with DNS resolution are reported, not a panic", resolution: "DNS",
			want: []ambient.Problem{
				{Path: "spec.ports[0]", Code: CodeNilPort, Message: "a port may not be null"},
				{Path: "spec.endpoints[0]", Code: CodeInvalidEndpoint, Message: "an endpoint may not be null"},
			},
		},
		{
			name: "null ports with DYNAMIC_DNS resolution are reported once", resolution: "DYNAMIC_DNS",
			want: []ambient.Problem{
				{Path: "spec.ports[0]", Code: CodeNilPort, Message: "a port may not be null"},
				{Path: "spec.endpoints", Code: CodeDynamicDNS, Message: "endpoints cannot be set with resolution DYNAMIC_DNS: the destination address comes from the hosts"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			se := parse(t, entry(`
  hosts: ["*.vendor.example"]
  resolution: `+tt.resolution))
			if tt.resolution != "DYNAMIC_DNS" {
				se.Spec.Hosts = []string{"api.vendor.example"}
			}
			se.Spec.Ports = append(se.Spec.Ports, nil)
			se.Spec.Endpoints = append(se.Spec.Endpoints, nil)
			if diff := cmp.Diff(tt.want, istioErrors(Validate(se))); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateExportTo(t *testing.T) {
	tests := []struct {
		name     string
		exportTo string
		want     []ambient.Problem
	}{
		{name: "the own namespace and another are fine", exportTo: `[".", shop]`},
		{name: "a namespace listed twice is a duplicate", exportTo: `[shop, shop]`, want: []ambient.Problem{
			{Path: "spec.exportTo[1]", Code: CodeInvalidExportTo, Message: "duplicate entries in exportTo for entry shop"},
		}},
		{name: "an entry that is no namespace name is rejected", exportTo: `[Shop_1]`, want: []ambient.Problem{
			{Path: "spec.exportTo[0]", Code: CodeInvalidExportTo, Message: `exportTo entry "Shop_1" is not ., *, ~ or a namespace name`},
		}},
		{name: "~ with another entry is rejected", exportTo: `["~", shop]`, want: []ambient.Problem{
			{Path: "spec.exportTo", Code: CodeInvalidExportTo, Message: "exportTo cannot export to no one (~) and to someone"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			se := parse(t, entry(`
  hosts: [api.vendor.example]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
  exportTo: `+tt.exportTo))
			if diff := cmp.Diff(tt.want, istioErrors(Validate(se))); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("exportTo . is fine in a manifest without a namespace", func(t *testing.T) {
		se := parse(t, `
spec:
  hosts: [api.vendor.example]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
  exportTo: ["."]`)
		if got := Validate(se); got != nil {
			t.Errorf("Validate = %v, want no problems", got)
		}
	})
}

// Validate reports every problem ambientlint and ambientvet report for an entry, not only
// Istio's rejections: a wildcard host with DNS resolution is both an entry Istio rejects and
// a wildcard, and a TCP port without addresses is a warning beside them.
func TestValidateReportsEveryProblem(t *testing.T) {
	se := parse(t, entry(`
  hosts: ["*.vendor.example"]
  ports: [{number: 5432, name: pg, protocol: TCP}]
  resolution: DNS`))
	var got []string
	for _, p := range Validate(se) {
		got = append(got, fmt.Sprintf("%s %s %s", p.Severity, p.Code, p.Path))
	}
	want := []string{
		"error dns-host-not-fqdn spec.resolution",
		"error wildcard-host spec.hosts[0]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Validate (-want +got):\n%s", diff)
	}
	t.Run("AllowWildcard leaves the wildcard unreported", func(t *testing.T) {
		for _, p := range Validate(se, AllowWildcard()) {
			if p.Code == CodeWildcardHost {
				t.Errorf("Validate(AllowWildcard()) reports %+v", p)
			}
		}
	})
	t.Run("a TCP port without addresses is a warning after the errors", func(t *testing.T) {
		se := parse(t, entry(`
  hosts: ["*.db.vendor.example"]
  ports: [{number: 5432, name: pg, protocol: TCP}]
  resolution: NONE`))
		var got []string
		for _, p := range Validate(se) {
			got = append(got, fmt.Sprintf("%s %s %s", p.Severity, p.Code, p.Path))
		}
		want := []string{"error wildcard-host spec.hosts[0]", "warning needs-addresses spec.ports[0]"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Validate (-want +got):\n%s", diff)
		}
	})
}
