// Package waypoint builds, binds and checks Istio ambient waypoints: Gateway API Gateways of
// class istio-waypoint that give L7 processing to the services and workloads bound to them
// with the istio.io/use-waypoint label.
//
// [New] makes the Gateway that `istioctl waypoint generate` makes; [Bind] and [OptOut] set
// the labels that attach a Namespace, Service, ServiceEntry or workload to a waypoint (or
// detach it); [Validate] reports what makes a Gateway unusable as a waypoint; [TrafficType],
// [ServesKind] and [Admits] answer, the way istiod does, whether a binding takes effect.
//
// Problems name the field they are about with a path of dot-separated field names, [i] for
// list indexes and ["key"] for map keys, for example spec.listeners[0].port or
// metadata.labels["istio.io/waypoint-for"]. A quoted map key may contain dots.
package waypoint
