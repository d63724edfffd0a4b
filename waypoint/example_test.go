package waypoint_test

import (
	"errors"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/waypoint"
)

// A service-scoped waypoint, as `istioctl waypoint generate --for service` writes it.
func ExampleNew() {
	gw, err := waypoint.New("example-api", "example-api-waypoint", waypoint.For(waypoint.ServiceTraffic))
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
	fmt.Println(len(waypoint.ValidateBinding(gw, "shop", nil)), "problems")
	// Output:
	// 0 problems
}

// Binding a Service to a waypoint in another namespace names that namespace too.
func ExampleBind() {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "cart"}}
	bound, err := waypoint.Bind(svc, "mesh", "shared")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bound.Labels[ambient.LabelUseWaypoint], bound.Labels[ambient.LabelUseWaypointNamespace])
	fmt.Println(len(svc.Labels), "labels on the original")
	// Output:
	// shared mesh
	// 0 labels on the original
}

// A Service opts out of the waypoint its Namespace binds.
func ExampleOptOut() {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "health"}}
	out, err := waypoint.OptOut(svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Labels)
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

func ExampleTraffic_Serves() {
	fmt.Println(waypoint.ServiceTraffic.Serves("Service"))
	fmt.Println(waypoint.ServiceTraffic.Serves("Deployment"))
	fmt.Println(waypoint.AllTraffic.Serves("Deployment"))
	// Output:
	// true
	// false
	// true
}

// The traffic a waypoint handles: its own label, else its GatewayClass's, else service.
func ExampleTrafficType() {
	gw, _ := waypoint.New("shop", "workloads", waypoint.For(waypoint.WorkloadTraffic))
	fmt.Println(waypoint.TrafficType(gw, nil))
	plain, _ := waypoint.New("shop", "services")
	fmt.Println(waypoint.TrafficType(plain, nil))
	// Output:
	// workload
	// service
}

// A waypoint that a canary control plane revision deploys and programs; a revision that is
// not a label value is refused.
func ExampleRevision() {
	gw, err := waypoint.New("shop", "canary", waypoint.Revision("canary"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(gw.Labels[ambient.LabelRev])
	_, err = waypoint.New("shop", "canary", waypoint.Revision("Not A Label!"))
	fmt.Println(errors.Is(err, waypoint.ErrInvalid))
	// Output:
	// canary
	// true
}

// A waypoint that namespaces labelled for it may bind; namespaces can also be picked by name
// through the kubernetes.io/metadata.name label every Namespace carries.
func ExampleAllowNamespaceSelector() {
	gw, err := waypoint.New("mesh", "shared", waypoint.For(waypoint.AllTraffic),
		waypoint.AllowNamespaceSelector(&metav1.LabelSelector{
			MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: corev1.LabelMetadataName, Operator: metav1.LabelSelectorOpIn, Values: []string{"shop"},
			}},
		}))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ns := range []string{"shop", "search"} {
		for _, p := range waypoint.ValidateBinding(gw, ns, nil) {
			fmt.Printf("%s: %s (%s)\n", p.Path, p.Message, p.Code)
		}
	}
	// Output:
	// spec.listeners[0].allowedRoutes.namespaces.selector: namespace search does not match the selector "kubernetes.io/metadata.name in (shop)" of waypoint mesh/shared (namespace-not-allowed)
}

// A waypoint for workload traffic; an unknown traffic type is refused.
func ExampleFor() {
	gw, err := waypoint.New("shop", "workloads", waypoint.For(waypoint.WorkloadTraffic))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(gw.Labels[ambient.LabelWaypointFor])
	_, err = waypoint.New("shop", "workloads", waypoint.For("services"))
	fmt.Println(err)
	// Output:
	// workload
	// waypoint shop/workloads: invalid waypoint input: traffic type "services": want one of [service workload all none]
}

// A Service in another namespace binds a waypoint that admits only its own namespace: istiod
// denies the attachment.
func ExampleValidateBinding() {
	gw, _ := waypoint.New("mesh", "shared")
	for _, p := range waypoint.ValidateBinding(gw, "shop", nil) {
		fmt.Printf("%s [%s]: %s\n", p.Path, p.Code, p.Message)
	}
	// Output:
	// spec.listeners[0].allowedRoutes [namespace-not-allowed]: waypoint mesh/shared admits only its own namespace (allowedRoutes.namespaces.from defaults to Same), not shop
}
