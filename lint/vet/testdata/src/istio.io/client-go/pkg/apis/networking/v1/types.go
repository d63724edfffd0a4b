// Package v1 is a stub of istio.io/client-go/pkg/apis/networking/v1 for the analyzer's tests.
package v1

import (
	"istio.io/api/networking/v1alpha3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type ServiceEntry struct {
	metav1.TypeMeta
	metav1.ObjectMeta
	Spec v1alpha3.ServiceEntry
}
