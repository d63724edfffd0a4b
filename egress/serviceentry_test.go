package egress

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name      string
		namespace string
		seName    string
		hosts     []string
		ports     []Port
		opts      []Option
		want      string // manifest
	}{
		{
			name: "the seed post's entry", namespace: "example-api", seName: "example-vendor-api",
			hosts: []string{"api.vendor.example"}, ports: []Port{{Number: 443, Name: "tls", Protocol: "TLS"}},
			want: seedManifest,
		},
		{
			name: "several hosts on HTTPS and HTTP keep their order", namespace: "shop", seName: "payments",
			hosts: []string{"api.pay.example", "hooks.pay.example"},
			ports: []Port{{Number: 443, Name: "https", Protocol: "HTTPS"}, {Number: 80, Name: "http", Protocol: "http"}},
			want: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: payments, namespace: shop}
spec:
  hosts: [api.pay.example, hooks.pay.example]
  location: MESH_EXTERNAL
  ports: [{number: 443, name: https, protocol: HTTPS}, {number: 80, name: http, protocol: http}]
  resolution: DNS`,
		},
		{
			name: "a port without protocol is left to Istio's sniffing", namespace: "shop", seName: "vendor",
			hosts: []string{"api.vendor.example"}, ports: []Port{{Number: 8443, Name: "api"}},
			want: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vendor, namespace: shop}
spec:
  hosts: [api.vendor.example]
  location: MESH_EXTERNAL
  ports: [{number: 8443, name: api}]
  resolution: DNS`,
		},
		{
			name: "an allowed wildcard host gets resolution NONE", namespace: "shop", seName: "vendor-all",
			hosts: []string{"*.vendor.example"}, ports: []Port{{Number: 443, Name: "tls", Protocol: "TLS"}},
			opts: []Option{AllowWildcard()},
			want: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vendor-all, namespace: shop}
spec:
  hosts: ["*.vendor.example"]
  location: MESH_EXTERNAL
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE`,
		},
		{
			name: "a dotted name is a valid object name", namespace: "shop", seName: "api.vendor.example",
			hosts: []string{"api.vendor.example"}, ports: []Port{{Number: 443, Name: "tls", Protocol: "TLS"}},
			opts: []Option{nil},
			want: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api.vendor.example, namespace: shop}
spec:
  hosts: [api.vendor.example]
  location: MESH_EXTERNAL
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New(tt.namespace, tt.seName, tt.hosts, tt.ports, tt.opts...)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			want := parse(t, tt.want)
			if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
				t.Errorf("New (-want +got):\n%s", diff)
			}
			if probs := Validate(got, tt.opts...); len(probs) > 0 {
				t.Errorf("Validate(New(...), opts...) = %v, want no problems", probs)
			}
		})
	}
}

func TestNewCopiesHosts(t *testing.T) {
	hosts := []string{"api.vendor.example"}
	se, err := New("ns", "e", hosts, []Port{{Number: 443, Name: "tls", Protocol: "TLS"}})
	if err != nil {
		t.Fatal(err)
	}
	hosts[0] = "changed.example"
	if got := se.Spec.Hosts[0]; got != "api.vendor.example" {
		t.Errorf("the entry's host changed with the caller's slice: %q", got)
	}
}

func TestNewRejects(t *testing.T) {
	tls := []Port{{Number: 443, Name: "tls", Protocol: "TLS"}}
	api := []string{"api.vendor.example"}
	tests := []struct {
		name      string
		namespace string
		seName    string
		hosts     []string
		ports     []Port
		opts      []Option
		wantIn    string // a part of the error message
	}{
		{name: "an empty namespace", seName: "e", hosts: api, ports: tls, wantIn: "empty namespace"},
		{name: "an empty name", namespace: "ns", hosts: api, ports: tls, wantIn: "empty name"},
		{name: "a namespace with upper case", namespace: "Shop", seName: "e", hosts: api, ports: tls, wantIn: `namespace "Shop"`},
		{name: "a name with an underscore", namespace: "ns", seName: "vendor_api", hosts: api, ports: tls, wantIn: `name "vendor_api"`},
		{name: "no hosts", namespace: "ns", seName: "e", ports: tls, wantIn: "no hosts"},
		{name: "an empty host", namespace: "ns", seName: "e", hosts: []string{""}, ports: tls, wantIn: "empty domain name"},
		{name: "a host with an underscore", namespace: "ns", seName: "e", hosts: []string{"api_v1.vendor.example"}, ports: tls, wantIn: `label "api_v1" invalid`},
		{name: "an all-numeric top-level domain", namespace: "ns", seName: "e", hosts: []string{"192.0.2.1"}, ports: tls, wantIn: "all-numeric"},
		{name: "the host *", namespace: "ns", seName: "e", hosts: []string{"*"}, ports: tls, opts: []Option{AllowWildcard()}, wantIn: `the host "*"`},
		{name: "a wildcard host without AllowWildcard", namespace: "ns", seName: "e", hosts: []string{"*.vendor.example"}, ports: tls, wantIn: "needs the AllowWildcard option"},
		{name: "a partial wildcard even with AllowWildcard", namespace: "ns", seName: "e", hosts: []string{"*api.vendor.example"}, ports: tls, opts: []Option{AllowWildcard()}, wantIn: "whole first label"},
		{name: "a wildcard in a later label", namespace: "ns", seName: "e", hosts: []string{"api.*.example"}, ports: tls, opts: []Option{AllowWildcard()}, wantIn: `label "*" invalid`},
		{name: "a host listed twice", namespace: "ns", seName: "e", hosts: []string{"api.vendor.example", "API.vendor.example"}, ports: tls, wantIn: "listed twice"},
		{name: "no ports", namespace: "ns", seName: "e", hosts: api, wantIn: "no ports"},
		{name: "port 0", namespace: "ns", seName: "e", hosts: api, ports: []Port{{Number: 0, Name: "tls", Protocol: "TLS"}}, wantIn: "number 0 is not in 1..65535"},
		{name: "port 65536", namespace: "ns", seName: "e", hosts: api, ports: []Port{{Number: 65536, Name: "tls", Protocol: "TLS"}}, wantIn: "number 65536"},
		{name: "a port without a name", namespace: "ns", seName: "e", hosts: api, ports: []Port{{Number: 443, Protocol: "TLS"}}, wantIn: "ports[0]: empty name"},
		{name: "a port name with a dot", namespace: "ns", seName: "e", hosts: api, ports: []Port{{Number: 443, Name: "tls.1", Protocol: "TLS"}}, wantIn: "not a DNS-1123 label"},
		{name: "an unknown protocol", namespace: "ns", seName: "e", hosts: api, ports: []Port{{Number: 443, Name: "tls", Protocol: "SSL"}}, wantIn: `protocol "SSL"`},
		{name: "a duplicate port name", namespace: "ns", seName: "e", hosts: api, ports: []Port{{Number: 443, Name: "tls", Protocol: "TLS"}, {Number: 8443, Name: "tls", Protocol: "TLS"}}, wantIn: `name "tls" is used twice`},
		{name: "a duplicate port number", namespace: "ns", seName: "e", hosts: api, ports: []Port{{Number: 443, Name: "tls", Protocol: "TLS"}, {Number: 443, Name: "https", Protocol: "HTTPS"}}, wantIn: "number 443 is used twice"},
		{name: "several hosts on a TCP port", namespace: "ns", seName: "e", hosts: []string{"a.vendor.example", "b.vendor.example"}, ports: []Port{{Number: 5432, Name: "pg", Protocol: "TCP"}}, wantIn: "cannot tell the hosts apart"},
	}
	for _, tt := range tests {
		t.Run("New refuses "+tt.name, func(t *testing.T) {
			se, err := New(tt.namespace, tt.seName, tt.hosts, tt.ports, tt.opts...)
			if err == nil {
				t.Fatalf("New = %v, want an error", se)
			}
			if se != nil {
				t.Error("New returned a ServiceEntry with its error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %q does not mention %q", err, tt.wantIn)
			}
		})
	}
}

func TestNewReportsEveryProblem(t *testing.T) {
	_, err := New("ns", "e", []string{"*.vendor.example", "api_v1.vendor.example"}, []Port{{Number: 0, Name: "tls", Protocol: "SSL"}})
	if err == nil {
		t.Fatal("New accepted bad input")
	}
	want := `ServiceEntry ns/e: invalid ServiceEntry input: hosts[0]: wildcard host "*.vendor.example" needs the AllowWildcard option
invalid ServiceEntry input: hosts[1]: domain name "api_v1.vendor.example" invalid (label "api_v1" invalid)
invalid ServiceEntry input: ports[0]: number 0 is not in 1..65535
invalid ServiceEntry input: ports[0]: protocol "SSL" is not one Istio knows (GRPC, GRPC-Web, HTTP, HTTP_PROXY, HTTP2, HTTPS, Mongo, MySQL, Redis, TCP, TLS, UDP)`
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}
