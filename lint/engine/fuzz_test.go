package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/fix"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// FuzzFix lints any file with the whole catalogue, applies the suggested fixes and lints
// again: a fix never breaks the file (no new AMB001), and rounds of fixes settle.
func FuzzFix(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    istio.io/dataplane-mode: Ambient\n    istio-injection: enabled\n",
		"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ls\n  annotations:\n    d: \"x\u2028y\"\n  labels:\n    istio.io/dataplane_mode: ambient\n    istio.io/dataplane-mode: ambient\n",
		"apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: w, namespace: a}\nspec:\n  gatewayClassName: istio-waypoint\n  listeners: [{name: mesh, port: 15009, protocol: HBONE}]\n",
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: kiali\n  namespace: istio-system\n  labels: {app: kiali}\nspec:\n  type: LoadBalancer\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		p := filepath.Join(dir, "a.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		lintOnce := func() *lint.Result {
			res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Root: dir, Rules: rules.All()})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		// A fix can reveal another finding (a value spelt right makes the namespace ambient,
		// and a conflict with sidecar injection appears): fixes are applied round by round,
		// and must settle within a few rounds without ever breaking the file.
		res := lintOnce()
		broken := count(res, lint.InvalidYAMLID)
		content := data
		for round := 1; ; round++ {
			fixed, err := fix.Apply(map[string][]byte{p: content}, res.Findings)
			if err != nil {
				t.Fatalf("round %d: a rule computed a fix outside the file: %v", round, err)
			}
			if fixed[p] == nil {
				return
			}
			if round > 4 {
				t.Fatalf("fixes do not settle after %d rounds:\n%s\n---\n%s", round-1, data, fixed[p])
			}
			content = fixed[p]
			if err := os.WriteFile(p, content, 0o644); err != nil {
				t.Fatal(err)
			}
			res = lintOnce()
			if n := count(res, lint.InvalidYAMLID); n > broken {
				t.Fatalf("round %d: fixing broke the file (AMB001 %d → %d):\n%s\n---\n%s", round, broken, n, data, content)
			}
		}
	})
}

func count(res *lint.Result, rule string) int {
	n := 0
	for _, f := range res.Findings {
		if f.Rule == rule {
			n++
		}
	}
	return n
}
