package config_test

import (
	"fmt"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/config"
)

func ExampleParse() {
	catalogue := []*lint.Rule{{ID: "AMB301", Name: "wildcard-egress", Severity: lint.Error}}
	cfg, err := config.Parse(".ambientlint.yaml", []byte(`
rules:
  wildcard-egress: warning
exclude: ["charts/**"]
maxFileSize: 4MiB
`), catalogue)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.SeverityOf(catalogue[0]), cfg.Excluded("charts/istio/values.yaml"), cfg.MaxFileSize)

	_, err = config.Parse(".ambientlint.yaml", []byte("rule:\n  AMB301: off\n"), catalogue)
	fmt.Println(err)
	// Output:
	// warning true 4194304
	// .ambientlint.yaml:1:1: unknown key "rule" (known: rules, exclude, egress, maxFileSize, argocd, restarts, unreached)
}

func ExampleMatchGlob() {
	fmt.Println(config.MatchGlob("**/secrets/*.yaml", "clusters/prod/secrets/db.yaml"))
	fmt.Println(config.MatchGlob("*.enc.yaml", "apps/api/token.enc.yaml"))
	fmt.Println(config.MatchGlob("/charts", "apps/charts/values.yaml"))
	// Output:
	// true
	// true
	// false
}
