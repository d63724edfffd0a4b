package waypoint_test

import (
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/waypoint"
)

// A service-scoped waypoint, as `istioctl waypoint generate --for service` writes it.
func ExampleNew() {
	gw, err := waypoint.New("example-api", "example-api-waypoint", waypoint.For(ambient.WaypointForService))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := ambient.WriteYAML(os.Stdout, gw); err != nil {
		fmt.Println(err)
	}
	// Output:
	// apiVersion: gateway.networking.k8s.io/v1
	// kind: Gateway
	// metadata:
	//   name: example-api-waypoint
	//   namespace: example-api
	//   labels:
	//     istio.io/waypoint-for: service
	// spec:
	//   gatewayClassName: istio-waypoint
	//   listeners:
	//     - name: mesh
	//       port: 15008
	//       protocol: HBONE
}

// A waypoint in a shared namespace that every namespace may bind.
func ExampleAllowAllNamespaces() {
	gw, err := waypoint.New("mesh", "shared", waypoint.AllowAllNamespaces())
	if err != nil {
		fmt.Println(err)
		return
	}
	ok, why := waypoint.Admits(gw, "shop", nil)
	fmt.Println(ok, why)
	// Output:
	// true waypoint mesh/shared admits all namespaces (allowedRoutes.namespaces.from: All)
}

// Binding a Service to a waypoint in another namespace names that namespace too.
func ExampleBind() {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "cart"}}
	if err := waypoint.Bind(svc, "mesh", "shared"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(svc.Labels[ambient.LabelUseWaypoint], svc.Labels[ambient.LabelUseWaypointNamespace])
	// Output:
	// shared mesh
}

// A Service opts out of the waypoint its Namespace binds.
func ExampleOptOut() {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "health"}}
	if err := waypoint.OptOut(svc); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(svc.Labels)
	// Output:
	// map[istio.io/use-waypoint:none]
}

func ExampleValidate() {
	gw, _ := waypoint.New("example-api", "example-api-waypoint")
	gw.Spec.Listeners[0].Port = 15009
	for _, p := range waypoint.Validate(gw) {
		fmt.Printf("%s: %s (%s; try %s)\n", p.Path, p.Message, p.Code, p.Suggest)
	}
	// Output:
	// spec.listeners[0].port: HBONE listener "mesh" is on port 15009: a waypoint's HBONE listener must be on port 15008 (missing-hbone-listener; try 15008)
}

func ExampleServesKind() {
	fmt.Println(waypoint.ServesKind(ambient.WaypointForService, "Service"))
	fmt.Println(waypoint.ServesKind(ambient.WaypointForService, "Deployment"))
	fmt.Println(waypoint.ServesKind(ambient.WaypointForAll, "Deployment"))
	// Output:
	// true
	// false
	// true
}

// A waypoint that namespaces labelled for it may bind; namespaces can also be picked by name
// through the kubernetes.io/metadata.name label every Namespace carries.
func ExampleAllowNamespaceSelector() {
	gw, err := waypoint.New("mesh", "shared", waypoint.For(ambient.WaypointForAll),
		waypoint.AllowNamespaceSelector(&metav1.LabelSelector{
			MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: corev1.LabelMetadataName, Operator: metav1.LabelSelectorOpIn, Values: []string{"shop"},
			}},
		}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(waypoint.Admits(gw, "shop", nil))
	fmt.Println(waypoint.Admits(gw, "search", nil))
	// Output:
	// true namespace shop matches the selector "kubernetes.io/metadata.name in (shop)" of waypoint mesh/shared
	// false namespace search does not match the selector "kubernetes.io/metadata.name in (shop)" of waypoint mesh/shared
}
