// Package apilist writes the exported API of the module's packages as text, one line per
// exported name (as Go's own api/*.txt files do), so that a test can hold api/ambientkit.txt
// to the code and every change of the API is a deliberate change of that file.
package apilist

import (
	"fmt"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// List loads the packages patterns match, from dir, and returns their exported API: for each
// package "pkg PATH, KIND DECLARATION" lines, sorted. Types list their exported fields and
// their exported methods (of T and of *T).
func List(dir string, patterns ...string) (string, error) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes, Dir: dir}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return "", err
	}
	var lines []string
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			return "", fmt.Errorf("%s: %v", p.PkgPath, p.Errors[0])
		}
		if p.Name == "main" || strings.Contains(p.PkgPath, "/internal/") || strings.HasSuffix(p.PkgPath, "/internal") {
			continue
		}
		lines = append(lines, pkgLines(p.Types)...)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n", nil
}

func pkgLines(pkg *types.Package) []string {
	qual := func(other *types.Package) string {
		if other == pkg {
			return ""
		}
		return other.Path()
	}
	prefix := "pkg " + pkg.Path() + ", "
	var out []string
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch o := obj.(type) {
		case *types.Const:
			out = append(out, prefix+"const "+name+" "+types.TypeString(o.Type(), qual)+" = "+o.Val().ExactString())
		case *types.Var:
			out = append(out, prefix+"var "+name+" "+types.TypeString(o.Type(), qual))
		case *types.Func:
			out = append(out, prefix+"func "+name+signature(o.Type().(*types.Signature), qual))
		case *types.TypeName:
			out = append(out, typeLines(prefix, o, qual)...)
		}
	}
	return out
}

func typeLines(prefix string, tn *types.TypeName, qual types.Qualifier) []string {
	name := tn.Name()
	if tn.IsAlias() {
		return []string{prefix + "type " + name + " = " + types.TypeString(types.Unalias(tn.Type()), qual)}
	}
	named, ok := tn.Type().(*types.Named)
	if !ok {
		return nil
	}
	tparams := ""
	if tp := named.TypeParams(); tp.Len() > 0 {
		var ps []string
		for i := range tp.Len() {
			ps = append(ps, tp.At(i).Obj().Name()+" "+types.TypeString(tp.At(i).Constraint(), qual))
		}
		tparams = "[" + strings.Join(ps, ", ") + "]"
	}
	var out []string
	switch u := named.Underlying().(type) {
	case *types.Struct:
		out = append(out, prefix+"type "+name+tparams+" struct")
		for i := range u.NumFields() {
			f := u.Field(i)
			if f.Exported() {
				fname := f.Name()
				if f.Embedded() {
					fname = "embedded"
				}
				out = append(out, prefix+"type "+name+" struct, "+fname+" "+types.TypeString(f.Type(), qual))
			}
		}
	case *types.Interface:
		out = append(out, prefix+"type "+name+tparams+" interface")
		for i := range u.NumExplicitMethods() {
			m := u.ExplicitMethod(i)
			if m.Exported() {
				out = append(out, prefix+"type "+name+" interface, "+m.Name()+signature(m.Type().(*types.Signature), qual))
			}
		}
		for i := range u.NumEmbeddeds() {
			out = append(out, prefix+"type "+name+" interface, embedded "+types.TypeString(u.EmbeddedType(i), qual))
		}
	default:
		out = append(out, prefix+"type "+name+tparams+" "+types.TypeString(u, qual))
	}
	if types.IsInterface(named) {
		return out
	}
	for _, recv := range []types.Type{named, types.NewPointer(named)} {
		ms := types.NewMethodSet(recv)
		for i := range ms.Len() {
			sel := ms.At(i)
			m := sel.Obj().(*types.Func)
			if !m.Exported() || len(sel.Index()) > 1 {
				continue // unexported, or promoted from an embedded field (listed there)
			}
			if _, isPtr := recv.(*types.Pointer); isPtr && types.NewMethodSet(named).Lookup(m.Pkg(), m.Name()) != nil {
				continue // listed with T
			}
			r := name
			if _, isPtr := recv.(*types.Pointer); isPtr {
				r = "*" + name
			}
			out = append(out, prefix+"method ("+r+") "+m.Name()+signature(m.Type().(*types.Signature), qual))
		}
	}
	return out
}

// signature is a function's type parameters, parameters and results, without "func".
func signature(sig *types.Signature, qual types.Qualifier) string {
	// "func[T C](...) ...", type parameters included.
	return strings.TrimPrefix(types.TypeString(sig, qual), "func")
}
