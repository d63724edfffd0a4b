package gitops

import (
	"bytes"
	"strings"

	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/manifest/load"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// substVars are the postBuild variables of a Flux Kustomization.
type substVars struct {
	vars map[string]string
	// always is postBuild.substituteStrategy: Always; by default Flux substitutes only when
	// at least one variable is defined.
	always bool
	// complete is false when a substituteFrom source is outside the tree: an undefined
	// variable may then be defined there, so even its default is not known to apply.
	complete bool
}

// substVarsOf reads a Kustomization's postBuild: substitute, then substituteFrom ConfigMaps
// and Secrets of the tree (later ones win, inline substitute wins over all). Variables of
// sources outside the tree are unknown and stay as written. nil when there is no postBuild.
func (b *builder) substVarsOf(u *Unit, spec *yaml.Node) *substVars {
	pb := nodeAt(spec, "postBuild")
	if pb == nil {
		return nil
	}
	sv := &substVars{vars: map[string]string{}, always: scalarAt(pb, "substituteStrategy") == "Always", complete: true}
	for _, from := range seqAt(pb, "substituteFrom") {
		data, ok := b.configData(scalarAt(from, "kind"), u.Namespace, scalarAt(from, "name"), b.unitFileAbs(u))
		if !ok {
			if !boolAt(from, "optional") {
				sv.complete = false
			}
			continue
		}
		for k, v := range data {
			sv.vars[k] = v
		}
	}
	for k, v := range mapAt(pb, "substitute") {
		sv.vars[k] = v
	}
	return sv
}

// substitute applies Flux postBuild substitution to every object a Kustomization with
// variables applies (the first such Kustomization, when several apply the same file). It
// reports whether an object the model itself reads (Argo CD and Flux kinds) changed, which
// calls for another pass.
func (b *builder) substitute() bool {
	again := false
	holdsExpr := map[*manifest.File]bool{} // mayHoldExpr of a file's text, read once a file
	for _, o := range b.objects {
		if b.orig[o] || !o.HasRoot() {
			continue
		}
		var sv *substVars
		for _, p := range b.m.place[o] {
			if p.Unit.Kind == KustomizationUnit && p.Unit.subst != nil {
				sv = p.Unit.subst
				break
			}
		}
		if sv == nil || (len(sv.vars) == 0 && !sv.always) {
			continue
		}
		if o.Labels["kustomize.toolkit.fluxcd.io/substitute"] == "disabled" ||
			o.Annotations["kustomize.toolkit.fluxcd.io/substitute"] == "disabled" {
			continue
		}
		if o.Released() {
			// Its tree is asked for only if the file's text can hold a variable.
			may, ok := holdsExpr[o.File]
			if !ok {
				may = mayHoldExpr(o.File.Data)
				holdsExpr[o.File] = may
			}
			if !may {
				continue
			}
		}
		if !hasExpr(o.Root().YNode()) {
			continue
		}
		cp := o.Root().Copy()
		if !substNode(cp.YNode(), sv) {
			continue
		}
		b.orig[o] = true
		o.SetRoot(cp)
		rederive(o)
		b.rewritten(o)
		switch o.Group {
		case "argoproj.io", "kustomize.toolkit.fluxcd.io", "helm.toolkit.fluxcd.io", "source.toolkit.fluxcd.io":
			again = true
		}
	}
	return again
}

// mayHoldExpr reports whether a file's text may hold a scalar with "${": written as it is,
// or through a double-quoted escape (of the "$", or of a line break between it and "{").
func mayHoldExpr(data []byte) bool {
	return bytes.Contains(data, []byte("${")) || bytes.IndexByte(data, '\\') >= 0
}

// hasExpr reports whether a scalar of n holds "${".
func hasExpr(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	if n.Kind == yaml.ScalarNode {
		return strings.Contains(n.Value, "${")
	}
	for _, c := range n.Content {
		if hasExpr(c) {
			return true
		}
	}
	return false
}

// substNode substitutes the scalars of n in place; it reports whether any changed. A plain
// scalar that changed gets its tag resolved again, as Flux substitutes text before parsing.
func substNode(n *yaml.Node, sv *substVars) bool {
	if n == nil {
		return false
	}
	if n.Kind == yaml.ScalarNode {
		if !strings.Contains(n.Value, "$") {
			return false
		}
		v := envsubst(n.Value, sv.vars, sv.complete)
		if v == n.Value {
			return false
		}
		n.Value = v
		if n.Style == 0 {
			n.Tag = ""
		}
		return true
	}
	changed := false
	for _, c := range n.Content {
		if substNode(c, sv) {
			changed = true
		}
	}
	return changed
}

// envsubst expands ${VAR}, ${VAR:=default}, ${VAR:-default}, ${VAR=default} and
// ${VAR-default} as Flux does (all four take the default when VAR is unset or empty), and
// $${VAR} to a literal ${VAR}. An undefined variable
// stays as written (opaque) when it has no default or the variables are not complete, and
// so does every other expression form. (Flux itself replaces an undefined variable without
// a default by ""; keeping it opaque spares rules from judging a value nobody wrote.)
func envsubst(s string, vars map[string]string, complete bool) string {
	var sb strings.Builder
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "$${") {
			sb.WriteString("${")
			i += 3
			continue
		}
		if !strings.HasPrefix(s[i:], "${") {
			sb.WriteByte(s[i])
			i++
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			sb.WriteString(s[i:])
			break
		}
		expr := s[i+2 : i+end]
		whole := s[i : i+end+1]
		i += end + 1
		name := expr
		op, def := "", ""
		for j := 0; j < len(expr); j++ {
			c := expr[j]
			if c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || (j > 0 && '0' <= c && c <= '9') {
				continue
			}
			name = expr[:j]
			rest := expr[j:]
			for _, o := range []string{":=", ":-", "=", "-"} {
				if strings.HasPrefix(rest, o) {
					op, def = o, rest[len(o):]
					break
				}
			}
			if op == "" {
				op = "?" // an expression form the model does not evaluate
			}
			break
		}
		v, ok := vars[name]
		switch op {
		case "":
			if ok {
				sb.WriteString(v)
				continue
			}
		case ":=", ":-", "=", "-":
			// fluxcd/pkg/envsubst evaluates all four with the same function: the default
			// replaces a variable that is unset or empty.
			if ok && v != "" {
				sb.WriteString(v)
				continue
			}
			if ok || complete {
				sb.WriteString(def)
				continue
			}
		}
		sb.WriteString(whole)
	}
	return sb.String()
}

// rederive recomputes what the loader derived from an object's node after the node was
// replaced: its reference, labels, annotations and typed form.
func rederive(o *manifest.Object) {
	n := o.Root()
	o.Ref.Name = n.GetName()
	o.Ref.Namespace = n.GetNamespace()
	o.Labels = n.GetLabels()
	o.Annotations = n.GetAnnotations()
	// A known kind decodes again: an object whose ${VAR} kept it from decoding may now.
	o.Typed = load.Decode(o)
}
