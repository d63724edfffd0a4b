package vet

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"

	"github.com/ambientkit/ambientkit/ambient"
)

// ambientPath is the import path of the package whose constants AMB501 suggests.
const ambientPath = "github.com/ambientkit/ambientkit/ambient"

// A keyConstant is one exported label or annotation key constant of package ambient.
type keyConstant struct {
	Name, Value string
}

// keysByValue maps each key that AMB501 knows to the names of the constants that spell it,
// label constants first. It is built on first use from the generated table.
var keysByValue = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	for _, k := range keyConstants {
		if isIstioKey(k.Value) {
			m[k.Value] = append(m[k.Value], k.Name)
		}
	}
	for _, names := range m {
		slices.SortFunc(names, func(a, b string) int {
			if la, lb := strings.HasPrefix(a, "Label"), strings.HasPrefix(b, "Label"); la != lb {
				if la {
					return -1
				}
				return 1
			}
			return strings.Compare(a, b)
		})
	}
	return m
})

// isIstioKey reports whether key belongs to Istio: AMB501 leaves alone the keys package
// ambient names for convenience that are not Istio's (kubectl.kubernetes.io/restartedAt),
// since suggesting an Istio SDK for them would be noise.
func isIstioKey(key string) bool {
	return ambient.IsIstioDomain(key) || key == ambient.LabelInjection
}

// keyKind says whether a key is known to be a label's or an annotation's.
type keyKind int

const (
	unknownKind keyKind = iota
	labelKind
	annotationKind
)

func (k keyKind) String() string {
	switch k {
	case labelKind:
		return "label"
	case annotationKind:
		return "annotation"
	}
	return "label or annotation"
}

// kindOfName guesses the kind of the keys held by something called name (a field, variable
// or function): Annotations, GetAnnotations and SetMetaDataAnnotation hold annotations;
// Labels, MatchLabels and NodeSelector hold labels.
func kindOfName(name string) keyKind {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "annotation"):
		return annotationKind
	case strings.Contains(n, "label"), strings.Contains(n, "selector"):
		return labelKind
	}
	return unknownKind
}

// constantName picks, among the constants that spell a key, the one for kind.
func constantName(names []string, kind keyKind) string {
	if kind == annotationKind {
		for _, n := range names {
			if strings.HasPrefix(n, "Annotation") {
				return n
			}
		}
	}
	return names[0]
}

// constString returns the value of e when it is a constant string expression.
func constString(info *types.Info, e ast.Expr) (string, bool) {
	if e == nil {
		return "", false
	}
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

// constInt returns the value of e when it is a constant integer expression.
func constInt(info *types.Info, e ast.Expr) (int64, bool) {
	if e == nil {
		return 0, false
	}
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.Int {
		return 0, false
	}
	return constant.Int64Val(tv.Value)
}

// isConstRef reports whether e names a declared constant (k, pkg.K): such uses are judged at
// the constant's declaration, and a fix at the use would leave the declaration behind.
func isConstRef(info *types.Info, e ast.Expr) bool {
	var id *ast.Ident
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		id = e
	case *ast.SelectorExpr:
		id = e.Sel
	default:
		return false
	}
	_, ok := info.Uses[id].(*types.Const)
	return ok
}

// ambientPackage returns package ambient when pkg depends on it, directly or not, so that a
// fix that imports it compiles; else nil.
func ambientPackage(pkg *types.Package) *types.Package {
	seen := map[*types.Package]bool{}
	var walk func(*types.Package) *types.Package
	walk = func(p *types.Package) *types.Package {
		for _, imp := range p.Imports() {
			if imp.Path() == ambientPath {
				return imp
			}
			if seen[imp] {
				continue
			}
			seen[imp] = true
			if found := walk(imp); found != nil {
				return found
			}
		}
		return nil
	}
	return walk(pkg)
}

// useConstant returns the edits that replace e in file with the constant name of package
// ambient, whose value must be value, importing the package when the file does not, and
// true; or false when no edit would compile: the package does not depend on ambient, its
// version lacks the constant (or gives it another value), or the name ambient is taken where
// e is.
func (r *reporter) useConstant(file *ast.File, e ast.Expr, name, value string) ([]analysis.TextEdit, bool) {
	if r.ambient == nil {
		return nil, false
	}
	c, ok := r.ambient.Scope().Lookup(name).(*types.Const)
	if !ok || !c.Exported() {
		return nil, false
	}
	if c.Val().Kind() != constant.String || constant.StringVal(c.Val()) != value {
		return nil, false
	}
	prefix, imports, ok := r.ambientQualifier(file, e.Pos())
	if !ok {
		return nil, false
	}
	edits := []analysis.TextEdit{{Pos: e.Pos(), End: e.End(), NewText: []byte(prefix + name)}}
	return append(edits, imports...), true
}

// ambientQualifier returns how file refers to package ambient at pos ("ambient.", an alias,
// or "" for a dot import), with the edits that add the import when it is missing.
func (r *reporter) ambientQualifier(file *ast.File, pos token.Pos) (string, []analysis.TextEdit, bool) {
	info := r.pass.TypesInfo
	scope := info.Scopes[file]
	if scope == nil {
		return "", nil, false
	}
	scope = scope.Innermost(pos)
	for _, spec := range file.Imports {
		pn := info.PkgNameOf(spec)
		if pn == nil || pn.Imported().Path() != ambientPath {
			continue
		}
		switch pn.Name() {
		case "_":
			continue
		case ".":
			return "", nil, true
		}
		if _, obj := scope.LookupParent(pn.Name(), pos); obj == pn {
			return pn.Name() + ".", nil, true
		}
		return "", nil, false // shadowed where the key is
	}
	if _, obj := scope.LookupParent("ambient", pos); obj != nil {
		return "", nil, false
	}
	return "ambient.", []analysis.TextEdit{importEdit(file)}, true
}

// importEdit adds the import of package ambient to file: at the end of its last import group,
// after a blank line when that group holds only standard packages, or in a declaration of its
// own. The fix drivers format the file afterwards.
func importEdit(file *ast.File) analysis.TextEdit {
	spec := strconv.Quote(ambientPath)
	var last *ast.GenDecl
	for _, d := range file.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			last = gd
		}
	}
	switch {
	case last == nil:
		return analysis.TextEdit{Pos: file.Name.End(), End: file.Name.End(), NewText: []byte("\n\nimport " + spec)}
	case last.Rparen.IsValid():
		text := "\t" + spec + "\n"
		if n := len(last.Specs); n > 0 && isStdImport(last.Specs[n-1].(*ast.ImportSpec)) {
			text = "\n" + text
		}
		return analysis.TextEdit{Pos: last.Rparen, End: last.Rparen, NewText: []byte(text)}
	default:
		return analysis.TextEdit{Pos: last.End(), End: last.End(), NewText: []byte("\nimport " + spec)}
	}
}

// isStdImport reports whether spec imports a standard package: one whose first path
// element has no dot.
func isStdImport(spec *ast.ImportSpec) bool {
	p, err := strconv.Unquote(spec.Path.Value)
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}
