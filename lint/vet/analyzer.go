package vet

import (
	"flag"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
)

const doc = `report Istio ambient mistakes in Go code

The ambientvet analyzer finds in Go code what ambientlint finds in manifests, as far as
constants make it certain:

  AMB501 raw-istio-key: an Istio label or annotation key spelt as a string where package
  github.com/ambientkit/ambientkit/ambient defines a constant; the suggested fix uses the
  constant and adds the import (offered when the package already depends on ambient).
  AMB002 unknown-istio-key: a key in the istio.io domains that Istio does not define, with
  "did you mean" for near misses.
  AMB003 invalid-istio-value: a known key with a value Istio does not accept.
  AMB206 malformed-waypoint: a Gateway of class istio-waypoint whose listener literal has no
  port 15008 / protocol HBONE listener, or that is named "none".
  AMB301 wildcard-egress: a ServiceEntry host that is a wildcard.
  AMB302 invalid-service-entry: a ServiceEntry host, address or port that Istio's validation
  rejects.

Keys are looked for where Kubernetes expects one: keys of map literals and index expressions
on maps with string keys, arguments of functions whose names speak of labels or annotations
(metav1.HasLabel, SetMetaDataLabel, ...), delete, labels.NewRequirement and
LabelSelectorRequirement.Key; AMB501 also looks at constant and variable declarations,
comparisons and switch cases. Objects are judged from composite literals of
sigs.k8s.io/gateway-api GatewaySpec and istio.io/api ServiceEntry, on the fields spelt out
as constants: a listener list is judged only when every listener is a literal of constants.

Package ambient itself, generated files and, unless -testfiles is given, _test.go files are
not checked: tests spell keys and build invalid objects on purpose.`

// Analyzer reports the Istio ambient mistakes of Go code (see the package documentation).
// Its flags are -testfiles (check _test.go files too), -allow-wildcards (a comma-separated
// list of ServiceEntry hosts AMB301 accepts, like ambientlint's egress.allowWildcards) and
// -disable (a comma-separated list of rule IDs or names not to report: go/analysis has no
// severities, so an info rule such as AMB501 fails a build like any other).
var Analyzer = newAnalyzer()

// config holds the analyzer's flags.
type config struct {
	testFiles      bool
	allowWildcards list
	disable        list
}

func newAnalyzer() *analysis.Analyzer {
	c := &config{}
	a := &analysis.Analyzer{
		Name:     "ambientvet",
		Doc:      doc,
		URL:      docsBaseURL,
		Requires: []*analysis.Analyzer{inspect.Analyzer},
		Run:      c.run,
	}
	a.Flags.BoolVar(&c.testFiles, "testfiles", false, "also check _test.go files (the -test flag of the driver only says whether test packages are loaded)")
	a.Flags.Var(&c.allowWildcards, "allow-wildcards", "comma-separated ServiceEntry wildcard hosts that AMB301 accepts")
	a.Flags.Var(&c.disable, "disable", "comma-separated rule IDs or names not to report, such as AMB501 or raw-istio-key")
	return a
}

// list is a flag.Value of comma-separated words; repeating the flag adds to the list.
type list []string

var _ flag.Value = (*list)(nil)

func (l *list) String() string { return strings.Join(*l, ",") }

func (l *list) Set(s string) error {
	for h := range strings.SplitSeq(s, ",") {
		if h = strings.TrimSpace(h); h != "" {
			*l = append(*l, h)
		}
	}
	return nil
}

// reporter reports one package's diagnostics.
type reporter struct {
	pass    *analysis.Pass
	cfg     *config
	ambient *types.Package // package ambient when the analyzed package depends on it
	file    *ast.File      // the file being checked
	seen    map[seenKey]bool
}

// seenKey identifies a diagnostic, so that a node reached twice is reported once.
type seenKey struct {
	pos  token.Pos
	rule string
}

// nodeTypes are the nodes the analyzer looks at.
var nodeTypes = []ast.Node{
	(*ast.CompositeLit)(nil),
	(*ast.IndexExpr)(nil),
	(*ast.CallExpr)(nil),
	(*ast.ValueSpec)(nil),
	(*ast.BinaryExpr)(nil),
	(*ast.CaseClause)(nil),
}

func (c *config) run(pass *analysis.Pass) (any, error) {
	if pass.Pkg.Path() == ambientPath {
		return nil, nil // the constants are defined there
	}
	r := &reporter{pass: pass, cfg: c, ambient: ambientPackage(pass.Pkg), seen: map[seenKey]bool{}}
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	for fc := range insp.Root().Children() {
		f := fc.Node().(*ast.File)
		if ast.IsGenerated(f) || (!c.testFiles && strings.HasSuffix(pass.Fset.File(f.FileStart).Name(), "_test.go")) {
			continue
		}
		r.file = f
		for cur := range fc.Preorder(nodeTypes...) {
			switch n := cur.Node().(type) {
			case *ast.CompositeLit:
				r.compositeLit(cur, n)
			case *ast.IndexExpr:
				r.indexExpr(cur, n)
			case *ast.CallExpr:
				r.callExpr(n)
			case *ast.ValueSpec:
				r.valueSpec(n)
			case *ast.BinaryExpr:
				r.binaryExpr(n)
			case *ast.CaseClause:
				r.caseClause(cur, n)
			}
		}
	}
	return nil, nil
}

// report reports a diagnostic of rule on node, at most one per rule and position.
func (r *reporter) report(rule *Rule, node analysis.Range, fixes []analysis.SuggestedFix, format string, args ...any) {
	k := seenKey{node.Pos(), rule.ID}
	if r.seen[k] || slices.ContainsFunc(r.cfg.disable, func(d string) bool {
		return strings.EqualFold(d, rule.ID) || strings.EqualFold(d, rule.Name)
	}) {
		return
	}
	r.seen[k] = true
	r.pass.Report(analysis.Diagnostic{
		Pos:            node.Pos(),
		End:            node.End(),
		Category:       rule.ID,
		URL:            rule.HelpURI(),
		Message:        rule.ID + ": " + fmt.Sprintf(format, args...),
		SuggestedFixes: fixes,
	})
}
