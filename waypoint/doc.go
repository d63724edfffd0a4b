// Package waypoint builds, binds and checks Istio ambient waypoints: Gateway API Gateways of
// class istio-waypoint that give L7 processing to the services and workloads bound to them
// with the istio.io/use-waypoint label.
//
// [New] makes the Gateway that `istioctl waypoint generate` makes; [Bind] and [OptOut] return
// a copy of a Namespace, Service, ServiceEntry or workload labelled to use a waypoint (or
// none); [Validate] reports what makes a Gateway unusable as a waypoint; [TrafficType],
// [Traffic.Serves] and [ValidateBinding] answer, the way istiod does, whether a binding takes
// effect.
//
// The package follows the SDK's conventions (CONTRIBUTING.md): functions never change their
// arguments, builders and editors return new objects, bad input is an error wrapping
// [ErrInvalid], and checks report [ambient.Problem]s with this package's Code constants and a
// field path such as spec.listeners[0].port or metadata.labels["istio.io/waypoint-for"].
package waypoint
