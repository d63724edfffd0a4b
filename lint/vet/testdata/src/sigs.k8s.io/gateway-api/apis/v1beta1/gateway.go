// Package v1beta1 is a stub of sigs.k8s.io/gateway-api/apis/v1beta1 for the analyzer's tests.
package v1beta1

import v1 "sigs.k8s.io/gateway-api/apis/v1"

type Gateway v1.Gateway

type (
	GatewaySpec = v1.GatewaySpec
	Listener    = v1.Listener
)
