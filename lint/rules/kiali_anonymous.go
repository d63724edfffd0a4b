package rules

import (
	"fmt"

	"github.com/ambientkit/ambientkit/lint"
)

// KialiAnonymous is AMB402: Kiali runs without authentication.
var KialiAnonymous = &lint.Rule{
	ID:       "AMB402",
	Name:     "kiali-anonymous",
	Severity: lint.Warning,
	Summary:  "Kiali runs with auth.strategy: anonymous",
	Doc: `**What.** Kiali is configured with ` + "`auth.strategy: anonymous`" + `: in the spec of a Kiali CR
(` + "`kiali.io/v1alpha1`" + `), in the values of a ` + "`kiali-server`" + ` chart install (or of a
` + "`kiali-operator`" + ` chart install under ` + "`cr.spec`" + `), or in the ` + "`config.yaml`" + ` of the Kiali
ConfigMap (as Istio's sample addon renders it). The message says whether the tree also makes
that Kiali reachable from outside the cluster (AMB401).

**Why it breaks a cluster.** With anonymous authentication, anyone who reaches Kiali uses it
with the rights of Kiali's own service account: they see every namespace's configuration and
traffic, and, unless Kiali is in view-only mode, can change Istio configuration. That is
acceptable for a private Kiali reached only through ` + "`kubectl port-forward`" + ` (which needs
cluster credentials), and dangerous as soon as anything publishes it.

**Fix.** If Kiali stays private (ClusterIP, no Ingress or route, opened with
` + "`kubectl -n istio-system port-forward svc/kiali 20001:20001`" + `), keep it so; suppress the
finding with that reason if you like. Otherwise use ` + "`auth.strategy: token`" + ` or
` + "`openid`" + `.`,
	Kinds: append([]string{serviceGK, ingressGK, httpRouteGK, grpcRouteGK, tlsRouteGK, virtualServiceGK,
		openShiftRouteGK, gatewayGK, kialiCRGK, configMapGK}, chartInstallerGKs...),
	Run: runKialiAnonymous,
}

func runKialiAnonymous(p *lint.Pass) error {
	facts := kialiFactsOf(p)
	for _, a := range facts.anons {
		ns := a.Instance.Namespace
		svc := facts.services[ns]
		if svc == "" {
			svc = a.Instance.Name
		}
		msg := fmt.Sprintf("Kiali in namespace %s runs with auth.strategy anonymous (%s)", ns, a.What)
		if facts.exposed[ns] {
			msg += ", and the tree makes it reachable from outside the cluster (AMB401): anyone can use it, " +
				"and change the mesh, without credentials; use auth.strategy token or openid"
		} else {
			msg += fmt.Sprintf(": anyone who reaches it acts with Kiali's own rights, without logging in; "+
				"the tree keeps it private, so keep it so (ClusterIP, no route) and open it with "+
				"kubectl -n %s port-forward svc/%s 20001:20001", ns, svc)
		}
		p.Report(lint.Finding{Message: msg, Pos: a.Pos, Object: objectRef(a.Obj)})
	}
	return nil
}
