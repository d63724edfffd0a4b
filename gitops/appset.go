package gitops

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"github.com/ambientkit/ambientkit/manifest"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// appSetParams is one parameter set of an ApplicationSet generator: nested values for Go
// templates, flattened "a.b" keys for the default templating.
type appSetParams map[string]any

// expandApplicationSet renders an ApplicationSet's template for each parameter set of its
// list, git (directories and files) and matrix generators. Other generators (clusters,
// SCM, pull requests, plugins) yield one set with no parameters: fields templated from
// their parameters stay unresolved, and a source path that does not resolve is not
// followed.
func (b *builder) expandApplicationSet(o *manifest.Object) []*Unit {
	spec := nodeAt(o.Root().YNode(), "spec")
	tmpl := nodeAt(spec, "template")
	if tmpl == nil || tmpl.Kind != yaml.MappingNode {
		return nil
	}
	goTmpl := boolAt(spec, "goTemplate")
	var sets []appSetParams
	for _, g := range seqAt(spec, "generators") {
		sets = append(sets, b.generate(g, goTmpl)...)
	}
	var out []*Unit
	seen := map[string]bool{}
	for _, ps := range sets {
		rendered := yaml.CopyYNode(tmpl)
		renderNode(rendered, ps, goTmpl)
		name := scalarAt(rendered, "metadata", "name")
		if name == "" {
			name = o.Ref.Name
		}
		key := name + "\x00" + scalarAt(rendered, "spec", "source", "path")
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, &Unit{Kind: ApplicationUnit, Name: name, Namespace: o.Ref.Namespace, Object: o,
			Generator: o.Ref.Name, spec: rendered})
	}
	return out
}

// generate returns the parameter sets of one generator.
func (b *builder) generate(g *yaml.Node, goTmpl bool) []appSetParams {
	switch {
	case nodeAt(g, "list") != nil:
		var out []appSetParams
		for _, e := range seqAt(g, "list", "elements") {
			m := decodeMap(e)
			if m == nil {
				continue
			}
			out = append(out, paramsOf(m, goTmpl))
		}
		return out
	case nodeAt(g, "git") != nil:
		return b.gitGenerator(nodeAt(g, "git"), goTmpl)
	case nodeAt(g, "matrix") != nil:
		gens := seqAt(g, "matrix", "generators")
		if len(gens) != 2 {
			return []appSetParams{{}}
		}
		var out []appSetParams
		for _, a := range b.generate(gens[0], goTmpl) {
			for _, c := range b.generate(gens[1], goTmpl) {
				m := maps.Clone(a)
				maps.Copy(m, c)
				out = append(out, m)
			}
		}
		return out
	}
	return []appSetParams{{}}
}

// paramsOf turns a generator's element into parameters: as is for Go templates, flattened
// to dotted keys for the default templating.
func paramsOf(m map[string]any, goTmpl bool) appSetParams {
	if goTmpl {
		return appSetParams(m)
	}
	out := appSetParams{}
	var flat func(prefix string, v any)
	flat = func(prefix string, v any) {
		if mm, ok := v.(map[string]any); ok {
			for k, x := range mm {
				key := k
				if prefix != "" {
					key = prefix + "." + k
				}
				flat(key, x)
			}
			return
		}
		out[prefix] = fmt.Sprint(v)
	}
	flat("", m)
	return out
}

var nonAlnum = regexp.MustCompile(`[^a-zA-Z0-9]+`)

// pathParams are the parameters a git generator gives for a directory (or a file's
// directory).
func pathParams(dir, file string, goTmpl bool, prefix string) appSetParams {
	segs := strings.Split(dir, "/")
	base := path.Base(dir)
	norm := strings.ToLower(nonAlnum.ReplaceAllString(base, "-"))
	if goTmpl {
		p := map[string]any{"path": dir, "basename": base, "basenameNormalized": norm,
			"segments": toAny(segs)}
		if file != "" {
			p["filename"] = file
			p["filenameNormalized"] = strings.ToLower(nonAlnum.ReplaceAllString(file, "-"))
		}
		if prefix != "" {
			return appSetParams{prefix: map[string]any{"path": p}}
		}
		return appSetParams{"path": p}
	}
	key := "path"
	if prefix != "" {
		key = prefix + ".path"
	}
	out := appSetParams{key: dir, key + ".basename": base, key + ".basenameNormalized": norm}
	for i, s := range segs {
		out[fmt.Sprintf("%s[%d]", key, i)] = s
	}
	if file != "" {
		out[key+".filename"] = file
		out[key+".filenameNormalized"] = strings.ToLower(nonAlnum.ReplaceAllString(file, "-"))
	}
	return out
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// gitGenerator expands a git generator over the tree, when its repository is this one.
func (b *builder) gitGenerator(g *yaml.Node, goTmpl bool) []appSetParams {
	if repo := scalarAt(g, "repoURL"); repo != "" && !b.isLocalRepo(repo) {
		return nil
	}
	prefix := scalarAt(g, "pathParamPrefix")
	var out []appSetParams
	if dirs := seqAt(g, "directories"); len(dirs) > 0 {
		var include, exclude []string
		for _, d := range dirs {
			if p := scalarAt(d, "path"); p != "" {
				if boolAt(d, "exclude") {
					exclude = append(exclude, p)
				} else {
					include = append(include, p)
				}
			}
		}
		var found []string
		for _, pat := range include {
			matches := b.glob(pat)
			for _, mt := range matches {
				if !b.stat(mt).dir {
					continue
				}
				rel := b.relSlash(mt)
				if strings.HasPrefix(path.Base(rel), ".") {
					continue
				}
				if slices.ContainsFunc(exclude, func(x string) bool { ok, _ := path.Match(x, rel); return ok }) {
					continue
				}
				found = append(found, rel)
			}
		}
		slices.Sort(found)
		for _, d := range slices.Compact(found) {
			out = append(out, pathParams(d, "", goTmpl, prefix))
		}
	}
	for _, f := range seqAt(g, "files") {
		pat := scalarAt(f, "path")
		if pat == "" {
			continue
		}
		matches := b.glob(pat)
		slices.Sort(matches)
		for _, mt := range matches {
			data, err := b.readFile(mt)
			if err != nil {
				continue
			}
			var v any
			if err := yaml.Unmarshal(data, &v); err != nil {
				continue
			}
			var elems []map[string]any
			switch x := v.(type) {
			case map[string]any:
				elems = []map[string]any{x}
			case []any:
				for _, e := range x {
					if m, ok := e.(map[string]any); ok {
						elems = append(elems, m)
					}
				}
			}
			rel := b.relSlash(mt)
			for _, e := range elems {
				ps := paramsOf(e, goTmpl)
				maps.Copy(ps, pathParams(path.Dir(rel), path.Base(rel), goTmpl, prefix))
				out = append(out, ps)
			}
		}
	}
	return out
}

var fastTemplate = regexp.MustCompile(`\{\{\s*([^{}]+?)\s*\}\}`)

// renderNode renders every templated scalar of n in place. A scalar that does not render
// (an unknown parameter, a function the model does not evaluate) keeps its text.
func renderNode(n *yaml.Node, ps appSetParams, goTmpl bool) {
	if n == nil {
		return
	}
	if n.Kind == yaml.ScalarNode {
		if strings.Contains(n.Value, "{{") {
			if v, ok := renderString(n.Value, ps, goTmpl); ok {
				n.Value = v
			}
		}
		return
	}
	for _, c := range n.Content {
		renderNode(c, ps, goTmpl)
	}
}

func renderString(s string, ps appSetParams, goTmpl bool) (string, bool) {
	if goTmpl {
		t, err := template.New("").Option("missingkey=error").Parse(s)
		if err != nil {
			return s, false
		}
		var sb strings.Builder
		if err := t.Execute(&sb, map[string]any(ps)); err != nil {
			return s, false
		}
		return sb.String(), true
	}
	ok := true
	out := fastTemplate.ReplaceAllStringFunc(s, func(m string) string {
		key := strings.TrimSpace(fastTemplate.FindStringSubmatch(m)[1])
		v, found := ps[key]
		if !found {
			ok = false
			return m
		}
		return fmt.Sprint(v)
	})
	return out, ok
}
