package rules_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ambientkit/ambientkit/lint/rules"
)

// TestEveryRuleIsInTheCatalogue fails when a file of this package declares a rule that All
// leaves out: such a rule passes its own tests but never runs from the command line, nor
// appears in docs/rules.md.
func TestEveryRuleIsInTheCatalogue(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var registered []string
	for _, r := range rules.All() {
		registered = append(registered, r.ID)
	}
	declared := 0
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, v := range vs.Values {
					id, ok := ruleID(v)
					if !ok {
						continue
					}
					declared++
					if id != "" && !slices.Contains(registered, id) {
						t.Errorf("%s declares rule %s (%s), which rules.All does not list", name, vs.Names[i].Name, id)
					}
				}
			}
		}
	}
	if declared != len(registered) {
		t.Errorf("the package declares %d rules and All lists %d", declared, len(registered))
	}
}

// ruleID returns the ID field of a &lint.Rule{...} literal: "" when the ID is not a string
// literal (a constant), and false when e is no such literal.
func ruleID(e ast.Expr) (string, bool) {
	u, ok := e.(*ast.UnaryExpr)
	if !ok || u.Op != token.AND {
		return "", false
	}
	lit, ok := u.X.(*ast.CompositeLit)
	if !ok {
		return "", false
	}
	sel, ok := lit.Type.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Rule" {
		return "", false
	}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "ID" {
			if b, ok := kv.Value.(*ast.BasicLit); ok && len(b.Value) > 2 {
				return b.Value[1 : len(b.Value)-1], true
			}
		}
	}
	return "", true
}
