package ambient

import (
	"reflect"
	"strings"
	"testing"

	istioscheme "istio.io/client-go/pkg/clientset/versioned/scheme"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	gatewayscheme "sigs.k8s.io/gateway-api/pkg/client/clientset/versioned/scheme"
)

// TestTypeKindAgreesWithTheSchemes checks the derivation of apiVersion and kind from a Go
// type's package against the schemes of client-go, Istio's client-go and Gateway API: every
// kind they register must come out as they register it.
func TestTypeKindAgreesWithTheSchemes(t *testing.T) {
	for name, s := range map[string]*runtime.Scheme{
		"client-go":   clientgoscheme.Scheme,
		"istio":       istioscheme.Scheme,
		"gateway-api": gatewayscheme.Scheme,
	} {
		checked := 0
		for gvk, typ := range s.AllKnownTypes() {
			if !apiPackage(typ.PkgPath()) || typ.Name() != gvk.Kind {
				continue // metav1's shared kinds (Status, WatchEvent, …) and renamed kinds
			}
			obj, ok := reflect.New(typ).Interface().(runtime.Object)
			if !ok {
				continue
			}
			checked++
			got, ok := typeKind(obj)
			if !ok || got != gvk {
				t.Errorf("%s: %s gives %v (%v), want %v", name, typ, got, ok, gvk)
			}
		}
		if checked == 0 {
			t.Errorf("%s: no kind checked", name)
		}
	}
}

func apiPackage(path string) bool {
	for _, p := range []string{k8sAPIPrefix, istioAPIPrefix, gatewayAPIPrefix} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

func TestTypeKindRejectsOtherTypes(t *testing.T) {
	if gvk, ok := typeKind(&runtime.Unknown{}); ok {
		t.Errorf("typeKind(runtime.Unknown) = %v, want none", gvk)
	}
}
