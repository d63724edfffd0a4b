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
