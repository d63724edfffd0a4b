package ambient

import (
	"testing"

	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
)

// TestSchemeKnowsClientGoKinds guards the list of Kubernetes groups in scheme.go, which
// mirrors client-go's own scheme: a group client-go adds in a later release must be added
// there too.
func TestSchemeKnowsClientGoKinds(t *testing.T) {
	s, err := scheme()
	if err != nil {
		t.Fatal(err)
	}
	for gvk := range clientgoscheme.Scheme.AllKnownTypes() {
		if !s.Recognizes(gvk) {
			t.Errorf("the scheme does not know %s, which client-go's scheme knows", gvk)
		}
	}
}
