package waypoint

import (
	"errors"
	"fmt"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ambientkit/ambientkit/ambient"
)

// ListenerName is the name istioctl gives a waypoint's HBONE listener.
const ListenerName = "mesh"

// ErrInvalid is wrapped by every error [New], an [Option], [Bind] and [OptOut] return for bad
// input.
var ErrInvalid = errors.New("invalid waypoint input")

// An Option changes the Gateway that [New] builds.
type Option func(*settings) error

type settings struct {
	traffic    Traffic
	revision   string
	namespaces *gatewayv1.RouteNamespaces
}

// For sets the istio.io/waypoint-for label, the traffic the waypoint handles. Without it the
// Gateway carries no label, as with `istioctl waypoint generate`, and istiod takes the
// GatewayClass's label or [ServiceTraffic].
func For(t Traffic) Option {
	return func(s *settings) error {
		if !slices.Contains(trafficTypes, t) {
			return fmt.Errorf("%w: traffic type %q: want one of %v", ErrInvalid, t, trafficTypes)
		}
		s.traffic = t
		return nil
	}
}

// trafficTypes are the values of istio.io/waypoint-for that Istio knows.
var trafficTypes = []Traffic{ServiceTraffic, WorkloadTraffic, AllTraffic, NoTraffic}

// Revision sets the istio.io/rev label, the control plane revision (or tag) that deploys
// and programs the waypoint.
func Revision(rev string) Option {
	return func(s *settings) error {
		if rev == "" {
			return fmt.Errorf("%w: empty revision", ErrInvalid)
		}
		if errs := validation.IsValidLabelValue(rev); len(errs) > 0 {
			return fmt.Errorf("%w: revision %q: %v", ErrInvalid, rev, errs)
		}
		s.revision = rev
		return nil
	}
}

// AllowAllNamespaces lets objects in every namespace bind the waypoint through
// istio.io/use-waypoint-namespace: the HBONE listener's allowedRoutes.namespaces.from is All.
// Without it, or [AllowNamespaceSelector], only the waypoint's own namespace may bind it.
func AllowAllNamespaces() Option {
	return func(s *settings) error {
		if s.namespaces != nil {
			return fmt.Errorf("%w: more than one allowed-namespaces option", ErrInvalid)
		}
		from := gatewayv1.NamespacesFromAll
		s.namespaces = &gatewayv1.RouteNamespaces{From: &from}
		return nil
	}
}

// AllowNamespaceSelector lets objects in the namespaces whose labels match sel bind the
// waypoint: allowedRoutes.namespaces.from is Selector. Every Namespace carries the label
// kubernetes.io/metadata.name with its own name, so a selector on it admits namespaces by
// name. sel is copied.
func AllowNamespaceSelector(sel *metav1.LabelSelector) Option {
	return func(s *settings) error {
		if s.namespaces != nil {
			return fmt.Errorf("%w: more than one allowed-namespaces option", ErrInvalid)
		}
		if sel == nil {
			return fmt.Errorf("%w: nil namespace selector (it would admit no namespace)", ErrInvalid)
		}
		if _, err := metav1.LabelSelectorAsSelector(sel); err != nil {
			return fmt.Errorf("%w: namespace selector: %w", ErrInvalid, err)
		}
		from := gatewayv1.NamespacesFromSelector
		s.namespaces = &gatewayv1.RouteNamespaces{From: &from, Selector: sel.DeepCopy()}
		return nil
	}
}

// New returns a waypoint Gateway named name in namespace: class istio-waypoint and one
// listener "mesh" on port 15008 with protocol HBONE, which is what
// `istioctl waypoint generate` writes. opts add labels and cross-namespace access.
//
// It fails, with an error wrapping [ErrInvalid], when namespace or name is not a DNS-1123
// label, when name is "none" (that value of istio.io/use-waypoint opts out of waypoints, so
// no binding could name the Gateway), or when an option is invalid.
func New(namespace, name string, opts ...Option) (*gatewayv1.Gateway, error) {
	if err := checkName("namespace", namespace); err != nil {
		return nil, fmt.Errorf("waypoint %s/%s: %w", namespace, name, err)
	}
	if err := checkWaypointName(name); err != nil {
		return nil, fmt.Errorf("waypoint %s/%s: %w", namespace, name, err)
	}
	var s settings
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&s); err != nil {
			return nil, fmt.Errorf("waypoint %s/%s: %w", namespace, name, err)
		}
	}

	gw := &gatewayv1.Gateway{
		TypeMeta: metav1.TypeMeta{
			APIVersion: gatewayv1.GroupVersion.String(),
			Kind:       "Gateway",
		},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec: gatewayv1.GatewaySpec{
			GatewayClassName: ambient.WaypointGatewayClass,
			Listeners: []gatewayv1.Listener{{
				Name:     ListenerName,
				Port:     ambient.HBONEPort,
				Protocol: ambient.HBONEProtocol,
			}},
		},
	}
	if s.namespaces != nil {
		gw.Spec.Listeners[0].AllowedRoutes = &gatewayv1.AllowedRoutes{Namespaces: s.namespaces}
	}
	// Like istioctl, label only what the caller asked for: an absent waypoint-for label lets
	// the GatewayClass supply the default.
	if s.traffic != "" {
		setLabel(&gw.ObjectMeta, ambient.LabelWaypointFor, string(s.traffic))
	}
	if s.revision != "" {
		setLabel(&gw.ObjectMeta, ambient.LabelRev, s.revision)
	}
	return gw, nil
}

func setLabel(m metav1.Object, key, value string) {
	l := m.GetLabels()
	if l == nil {
		l = map[string]string{}
	}
	l[key] = value
	m.SetLabels(l)
}

// checkName checks a namespace or object name that must be a DNS-1123 label.
func checkName(what, name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty %s", ErrInvalid, what)
	}
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return fmt.Errorf("%w: %s %q: %v", ErrInvalid, what, name, errs)
	}
	return nil
}

// checkWaypointName checks a waypoint's name. It is a DNS-1123 label because it is the value
// of istio.io/use-waypoint and the name of the waypoint's Service.
func checkWaypointName(name string) error {
	if err := checkName("waypoint name", name); err != nil {
		return err
	}
	if name == ambient.UseWaypointNone {
		return fmt.Errorf("%w: waypoint name %q is reserved: istio.io/use-waypoint: none opts out of waypoints", ErrInvalid, name)
	}
	return nil
}
