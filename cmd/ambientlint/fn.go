package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/rules"
	"github.com/ambientkit/ambientkit/manifest"
)

const fnUsage = `Usage:
  ambientlint fn [--config FILE]

runs ambientlint as a KRM function: it reads a ResourceList on standard input (the objects a
kustomize build or a kpt pipeline produced), lints its items, and writes the ResourceList
back, unchanged, with each finding in results (severity, message, the resource, its file
and index, and the field). It exits 1 when a result is an error, so that a kustomize
validator or a kpt validator fails the build. See the README for the kustomization.

Flags:
`

// runFn is "ambientlint fn": the KRM function.
func runFn(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("ambientlint fn")
	configFile := ""
	fs.StringVar(&configFile, "config", "", "read the configuration from `FILE` (default: the defaults)")
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		io.WriteString(stdout, fnUsage)
		printFlags(stdout, fs)
		return exitOK
	}
	if err != nil {
		return usageError(stderr, "ambientlint fn", flagError(fs, err))
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "ambientlint fn", fmt.Errorf("fn reads a ResourceList on stdin and takes no paths, got %q", fs.Arg(0)))
	}
	failed, errorMessages := false, []string(nil)
	err = framework.Execute(framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		results, err := lintResourceList(ctx, rl.Items, configFile)
		if err != nil {
			return err
		}
		rl.Results = results
		for _, r := range results {
			if r.Severity == framework.Error {
				failed = true
				errorMessages = append(errorMessages, r.String())
			}
		}
		return nil
	}), &kio.ByteReadWriter{Reader: stdin, Writer: stdout})
	if err != nil {
		return failure(stderr, err)
	}
	if failed {
		// A runner that fails the build on the exit status (a kustomize validator) shows
		// standard error only.
		fmt.Fprintln(stderr, "ambientlint fn: "+strings.Join(errorMessages, "\n  "))
		return exitFindings
	}
	return exitOK
}

// fnItem is one item of the ResourceList, where it was written from.
type fnItem struct {
	node  *yaml.RNode
	file  string // its path annotation, "" when it has none
	index int    // its index annotation
}

// lintResourceList writes the items, grouped by their path annotations, as files of a
// scratch tree, lints the tree as one repository, and returns the findings as results that
// name each item's file and index and the field the finding points at.
func lintResourceList(ctx context.Context, items []*yaml.RNode, configFile string) (framework.Results, error) {
	dir, err := os.MkdirTemp("", "ambientlint-fn-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	byFile := map[string][]fnItem{}
	for i, n := range items {
		p, idx, _ := kioutil.GetFileAnnotations(n)
		it := fnItem{node: n, file: p, index: i}
		if v, err := strconv.Atoi(idx); err == nil {
			it.index = v
		}
		name := path.Clean("/" + filepath.ToSlash(p))[1:] // inside the scratch tree
		if p == "" || name == "" {
			name = "resources.yaml"
		}
		byFile[name] = append(byFile[name], it)
	}
	docs := map[string][]fnItem{} // scratch file → its items, in document order
	for name, its := range byFile {
		slices.SortStableFunc(its, func(a, b fnItem) int { return a.index - b.index })
		var text strings.Builder
		for i, it := range its {
			c := it.node.Copy()
			for _, a := range []string{kioutil.PathAnnotation, kioutil.IndexAnnotation, kioutil.IdAnnotation,
				kioutil.LegacyPathAnnotation, kioutil.LegacyIndexAnnotation, kioutil.LegacyIdAnnotation, kioutil.SeqIndentAnnotation} {
				_ = c.PipeE(yaml.ClearAnnotation(a))
			}
			s, err := c.String()
			if err != nil {
				return nil, err
			}
			if i > 0 {
				text.WriteString("---\n")
			}
			text.WriteString(s)
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, []byte(text.String()), 0o644); err != nil {
			return nil, err
		}
		docs[p] = its
	}

	opts := engine.Options{Paths: []string{dir}, Root: dir, Rules: rules.All()}
	if configFile != "" {
		cfg, err := loadConfig(&lintOptions{config: configFile}, dir, dir, opts.Rules)
		if err != nil {
			return nil, err
		}
		opts.Config = cfg
	}
	res, err := engine.Run(ctx, opts)
	if err != nil {
		return nil, err
	}
	var out framework.Results
	for _, f := range res.Findings {
		r := &framework.Result{
			Message:  fmt.Sprintf("%s [%s %s]", f.Message, f.Rule, f.Name),
			Severity: fnSeverity(f.Severity),
			Tags:     map[string]string{"rule": f.Rule, "name": f.Name},
		}
		abs := f.Pos.File
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(dir, abs)
		}
		if o := objectAt(res.Inventory, abs, f.Pos); o != nil && o.Doc < len(docs[abs]) {
			it := docs[abs][o.Doc]
			if it.file != "" {
				r.File = &framework.File{Path: it.file, Index: it.index}
			}
			id := yaml.ResourceIdentifier{TypeMeta: yaml.TypeMeta{APIVersion: it.node.GetApiVersion(), Kind: it.node.GetKind()},
				NameMeta: yaml.NameMeta{Name: it.node.GetName(), Namespace: it.node.GetNamespace()}}
			r.ResourceRef = &id
			if p := fieldPath(o.Root().YNode(), f.Pos.Line, f.Pos.Column, o.File); p != "" {
				r.Field = &framework.Field{Path: p}
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// fnSeverity is a finding's severity as a KRM result's.
func fnSeverity(s lint.Severity) framework.Severity {
	switch s {
	case lint.Error:
		return framework.Error
	case lint.Warning:
		return framework.Warning
	}
	return framework.Info
}

// objectAt returns the loaded object of the file at path that holds the position.
func objectAt(inv *manifest.Inventory, file string, pos manifest.Position) *manifest.Object {
	var best *manifest.Object
	for _, o := range inv.Objects {
		src := o
		if o.Source != nil {
			src = o.Source
		}
		if src.File == nil || src.File.Path != file {
			continue
		}
		if start := src.Pos(); start.Line <= pos.Line && (best == nil || start.Line > best.Pos().Line) {
			best = src
		}
	}
	return best
}

// fieldPath returns the path (spec.hosts[0]) of the node of root at line and column (as
// the file counts them), or "" when no node starts there.
func fieldPath(root *yaml.Node, line, column int, f *manifest.File) string {
	var walk func(n *yaml.Node, p string) string
	walk = func(n *yaml.Node, p string) string {
		if l, c := f.Position(n.Line, n.Column); l == line && c == column && p != "" {
			return p
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				sub := k
				switch {
				case strings.ContainsAny(k, ".[]'\" "):
					sub = p + "[" + strconv.Quote(k) + "]" // metadata.labels["istio.io/rev"]
				case p != "":
					sub = p + "." + k
				}
				if l, c := f.Position(n.Content[i].Line, n.Content[i].Column); l == line && c == column {
					return sub
				}
				if r := walk(n.Content[i+1], sub); r != "" {
					return r
				}
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				if r := walk(c, fmt.Sprintf("%s[%d]", p, i)); r != "" {
					return r
				}
			}
		}
		return ""
	}
	return walk(root, "")
}
