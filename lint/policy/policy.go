package policy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	opa "github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/util"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
	bundle "github.com/ambientkit/ambientkit/rego"
)

// The rule names conftest evaluates, as its policy engine matches them.
var (
	warningRule = regexp.MustCompile(`^warn(_[a-zA-Z0-9]+)*$`)
	failureRule = regexp.MustCompile(`^(deny|violation)(_[a-zA-Z0-9]+)*$`)
)

// Options says how a Set is compiled and evaluated.
type Options struct {
	// Capabilities are what policies may call; nil means the bundle's locked-down ones
	// (rego.Capabilities).
	Capabilities *ast.Capabilities
	// Namespaces are the packages evaluated, without "data." ("main", "ambientlint.egress");
	// a name ending in ".*" selects the packages below it, and "*" every package (conftest's
	// --all-namespaces); nil means "main", as in conftest.
	Namespaces []string
	// Combine evaluates all objects at once (conftest's --combine) instead of each alone.
	Combine bool
}

// Set is a compiled set of policies.
type Set struct {
	combine bool
	byRule  bool      // results name their rule (the bundle's "rule": "AMB301"): grouped by it
	applied bool      // the input holds the objects as the model applies them, not as written
	rules   []ruleRef // sorted by namespace, then name
	caps    *ast.Capabilities
	comp    *ast.Compiler
	queries []string // the rules (and their exceptions) in groups of packages: r0 := …, e0 := …
	fact    *lint.Fact[*evaluation]
}

// ruleRef is one rule a Set evaluates, and the exceptions that can turn it off.
type ruleRef struct {
	namespace, name string
	severity        lint.Severity
	exceptions      bool // the namespace defines exception
}

// id is the rule's ID as findings carry it: policy:<namespace>.<name>.
func (r ruleRef) id() string { return "policy:" + r.namespace + "." + r.name }

// Source is a tree of policies: every .rego file in FS, named in messages as Name/path.
type Source struct {
	Name string
	FS   fs.FS
}

// Compile parses every .rego file of the sources (tests, *_test.rego, left out) as Rego v1
// and compiles them together, as conftest compiles the directories of its -p flags, with
// opts.Capabilities. A built-in the capabilities refuse is an error that names it and where
// it is called.
func Compile(ctx context.Context, sources []Source, opts Options) (*Set, error) {
	caps := opts.Capabilities
	if caps == nil {
		var err error
		if caps, err = bundle.Capabilities(); err != nil {
			return nil, err
		}
	}
	var modules = map[string]*ast.Module{}
	for _, src := range sources {
		err := fs.WalkDir(src.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || path.Ext(p) != ".rego" || strings.HasSuffix(p, "_test.rego") {
				return nil
			}
			text, err := fs.ReadFile(src.FS, p)
			if err != nil {
				return err
			}
			name := path.Join(src.Name, p)
			m, err := ast.ParseModuleWithOpts(name, string(text), ast.ParserOptions{RegoVersion: ast.RegoV1, Capabilities: caps})
			if err != nil {
				return err
			}
			modules[name] = m
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(modules) == 0 {
		return nil, errors.New("no .rego files")
	}
	c := ast.NewCompiler().WithCapabilities(caps)
	if c.Compile(modules); c.Failed() {
		return nil, compileError(c.Errors, caps)
	}
	s := &Set{combine: opts.Combine}
	s.fact = &lint.Fact[*evaluation]{Name: "policy evaluation", Compute: s.evaluate}
	s.rules = selectRules(modules, opts.Namespaces)
	if len(s.rules) == 0 {
		return s, nil
	}
	// Each group of packages is one query, evaluated on its own goroutine in combined mode:
	// OPA evaluates a query on one thread, and the packages of the bundle are of a size.
	// Rules that share a package share a query, so that what the package computes once
	// (its indexes of the input) is computed once.
	var namespaces []string
	for _, r := range s.rules {
		if !slices.Contains(namespaces, r.namespace) {
			namespaces = append(namespaces, r.namespace)
		}
	}
	groups := 1
	if opts.Combine {
		groups = max(1, min(runtime.GOMAXPROCS(0), len(namespaces)))
	}
	qs := make([]strings.Builder, groups)
	for i, r := range s.rules {
		q := &qs[slices.Index(namespaces, r.namespace)%groups]
		fmt.Fprintf(q, "r%d := [x | some x in data.%s.%s]\n", i, r.namespace, r.name)
		if r.exceptions {
			fmt.Fprintf(q, "e%d := [1 | data.%s.exception[_][_] == %q]\n", i, r.namespace, unprefixed(r.name))
		}
	}
	for i := range qs {
		s.queries = append(s.queries, qs[i].String())
	}
	s.caps, s.comp = caps, c
	// Prepared once here, so that a query that does not compile fails now, not in a rule.
	if _, err := s.prepare(ctx, lint.Settings{}, nil, nil); err != nil {
		return nil, err
	}
	return s, nil
}

// prepare prepares the Set's queries with the run's settings as data.ambientlint.config, in
// the shape of the configuration file (egress.allowWildcards), which the bundle reads and
// a conftest user passes with --data.
//
// With a model (the bundle's twins), data.ambientlint.context says what the input alone cannot:
// unseen_namespaces, the namespaces that receive objects the model cannot see (a chart
// install, a source the tree does not hold). Without it, conftest's case, a rule assumes any
// namespace that a GitOps unit deploys into may be one.
//
// chart_values gives, by "entry/chart" (the entry's index in the combined input), the values
// the model merged for each chart install that an Application or HelmRelease of objs asks for:
// value files in the tree and Flux valuesFrom ConfigMaps, which the documents alone do not
// show; chart_values_known, by the same key, whether the tree holds all of them (no value
// file or valuesFrom outside it).
func (s *Set) prepare(ctx context.Context, settings lint.Settings, m *gitops.Model, objs []*manifest.Object) ([]opa.PreparedEvalQuery, error) {
	wildcards := make([]any, len(settings.AllowWildcards))
	for i, w := range settings.AllowWildcards {
		wildcards[i] = w
	}
	top := map[string]any{"config": map[string]any{
		"egress": map[string]any{"allowWildcards": wildcards},
	}}
	if m != nil {
		var unseen []any
		for _, ns := range m.UnseenNamespaces() {
			unseen = append(unseen, ns)
		}
		context := map[string]any{"unseen_namespaces": append([]any{}, unseen...)}
		index := make(map[*manifest.Object]int, len(objs))
		for i, o := range objs {
			index[o] = i
		}
		values, known := map[string]any{}, map[string]any{}
		for _, c := range m.Charts {
			i, ok := index[c.Object]
			if c.Object == nil || !ok || c.Values == nil {
				continue
			}
			// Through JSON, as the store holds documents: Helm values are YAML's types.
			b, err := json.Marshal(c.Values)
			if err != nil {
				continue
			}
			var v any
			if err := util.UnmarshalJSON(b, &v); err == nil {
				values[fmt.Sprintf("%d/%s", i, c.Chart)] = v
				known[fmt.Sprintf("%d/%s", i, c.Chart)] = c.ValuesKnown
			}
		}
		context["chart_values"], context["chart_values_known"] = values, known
		top["context"] = context
	}
	data := map[string]any{"ambientlint": top}
	store := inmem.NewFromObject(data)
	var out []opa.PreparedEvalQuery
	for _, q := range s.queries {
		pq, err := opa.New(opa.Compiler(s.comp), opa.Query(q), opa.Capabilities(s.caps), opa.StrictBuiltinErrors(true),
			opa.Store(store)).PrepareForEval(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, pq)
	}
	return out, nil
}

// selectRules lists the deny, violation and warn rules of the selected namespaces.
func selectRules(modules map[string]*ast.Module, namespaces []string) []ruleRef {
	if namespaces == nil {
		namespaces = []string{"main"}
	}
	selected := func(ns string) bool {
		for _, want := range namespaces {
			if prefix, ok := strings.CutSuffix(want, ".*"); want == "*" || ok && (ns == prefix || strings.HasPrefix(ns, prefix+".")) || ns == want {
				return true
			}
		}
		return false
	}
	seen := map[ruleRef]bool{}
	hasException := map[string]bool{}
	var out []ruleRef
	for _, m := range modules {
		ns := strings.TrimPrefix(m.Package.Path.String(), "data.")
		if !selected(ns) {
			continue
		}
		for _, r := range m.Rules {
			name := r.Head.Name.String()
			if len(r.Head.Reference) > 0 {
				name = r.Head.Reference[0].Value.(ast.Var).String()
			}
			if name == "exception" {
				hasException[ns] = true
			}
			sev := lint.Off
			switch {
			case failureRule.MatchString(name):
				sev = lint.Error
			case warningRule.MatchString(name):
				sev = lint.Warning
			default:
				continue
			}
			ref := ruleRef{namespace: ns, name: name, severity: sev}
			if !seen[ref] {
				seen[ref] = true
				out = append(out, ref)
			}
		}
	}
	for i := range out {
		out[i].exceptions = hasException[out[i].namespace]
	}
	slices.SortFunc(out, func(a, b ruleRef) int { return strings.Compare(a.id(), b.id()) })
	return out
}

// unprefixed is a rule's name as conftest's exceptions name it: without deny_, violation_ or
// warn_ ("" for deny, violation and warn themselves).
func unprefixed(name string) string {
	for _, p := range []string{"deny", "violation", "warn"} {
		if name == p {
			return ""
		}
		if rest, ok := strings.CutPrefix(name, p+"_"); ok {
			return rest
		}
	}
	return name
}

// compileError says why policies do not compile, naming a built-in that the capabilities
// refuse where one is called.
func compileError(errs ast.Errors, caps *ast.Capabilities) error {
	all := map[string]bool{}
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		all[b.Name] = true
	}
	allowed := map[string]bool{}
	for _, b := range caps.Builtins {
		allowed[b.Name] = true
	}
	var msgs []string
	for _, e := range errs {
		msg := e.Message
		if name, ok := strings.CutPrefix(msg, "undefined function "); ok && all[name] && !allowed[name] {
			msg = fmt.Sprintf("%s is not allowed: policies run without network access or runtime information", name)
		}
		where := ""
		if e.Location != nil {
			where = fmt.Sprintf("%s:%d: ", e.Location.File, e.Location.Row)
		}
		msgs = append(msgs, where+msg)
	}
	slices.Sort(msgs)
	return errors.New(strings.Join(slices.Compact(msgs), "\n"))
}

// Rules returns one lint rule for each deny, violation and warn rule of the Set: ID
// policy:<namespace>.<rule>, error for deny and violation, warning for warn.
func (s *Set) Rules(origin string) []*lint.Rule {
	var out []*lint.Rule
	for _, r := range s.rules {
		id := r.id()
		out = append(out, &lint.Rule{
			ID: id, Name: r.name, Severity: r.severity,
			Summary: fmt.Sprintf("the results of the Rego rule data.%s.%s (%s)", r.namespace, r.name, origin),
			Doc: fmt.Sprintf("A team's own policy, from %s, evaluated as conftest evaluates it: every result of "+
				"data.%s.%s is a finding, at the field its path names, or at the object.", origin, r.namespace, r.name),
			Trees: true,
			Run: func(p *lint.Pass) error {
				ev := s.fact.Of(p)
				if ev.err != nil {
					return ev.err
				}
				for _, f := range ev.findings[id] {
					p.Report(f)
				}
				return nil
			},
		})
	}
	return out
}

// findings evaluates the Set on the objects of a pass (once per run) and returns the
// findings of the rule with that ID.
func (s *Set) findings(p *lint.Pass, id string) ([]lint.Finding, error) {
	ev := s.fact.Of(p)
	return ev.findings[id], ev.err
}

// evaluation is what one run's evaluation of a Set found, by rule ID.
type evaluation struct {
	findings map[string][]lint.Finding
	err      error
}

// evaluate runs the Set's query over the pass's objects: once on all of them, or once on
// each.
func (s *Set) evaluate(p *lint.Pass) *evaluation {
	ev := &evaluation{findings: map[string][]lint.Finding{}}
	if len(s.rules) == 0 {
		return ev
	}
	ctx := context.Background()
	var m *gitops.Model
	if s.applied {
		m = p.Model
	}
	queries, err := s.prepare(ctx, p.Settings, m, p.Inventory.Objects)
	if err != nil {
		ev.err = err
		return ev
	}
	objs := p.Inventory.Objects
	if s.combine {
		in, err := input(objs, m)
		if err != nil {
			ev.err = err
			return ev
		}
		object := func(doc int) *manifest.Object {
			if doc >= 0 && doc < len(objs) {
				return objs[doc]
			}
			return nil
		}
		// One goroutine a query; their findings are merged in query order.
		parts := make([]*evaluation, len(queries))
		var wg sync.WaitGroup
		for i, q := range queries {
			parts[i] = &evaluation{findings: map[string][]lint.Finding{}}
			wg.Go(func() { parts[i].err = s.eval(ctx, q, in, parts[i], p.Model, object) })
		}
		wg.Wait()
		for _, part := range parts {
			if part.err != nil && ev.err == nil {
				ev.err = part.err
			}
			for id, fs := range part.findings {
				ev.findings[id] = append(ev.findings[id], fs...)
			}
		}
		return ev
	}
	for _, o := range objs {
		t, err := objectTerm(o, m)
		if err != nil {
			continue // an object that does not convert is AMB001's
		}
		if ev.err = s.eval(ctx, queries[0], t.Value, ev, p.Model, func(int) *manifest.Object { return o }); ev.err != nil {
			return ev
		}
	}
	return ev
}

// eval evaluates the query on input and adds the results to ev; object says which object a
// result is about, from its doc (-1 when it has none).
func (s *Set) eval(ctx context.Context, query opa.PreparedEvalQuery, input ast.Value, ev *evaluation, model *gitops.Model, object func(doc int) *manifest.Object) error {
	rs, err := query.Eval(ctx, opa.EvalParsedInput(input))
	if err != nil {
		return err
	}
	if len(rs) == 0 {
		return nil
	}
	b := rs[0].Bindings
	for i, r := range s.rules {
		if exc, _ := b["e"+strconv.Itoa(i)].([]any); len(exc) > 0 {
			continue
		}
		results, ok := b["r"+strconv.Itoa(i)].([]any)
		if !ok {
			continue // the rule is another query's
		}
		for _, v := range results {
			f, ok := finding(v, s.combine, model, object)
			if !ok {
				continue
			}
			id := r.id()
			if s.byRule {
				if id, ok = v.(map[string]any)["rule"].(string); !ok {
					continue
				}
			}
			ev.findings[id] = append(ev.findings[id], f)
		}
	}
	return nil
}

// finding turns one result into a finding: a string is a message about the object (or the
// run); an object needs msg, and may give path, doc and severity.
func finding(v any, combine bool, model *gitops.Model, object func(doc int) *manifest.Object) (lint.Finding, bool) {
	var f lint.Finding
	var fieldPath []string
	doc := -1
	if !combine {
		doc = 0
	}
	switch r := v.(type) {
	case string:
		f.Message = r
	case map[string]any:
		msg, ok := r["msg"].(string)
		if !ok {
			return f, false
		}
		f.Message = msg
		if combine {
			if n, ok := number(r["doc"]); ok {
				doc = n
			}
		}
		if ps, ok := r["path"].([]any); ok {
			for _, e := range ps {
				switch e := e.(type) {
				case string:
					fieldPath = append(fieldPath, e)
				default:
					if n, ok := number(e); ok {
						fieldPath = append(fieldPath, strconv.Itoa(n))
					}
				}
			}
		}
		if s, ok := r["severity"].(string); ok {
			if sev, err := lint.ParseSeverity(s); err == nil && sev != lint.Off {
				f.Severity = sev
			}
		}
	default:
		return f, false
	}
	if o := object(doc); o != nil && doc >= 0 {
		f.Pos = o.Pos(fieldPath...)
		f.Object = o.Ref
		if len(fieldPath) == 3 && fieldPath[0] == "metadata" && fieldPath[1] == "labels" && o.Lookup(fieldPath...) == nil {
			if at, ok := model.LabelSetAt(o, fieldPath[2]); ok {
				f.Pos = at // a label a build sets, where the build sets it
			}
		}
		// value_line points into the text of a block scalar (a URL in a ConfigMap's script,
		// a key of its embedded config.yaml): its content starts on the line below the
		// indicator.
		if r, ok := v.(map[string]any); ok {
			if n, ok := number(r["value_line"]); ok && n > 0 {
				if node := o.Lookup(fieldPath...); node != nil && node.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
					f.Pos.Line += n
					f.Pos.Column, f.Pos.EndLine, f.Pos.EndColumn = 1, 0, 0
				}
			}
		}
	}
	return f, true
}

// number reads a JSON number (json.Number, as OPA gives them, or a Go number).
func number(v any) (int, bool) {
	switch n := v.(type) {
	case interface{ Int64() (int64, error) }:
		i, err := n.Int64()
		return int(i), err == nil
	case int:
		return n, true
	case float64:
		return int(n), n == float64(int(n))
	}
	return 0, false
}

// input returns the combined input of objs, as conftest's --combine gives it: an array of
// {"path": file, "contents": object}, in the order of objs; each object as the cluster gets
// it (see asApplied) with a model, as written without one.
func input(objs []*manifest.Object, m *gitops.Model) (ast.Value, error) {
	entries := make([]*ast.Term, len(objs))
	errs := make([]error, len(objs))
	// The objects convert alone: in chunks, one goroutine a processor.
	workers := max(1, min(runtime.GOMAXPROCS(0), len(objs)/256))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			pathKey, contentsKey := ast.StringTerm("path"), ast.StringTerm("contents")
			for i := w; i < len(objs); i += workers {
				o := objs[i]
				contents, err := objectTerm(o, m)
				if err != nil {
					errs[i] = fmt.Errorf("%s: %w", o.Pos(), err)
					continue
				}
				entries[i] = ast.ObjectTerm(ast.Item(pathKey, ast.StringTerm(filePath(o))), ast.Item(contentsKey, contents))
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return ast.NewArray(entries...), nil
}

// objectTerm returns one object as a Rego value: as the cluster gets it (see asApplied) with
// a model, as written without one.
func objectTerm(o *manifest.Object, m *gitops.Model) (*ast.Term, error) {
	root := o.Root()
	if root == nil {
		return ast.NullTerm(), nil
	}
	t, err := valueOf(root.YNode())
	if err != nil {
		return nil, err
	}
	asApplied(t, o, m)
	return t, nil
}

// asApplied gives the object term t (o as written) what the GitOps model resolved for it,
// as the cluster gets it: its effective namespace (kustomize's namespace, an Argo CD
// destination, a Flux targetNamespace), the name a build gives a Namespace, and the labels
// a build adds (commonLabels, labels, Flux's commonMetadata).
func asApplied(t *ast.Term, o *manifest.Object, m *gitops.Model) {
	if t == nil || m == nil {
		return
	}
	obj, ok := t.Value.(ast.Object)
	if !ok {
		return
	}
	renamed := o.Ref.Kind == "Namespace" && m != nil && m.Name(o) != o.Ref.Name
	moved := o.Namespace != "" && o.Namespace != o.Ref.Namespace
	relabelled := !labelsAsWritten(o)
	if !moved && !renamed && !relabelled {
		return
	}
	mt := obj.Get(ast.InternedTerm("metadata"))
	if mt == nil {
		return
	}
	meta, ok := mt.Value.(ast.Object)
	if !ok {
		return
	}
	if moved {
		meta.Insert(ast.InternedTerm("namespace"), ast.StringTerm(o.Namespace))
	}
	if renamed {
		meta.Insert(ast.InternedTerm("name"), ast.StringTerm(m.Name(o)))
	}
	if relabelled {
		labels := ast.NewObject()
		for k, v := range o.Labels {
			labels.Insert(ast.StringTerm(k), ast.StringTerm(v))
		}
		meta.Insert(ast.InternedTerm("labels"), ast.NewTerm(labels))
	}
}

// labelsAsWritten reports whether o's labels are those its manifest writes, none added by a
// build.
func labelsAsWritten(o *manifest.Object) bool {
	n := o.Lookup("metadata", "labels")
	written := 0
	if n != nil && n.Kind == yaml.MappingNode {
		written = len(n.Content) / 2
	}
	if written != len(o.Labels) {
		return false
	}
	for i := 0; n != nil && i+1 < len(n.Content); i += 2 {
		if v, ok := o.Labels[n.Content[i].Value]; !ok || v != n.Content[i+1].Value {
			return false
		}
	}
	return true
}

// filePath is the path an object's file is named by in the input.
func filePath(o *manifest.Object) string {
	if o.File == nil {
		return ""
	}
	return o.File.Path
}
