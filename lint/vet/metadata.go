package vet

import (
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ambientkit/ambientkit/ambient"
)

// Packages and types whose fields and functions take label keys.
const (
	metav1Path = "k8s.io/apimachinery/pkg/apis/meta/v1"
	labelsPath = "k8s.io/apimachinery/pkg/labels"
)

// compositeLit checks the keys and values of a map literal with string keys, and the objects
// the analyzer knows how to judge.
func (r *reporter) compositeLit(cur inspector.Cursor, lit *ast.CompositeLit) {
	t := r.pass.TypesInfo.TypeOf(lit)
	if t == nil {
		return
	}
	if isStringMap(t) {
		kind := r.litKind(cur)
		for _, el := range lit.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			r.checkKey(kv.Key, kind, true)
			if key, ok := constString(r.pass.TypesInfo, kv.Key); ok {
				r.checkValue(key, kv.Value, kind)
			}
		}
		return
	}
	switch path, name := namedType(t); {
	case path == metav1Path && name == "LabelSelectorRequirement":
		if fields, ok := structFields(lit); ok {
			r.checkKey(fields["Key"], labelKind, true)
		}
	case gatewayPaths[path] && name == "GatewaySpec":
		r.waypointSpec(cur, lit)
	case path == istioNetworkingPath && name == "ServiceEntry":
		r.serviceEntrySpec(cur, lit)
	}
}

// litKind guesses whether a map literal holds labels or annotations from what it is given
// to: a field (Labels: ...), a variable, a function argument, or the result of a function.
func (r *reporter) litKind(cur inspector.Cursor) keyKind {
	lit := cur.Node()
	switch p := cur.Parent().Node().(type) {
	case *ast.KeyValueExpr:
		if id, ok := p.Key.(*ast.Ident); ok {
			return kindOfName(id.Name)
		}
		if s, ok := constString(r.pass.TypesInfo, p.Key); ok {
			return kindOfName(s) // map[string]any{"labels": map[string]any{...}}
		}
	case *ast.AssignStmt:
		for i, rhs := range p.Rhs {
			if rhs == lit && i < len(p.Lhs) {
				return kindOfName(exprName(p.Lhs[i]))
			}
		}
	case *ast.ValueSpec:
		for i, v := range p.Values {
			if v == lit && i < len(p.Names) {
				return kindOfName(p.Names[i].Name)
			}
		}
	case *ast.CallExpr:
		return kindOfName(exprName(p.Fun))
	case *ast.ReturnStmt:
		for fc := range cur.Enclosing((*ast.FuncDecl)(nil)) {
			return kindOfName(fc.Node().(*ast.FuncDecl).Name.Name)
		}
	}
	return unknownKind
}

// indexExpr checks the key of m[key] on a map with string keys, and the value of
// m[key] = value.
func (r *reporter) indexExpr(cur inspector.Cursor, ix *ast.IndexExpr) {
	info := r.pass.TypesInfo
	if !isStringMap(info.TypeOf(ix.X)) {
		return
	}
	kind := kindOfName(exprName(ix.X))
	r.checkKey(ix.Index, kind, true)
	as, ok := cur.Parent().Node().(*ast.AssignStmt)
	if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != len(as.Rhs) {
		return
	}
	key, ok := constString(info, ix.Index)
	if !ok {
		return
	}
	for i, lhs := range as.Lhs {
		if lhs == ix {
			r.checkValue(key, as.Rhs[i], kind)
		}
	}
}

// callExpr checks the arguments of delete(m, key), labels.NewRequirement and of functions
// whose names speak of labels or annotations; for setters (SetMetaDataLabel(obj, key,
// value)) the argument after a key is its value.
func (r *reporter) callExpr(call *ast.CallExpr) {
	info := r.pass.TypesInfo
	if tv, ok := info.Types[call.Fun]; ok && tv.IsType() {
		return // a conversion
	}
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		if b, ok := info.Uses[id].(*types.Builtin); ok {
			if b.Name() == "delete" && len(call.Args) == 2 && isStringMap(info.TypeOf(call.Args[0])) {
				r.checkKey(call.Args[1], kindOfName(exprName(call.Args[0])), true)
			}
			return
		}
	}
	if fn, ok := typeutil.Callee(info, call).(*types.Func); ok && fn.Pkg() != nil &&
		fn.Pkg().Path() == labelsPath && fn.Name() == "NewRequirement" {
		if len(call.Args) > 0 {
			r.checkKey(call.Args[0], labelKind, true)
		}
		return
	}
	name := strings.ToLower(exprName(call.Fun))
	if !strings.Contains(name, "label") && !strings.Contains(name, "annotation") {
		return
	}
	kind := kindOfName(name)
	setter := strings.HasPrefix(name, "set") || strings.HasPrefix(name, "add") ||
		strings.HasPrefix(name, "with") || strings.HasPrefix(name, "put")
	for i, arg := range call.Args {
		r.checkKey(arg, kind, true)
		if key, ok := constString(info, arg); ok && setter && i+1 < len(call.Args) {
			r.checkValue(key, call.Args[i+1], kind)
		}
	}
}

// valueSpec checks the values of constant and variable declarations (AMB501 only: a
// declaration is not always a key).
func (r *reporter) valueSpec(vs *ast.ValueSpec) {
	for i, v := range vs.Values {
		kind := unknownKind
		if i < len(vs.Names) {
			kind = kindOfName(vs.Names[i].Name)
		}
		r.checkKey(v, kind, false)
	}
}

// binaryExpr checks both sides of key == "..." and key != "..." (AMB501 only).
func (r *reporter) binaryExpr(be *ast.BinaryExpr) {
	if be.Op != token.EQL && be.Op != token.NEQ {
		return
	}
	r.checkKey(be.X, kindOfName(exprName(be.Y)), false)
	r.checkKey(be.Y, kindOfName(exprName(be.X)), false)
}

// caseClause checks the cases of a switch on a string (AMB501 only).
func (r *reporter) caseClause(cur inspector.Cursor, cc *ast.CaseClause) {
	sw, ok := cur.Parent().Parent().Node().(*ast.SwitchStmt)
	if !ok || sw.Tag == nil || !isString(r.pass.TypesInfo.TypeOf(sw.Tag)) {
		return
	}
	for _, e := range cc.List {
		r.checkKey(e, kindOfName(exprName(sw.Tag)), false)
	}
}

// checkKey reports AMB501 when e is a constant string that a constant of package ambient
// spells, and, when strong (e is surely a key), AMB002 when e is a key in Istio's domains that
// Istio does not define.
func (r *reporter) checkKey(e ast.Expr, kind keyKind, strong bool) {
	info := r.pass.TypesInfo
	v, ok := constString(info, e)
	if !ok {
		return
	}
	if names := keysByValue()[v]; names != nil {
		if isConstRef(info, e) {
			return // reported at the declaration
		}
		name := constantName(names, kind)
		var fixes []analysis.SuggestedFix
		if edits, ok := r.useConstant(r.file, e, name, v); ok {
			fixes = []analysis.SuggestedFix{{Message: "Use ambient." + name, TextEdits: edits}}
		}
		r.report(RawIstioKey, e, fixes, "use ambient.%s instead of the string %q", name, v)
		return
	}
	if !strong || !ambient.IsIstioDomain(v) || ambient.IsKnownKey(v) || !isQualifiedKey(v) {
		return
	}
	s, ok := ambient.SuggestKey(v)
	if !ok {
		if _, name, _ := strings.Cut(v, "/"); name[0] >= 'A' && name[0] <= 'Z' {
			return // group/Kind ("networking.istio.io/ServiceEntry"): no Istio key starts so
		}
		r.report(unknownIstioKey, e, nil, "unknown Istio %s key %q: Istio ignores it", kind, v)
		return
	}
	var fixes []analysis.SuggestedFix
	if !isConstRef(info, e) {
		fix := analysis.SuggestedFix{
			Message:   fmt.Sprintf("Rename the key to %q", s),
			TextEdits: []analysis.TextEdit{{Pos: e.Pos(), End: e.End(), NewText: []byte(strconv.Quote(s))}},
		}
		if names := keysByValue()[s]; names != nil {
			name := constantName(names, kind)
			if edits, ok := r.useConstant(r.file, e, name, s); ok {
				fix = analysis.SuggestedFix{Message: fmt.Sprintf("Rename the key to ambient.%s (%q)", name, s), TextEdits: edits}
			}
		}
		fixes = []analysis.SuggestedFix{fix}
	}
	r.report(unknownIstioKey, e, fixes, "unknown Istio %s key %q: did you mean %q?", kind, v, s)
}

// checkValue reports AMB003 when e, the value of the label key, is a constant that Istio
// does not accept. Annotations are not judged, as ambientlint does not judge them.
func (r *reporter) checkValue(key string, e ast.Expr, kind keyKind) {
	if kind == annotationKind {
		return
	}
	v, ok := constString(r.pass.TypesInfo, e)
	if !ok {
		return
	}
	err := ambient.ValidateValue(key, v)
	if err == nil {
		return
	}
	var fixes []analysis.SuggestedFix
	var ve *ambient.InvalidValueError
	if errors.As(err, &ve) && ve.Suggestion != "" && !isConstRef(r.pass.TypesInfo, e) {
		fixes = []analysis.SuggestedFix{{
			Message:   fmt.Sprintf("Use %q", ve.Suggestion),
			TextEdits: []analysis.TextEdit{{Pos: e.Pos(), End: e.End(), NewText: []byte(strconv.Quote(ve.Suggestion))}},
		}}
	}
	r.report(invalidIstioValue, e, fixes, "%s", err)
}

// isQualifiedKey reports whether v has the shape of a label or annotation key, prefix/name
// with a valid name: maps keyed by import paths ("istio.io/client-go/pkg/...") or by
// group/version/kind ("networking.istio.io/v1/ServiceEntry") hold strings in Istio's domains
// that are not keys.
func isQualifiedKey(v string) bool {
	return strings.Count(v, "/") == 1 && len(validation.IsQualifiedName(v)) == 0
}

// exprName returns the name at the end of e: Labels for obj.Labels, GetLabels for
// obj.GetLabels(), m for m; "" when e has none.
func exprName(e ast.Expr) string {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.CallExpr:
		return exprName(e.Fun)
	case *ast.StarExpr:
		return exprName(e.X)
	case *ast.IndexExpr:
		return exprName(e.X) // a generic function's instantiation
	case *ast.IndexListExpr:
		return exprName(e.X)
	}
	return ""
}

// isStringMap reports whether t is a map whose keys are strings.
func isStringMap(t types.Type) bool {
	if t == nil {
		return false
	}
	m, ok := t.Underlying().(*types.Map)
	return ok && isString(m.Key())
}

// isString reports whether t's underlying type is a string type.
func isString(t types.Type) bool {
	if t == nil {
		return false
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// namedType returns the package path and name of t, or of the type t points to.
func namedType(t types.Type) (path, name string) {
	t = types.Unalias(t)
	if p, ok := t.(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	}
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return "", ""
	}
	return n.Obj().Pkg().Path(), n.Obj().Name()
}

// structFields returns the fields a keyed struct literal sets, by name, and false for an
// unkeyed literal, whose fields the analyzer does not judge.
func structFields(lit *ast.CompositeLit) (map[string]ast.Expr, bool) {
	out := make(map[string]ast.Expr, len(lit.Elts))
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			return nil, false
		}
		id, ok := kv.Key.(*ast.Ident)
		if !ok {
			return nil, false
		}
		out[id.Name] = kv.Value
	}
	return out, true
}
