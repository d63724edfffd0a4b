// Package v1 is a stub of istio.io/api/networking/v1 for the analyzer's tests.
package v1

import "istio.io/api/networking/v1alpha3"

type (
	ServiceEntry = v1alpha3.ServiceEntry
	ServicePort  = v1alpha3.ServicePort
)

const ServiceEntry_DNS = v1alpha3.ServiceEntry_DNS
