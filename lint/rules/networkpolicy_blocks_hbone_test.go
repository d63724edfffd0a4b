package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestNetworkPolicyBlocksHBONE(t *testing.T) {
	linttest.Run(t, testdata("networkpolicy-blocks-hbone"), rules.NetworkPolicyBlocksHBONE)
}

func TestNetworkPolicyBlocksHBONEHostIPProbes(t *testing.T) {
	linttest.Run(t, testdata("networkpolicy-blocks-hbone-host-ip"), rules.NetworkPolicyBlocksHBONE)
}

// A waypoint the tree does not hold in front of the pods: the rule still reports, and does not
// fail looking for the waypoint.
func TestNetworkPolicyBlocksHBONEWaypointNotInTree(t *testing.T) {
	linttest.Run(t, testdata("networkpolicy-blocks-hbone-missing-waypoint"), rules.NetworkPolicyBlocksHBONE)
}
