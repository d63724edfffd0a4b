package rules

import (
	"fmt"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/waypoint"
)

// WaypointTrafficMismatch is AMB204: a binding names a waypoint that does not serve the kind
// of traffic the binding sends it.
var WaypointTrafficMismatch = &lint.Rule{
	ID:       "AMB204",
	Name:     "waypoint-traffic-mismatch",
	Severity: lint.Error,
	Summary:  "a binding names a waypoint whose istio.io/waypoint-for does not serve that kind of traffic",
	Doc: `**What.** A Service, ServiceEntry or Namespace binds (with ` + "`istio.io/use-waypoint`" + `) a
waypoint whose traffic type is ` + "`workload`" + ` or ` + "`none`" + `; or a pod template, Pod or
WorkloadEntry binds one whose traffic type is ` + "`service`" + ` or ` + "`none`" + `. The traffic type is
the Gateway's ` + "`istio.io/waypoint-for`" + ` label, else its GatewayClass's (read from the tree
when the tree defines the class), else ` + "`service`" + ` (the SDK's ` + "`waypoint.TrafficType`" + ` and
` + "`waypoint.Traffic.Serves`" + `). A Namespace's binding counts as a service binding: istiod reports
an error on every Service that inherits a waypoint that does not serve services.

**Why it breaks a cluster.** istiod attaches a waypoint only to the traffic it is for. A
Service bound to a workload-only waypoint gets no waypoint (istiod reports an
unsupported-traffic-type status), and a pod bound to a service-only waypoint is silently
skipped: either way the traffic goes around the waypoint and its L7 policy is not enforced.

**Fix.** Label the waypoint ` + "`istio.io/waypoint-for: all`" + ` (or the type the bindings need), or
bind the waypoint from the object that matches its type: Services for ` + "`service`" + `, pods for
` + "`workload`" + `.`,
	Kinds: append([]string{namespaceGK, serviceGK, serviceEntryGK, workloadEntryGK, gatewayGK, gatewayClassGK}, workloadKinds...),
	Run:   runWaypointTrafficMismatch,
}

func runWaypointTrafficMismatch(p *lint.Pass) error {
	inv := p.Inventory
	for _, b := range bindings(p) {
		gwObj := waypointGateway(inv, b.WaypointNamespace, b.Name)
		if gwObj == nil {
			continue
		}
		tt, source := trafficType(inv, gwObj)
		if gateway(gwObj) == nil || manifest.IsOpaque(tt) || waypoint.Traffic(tt).Serves(b.Kind) {
			continue
		}
		needs := "service traffic (service or all)"
		if b.Kind != "Service" && b.Kind != "ServiceEntry" && b.Kind != "Namespace" {
			needs = "workload traffic (workload or all)"
		}
		serves := "no traffic"
		switch tt {
		case string(waypoint.ServiceTraffic):
			serves = "service traffic only"
		case string(waypoint.WorkloadTraffic):
			serves = "workload traffic only"
		}
		effect := "istiod does not attach the waypoint and the traffic goes around it"
		if b.Kind == "Namespace" {
			effect = "istiod does not attach it to the namespace's Services, whose traffic goes around it"
		}
		f := lint.Finding{
			Message: fmt.Sprintf("%s binds waypoint %s, which serves %s (traffic type %q, from %s), but the binding "+
				"needs %s: %s", b.What, b.Ref(), serves, tt, source, needs, effect),
			Pos:    b.Pos(),
			Object: b.Obj.Ref,
			Related: []lint.Related{{
				Position: gwObj.Pos("metadata", "name"),
				Message:  fmt.Sprintf("waypoint %s", b.Ref()),
			}},
		}
		p.Report(f)
	}
	return nil
}
