// Package v1 is a stub of sigs.k8s.io/gateway-api/apis/v1 for the analyzer's tests.
package v1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

type (
	ObjectName   string
	SectionName  string
	PortNumber   int32
	ProtocolType string
)

const HTTPProtocolType ProtocolType = "HTTP"

type Gateway struct {
	metav1.TypeMeta
	metav1.ObjectMeta
	Spec GatewaySpec
}

type GatewaySpec struct {
	GatewayClassName ObjectName
	Listeners        []Listener
}

type Listener struct {
	Name          SectionName
	Port          PortNumber
	Protocol      ProtocolType
	AllowedRoutes *AllowedRoutes
}

type AllowedRoutes struct{}
