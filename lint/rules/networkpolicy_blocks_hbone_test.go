package rules_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

func TestNetworkpolicyBlocksHbone(t *testing.T) {
	linttest.Run(t, testdata("networkpolicy-blocks-hbone"), rules.NetworkpolicyBlocksHbone)
}

func TestNetworkpolicyBlocksHboneHostIPProbes(t *testing.T) {
	linttest.Run(t, testdata("networkpolicy-blocks-hbone-host-ip"), rules.NetworkpolicyBlocksHbone)
}
