// Package allowwildcards is checked with -allow-wildcards=*.allowed.example.
package allowwildcards

import "istio.io/api/networking/v1alpha3"

var allowed = v1alpha3.ServiceEntry{Hosts: []string{"*.allowed.example", "*.other.example"}} // want `AMB301: ServiceEntry has wildcard host "\*.other.example"`
