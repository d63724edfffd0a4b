package output_test

import (
	"fmt"
	"os"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/output"
	"github.com/ambientkit/ambientkit/manifest"
)

func ExampleWrite() {
	rule := &lint.Rule{ID: "AMB301", Name: "wildcard-egress", Severity: lint.Error}
	res := &lint.Result{Files: 1, Objects: 1, Findings: []lint.Finding{{
		Rule: rule.ID, Name: rule.Name, Severity: lint.Error,
		Message: `ServiceEntry vendor has wildcard host "*.vendor.example"`,
		Pos:     manifest.Position{File: "apps/api/serviceentry.yaml", Line: 8, Column: 7},
	}}}
	for _, format := range []string{"text", "github"} {
		if err := output.Write(os.Stdout, format, res, []*lint.Rule{rule}, output.Options{}); err != nil {
			fmt.Println(err)
		}
	}
	// Output:
	// apps/api/serviceentry.yaml:8:7: error: ServiceEntry vendor has wildcard host "*.vendor.example" [AMB301 wildcard-egress]
	// ::error file=apps/api/serviceentry.yaml,line=8,col=7,title=AMB301 wildcard-egress::ServiceEntry vendor has wildcard host "*.vendor.example"
}
