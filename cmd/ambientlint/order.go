package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/output"
	"github.com/ambientkit/ambientkit/lint/rules"
)

const orderUsage = `Usage:
  ambientlint order [--format text|mermaid|dot|json] [--repo-root DIR] [--config FILE] [PATH...]

ambientlint order prints the sync order that the GitOps model resolves for the manifests under
each PATH (default "."): one line per Argo CD Application, Flux Kustomization or HelmRelease,
in the order they sync and indented under the one that applies them, with its sync wave
(Argo CD) or dependency depth (Flux), the mesh components it installs and the namespaces it
enrolls in ambient mode. --format mermaid and --format dot draw the same order as a graph,
with the mesh components marked, for a README or a pull request comment; --format json
writes the steps for scripts.

Flags:
`

// orderFormats are the formats of the order command.
var orderFormats = []string{"text", "mermaid", "dot", "json"}

// runOrder is "ambientlint order": the resolved sync order of a tree.
func runOrder(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("ambientlint order")
	format, repoRootDir, configFile := "text", "", ""
	fs.Var(choiceFlag{&format, orderFormats}, "format", "write the order as `FORMAT`: text (one line per step), mermaid or dot (a graph),\nor json")
	fs.StringVar(&repoRootDir, "repo-root", "", "treat `DIR` as the repository root (default: the git top level of the\nfirst PATH); Argo CD and Flux source paths resolve from it")
	fs.StringVar(&configFile, "config", "", "read the configuration from `FILE` instead of the .ambientlint.yaml found\nfrom the first PATH up to the repository root")
	// A live cluster has no sync order: its objects are already applied. Said plainly
	// rather than as an unknown flag.
	var live bool
	fs.BoolVar(&live, "cluster", false, "refused: a live cluster has no GitOps sync order")
	paths, err := parseInterspersed(fs, args)
	if err == nil && live {
		return usageError(stderr, "ambientlint order", errors.New("order prints the sync order of a repository's GitOps tree; a live cluster (--cluster) has none: its objects are already applied"))
	}
	if errors.Is(err, flag.ErrHelp) {
		io.WriteString(stdout, orderUsage)
		printFlags(stdout, fs)
		return exitOK
	}
	if err != nil {
		return usageError(stderr, "ambientlint order", flagError(fs, err))
	}
	paths, err = inputPaths(paths)
	if err != nil {
		return failure(stderr, err)
	}
	root, err := repoRoot(repoRootDir, paths[0])
	if err != nil {
		return failure(stderr, err)
	}
	cfg, err := loadConfig(&lintOptions{config: configFile}, paths[0], root, rules.All())
	if err != nil {
		return failure(stderr, err)
	}
	res, err := engine.Run(ctx, engine.Options{Paths: paths, Stdin: stdin, Config: cfg, Root: root})
	if err != nil {
		return failure(stderr, err)
	}
	if n := res.Unreached; n > 0 {
		fmt.Fprintf(stderr, "ambientlint order: %d %s applied by nothing (left out of every kustomization, Flux path and Argo CD source)\n",
			n, plural(n, "object is", "objects are"))
	}
	if n := len(res.LoadFindings); n > 0 {
		fmt.Fprintf(stderr, "ambientlint order: %d %s could not be read and %s left out; run ambientlint for the details\n",
			n, plural(n, "file or object", "files or objects"), plural(n, "is", "are"))
	}
	model := res.Model
	steps := orderSteps(model)
	switch format {
	case "mermaid":
		err = writeMermaid(stdout, steps)
	case "dot":
		err = writeDot(stdout, steps)
	case "json":
		err = writeOrderJSON(stdout, steps)
	default:
		if len(model.Units) == 1 {
			fmt.Fprintln(stderr, "ambientlint order: no Argo CD Application, Flux Kustomization or HelmRelease in the tree")
		}
		err = writeOrderText(stdout, steps)
	}
	if err != nil {
		return failure(stderr, err)
	}
	return exitOK
}

// orderStep is one step of the plan, with what the outputs print about it.
type orderStep struct {
	id     string // node ID in the graphs
	plan   gitops.PlanStep
	indent int      // nesting below the implicit Application
	at     string   // "wave -10", "PreSync wave 0", "depth 1"
	mesh   []string // components it installs, in the order a cluster needs them
	ns     []string // namespaces it enrolls, sorted
	after  []orderDep
}

// orderDep is one Flux dependency of a step.
type orderDep struct {
	name string // as messages name the unit
	step *orderStep
	wait bool // the dependency waits for what it applies
}

// orderSteps turns the model's plan into steps. The implicit Application is a step only when
// it installs or enrolls something itself.
func orderSteps(m *gitops.Model) []*orderStep {
	var steps []*orderStep
	byUnit := map[*gitops.Unit]*orderStep{}
	for i, p := range m.Plan() {
		s := &orderStep{id: fmt.Sprintf("u%d", i), plan: p, indent: max(p.Level-1, 0)}
		var kinds []gitops.ComponentKind
		for _, c := range p.Components {
			kinds = append(kinds, c.Kind)
		}
		slices.Sort(kinds)
		for _, k := range slices.Compact(kinds) {
			s.mesh = append(s.mesh, k.String())
		}
		for _, e := range p.Enrollments {
			s.ns = append(s.ns, e.Namespace)
		}
		slices.Sort(s.ns)
		s.ns = slices.Compact(s.ns)
		s.at = position(p.Unit)
		byUnit[p.Unit] = s
		if p.Unit.Kind == gitops.ImplicitUnit && len(s.mesh) == 0 && len(s.ns) == 0 {
			continue
		}
		steps = append(steps, s)
	}
	for _, s := range steps {
		for _, d := range s.plan.Unit.DependsOn {
			dep := orderDep{name: d.Ref.Kind + " " + d.Ref.Namespace + "/" + d.Ref.Name}
			if d.Unit != nil {
				dep.name, dep.step = d.Unit.String(), byUnit[d.Unit]
				dep.wait = d.Unit.Wait || len(d.Unit.HealthChecks) > 0
			}
			s.after = append(s.after, dep)
		}
	}
	return steps
}

// position says where a unit syncs: its wave for an Argo CD Application, its dependency
// depth for a Flux unit.
func position(u *gitops.Unit) string {
	switch {
	case u.Kind == gitops.ImplicitUnit:
		return "-"
	case u.IsFlux():
		return fmt.Sprintf("depth %d", u.Depth)
	case u.At.Phase == gitops.PhaseNamespace:
		return "CreateNamespace"
	}
	w := fmt.Sprintf("wave %d", u.At.Wave)
	if u.At.WaveOpaque {
		w = "wave ?"
	}
	if u.At.Phase != gitops.PhaseSync {
		w = u.At.Phase.String() + " " + w
	}
	return w
}

// name is how a step names its unit.
func (s *orderStep) name() string {
	if s.plan.Unit.Kind == gitops.ImplicitUnit {
		return "outside any Application"
	}
	return s.plan.Unit.String()
}

// details lists what the step installs, enrolls and waits for.
func (s *orderStep) details() []string {
	var out []string
	if len(s.mesh) > 0 {
		out = append(out, "installs "+strings.Join(s.mesh, ", "))
	}
	if len(s.ns) > 0 {
		out = append(out, "enrolls "+strings.Join(s.ns, ", "))
	}
	for _, r := range s.plan.Unit.Builds {
		if r.Err != nil {
			out = append(out, "kustomize cannot build "+r.Dir+" ("+r.Err.Error()+"), read as written")
			continue
		}
		files, generated := r.Emitted()
		b := fmt.Sprintf("builds %s: %d %s", r.Dir, files, plural(files, "object", "objects"))
		if generated > 0 {
			b += fmt.Sprintf(" and %d generated", generated)
		}
		out = append(out, b)
		for _, l := range r.LeftOut {
			out = append(out, "leaves out "+l)
		}
	}
	for _, d := range s.after {
		switch {
		case d.step == nil:
			out = append(out, "after "+d.name+" (not in the tree)")
		case d.wait:
			out = append(out, "after "+d.name)
		default:
			out = append(out, "after "+d.name+" is applied (it does not wait for its objects)")
		}
	}
	return out
}

// writeOrderText writes one line per step: position (indented under the unit that applies
// it), unit, and details, in aligned columns. Names come from the manifests and are escaped,
// so that each step is one line and a tab in a name cannot shift the columns.
func writeOrderText(w io.Writer, steps []*orderStep) error {
	var buf strings.Builder
	tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	for _, s := range steps {
		// Every line has all three cells, so that the columns align across the whole plan.
		fmt.Fprintf(tw, "%s%s\t%s\t%s\n", strings.Repeat("  ", s.indent), s.at, output.Escape(s.name()),
			output.Escape(strings.Join(s.details(), "; ")))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var out strings.Builder
	for line := range strings.Lines(buf.String()) {
		out.WriteString(strings.TrimRight(line, " \n") + "\n")
	}
	_, err := io.WriteString(w, out.String())
	return err
}

// orderEdge is one edge of the graph: from syncs (or is applied) before to.
type orderEdge struct {
	from, to *orderStep
	applies  bool   // from applies to (app-of-apps), rather than syncing before it
	label    string // "no wait" for a Flux dependency that does not wait
}

// orderEdges returns the graph's edges: a unit applies its first wave of child Applications
// (and its Flux children that depend on no sibling), each wave of Applications syncs before
// the next, and a Flux dependency comes before its dependents.
func orderEdges(steps []*orderStep) []orderEdge {
	byUnit := map[*gitops.Unit]*orderStep{}
	for _, s := range steps {
		byUnit[s.plan.Unit] = s
	}
	var edges []orderEdge
	// Children in plan order, grouped by the point their parent applies them at.
	kids := map[*gitops.Unit][]*orderStep{}
	var parents []*gitops.Unit
	for _, s := range steps {
		p := s.plan.Unit.Parent
		if p == nil {
			continue
		}
		if _, ok := kids[p]; !ok {
			parents = append(parents, p)
		}
		kids[p] = append(kids[p], s)
	}
	for _, p := range parents {
		from := byUnit[p]
		if p.Kind == gitops.ImplicitUnit {
			from = nil // the implicit Application applies nothing: it is what no tool applies
		}
		var prev, cur []*orderStep
		var curAt *gitops.SyncPoint
		flush := func() {
			for _, a := range prev {
				for _, b := range cur {
					edges = append(edges, orderEdge{from: a, to: b})
				}
			}
			if prev == nil && from != nil {
				for _, b := range cur {
					edges = append(edges, orderEdge{from: from, to: b, applies: true})
				}
			}
			prev, cur = cur, nil
		}
		for _, k := range kids[p] {
			u := k.plan.Unit
			if u.IsFlux() || u.At.WaveOpaque {
				// Flux applies its children together, and an unresolved wave orders nothing. A
				// child that depends on a sibling hangs off that sibling's edge instead.
				if from != nil && !dependsOnSibling(u) {
					edges = append(edges, orderEdge{from: from, to: k, applies: true})
				}
				continue
			}
			if curAt == nil || u.At.Compare(*curAt) != 0 {
				if curAt != nil {
					flush()
				}
				at := u.At
				curAt = &at
			}
			cur = append(cur, k)
		}
		if curAt != nil {
			flush()
		}
	}
	for _, s := range steps {
		for _, d := range s.after {
			if d.step == nil {
				continue
			}
			e := orderEdge{from: d.step, to: s}
			if !d.wait {
				e.label = "no wait"
			}
			edges = append(edges, e)
		}
	}
	slices.SortStableFunc(edges, func(a, b orderEdge) int {
		return cmp.Or(cmp.Compare(stepIndex(steps, a.from), stepIndex(steps, b.from)),
			cmp.Compare(stepIndex(steps, a.to), stepIndex(steps, b.to)))
	})
	return edges
}

// dependsOnSibling reports whether a Flux unit depends on another unit of the same parent.
func dependsOnSibling(u *gitops.Unit) bool {
	for _, d := range u.DependsOn {
		if d.Unit != nil && d.Unit.Parent == u.Parent {
			return true
		}
	}
	return false
}

func stepIndex(steps []*orderStep, s *orderStep) int { return slices.Index(steps, s) }

// nodeLines are the lines of a step's node in the graphs, escaped (see output.Escape) so that
// no line holds a line break or a control character; the graph formats quote them further.
func (s *orderStep) nodeLines() []string {
	lines := []string{s.name()}
	if s.at != "-" {
		lines = append(lines, s.at)
	}
	if len(s.mesh) > 0 {
		lines = append(lines, "installs "+strings.Join(s.mesh, ", "))
	}
	if len(s.ns) > 0 {
		lines = append(lines, "enrolls "+strings.Join(s.ns, ", "))
	}
	for i, l := range lines {
		lines[i] = output.Escape(l)
	}
	return lines
}

// Node colours: mesh components blue, enrollments green.
const (
	meshFill, meshStroke     = "#dbeafe", "#1d4ed8"
	enrollFill, enrollStroke = "#dcfce7", "#15803d"
)

// mermaidLabel escapes text for a double-quoted Mermaid label, which Mermaid renders as HTML
// after turning entity codes (#quot;, #35;) into HTML entities: a quote would end the label,
// '#' would start an entity code, '<' and '&' would be markup, and a backquote opens a
// Markdown string.
var mermaidLabel = strings.NewReplacer(`"`, "#quot;", "#", "#35;", "&", "#amp;", "<", "#lt;", ">", "#gt;", "`", "#96;")

// writeMermaid draws the order as a Mermaid flowchart: solid arrows for "syncs before",
// dotted ones for "applies", steps that install mesh components in blue and steps that
// enroll namespaces in green.
func writeMermaid(w io.Writer, steps []*orderStep) error {
	var sb strings.Builder
	sb.WriteString("flowchart TD\n")
	for _, s := range steps {
		lines := s.nodeLines()
		for i, l := range lines {
			lines[i] = mermaidLabel.Replace(l)
		}
		label := strings.Join(lines, "<br/>")
		class := ""
		switch {
		case len(s.mesh) > 0:
			class = ":::mesh"
		case len(s.ns) > 0:
			class = ":::enrolls"
		}
		fmt.Fprintf(&sb, "  %s[\"%s\"]%s\n", s.id, label, class)
	}
	for _, e := range orderEdges(steps) {
		switch {
		case e.applies:
			fmt.Fprintf(&sb, "  %s -.-> %s\n", e.from.id, e.to.id)
		case e.label != "":
			fmt.Fprintf(&sb, "  %s -->|%s| %s\n", e.from.id, e.label, e.to.id)
		default:
			fmt.Fprintf(&sb, "  %s --> %s\n", e.from.id, e.to.id)
		}
	}
	fmt.Fprintf(&sb, "  classDef mesh fill:%s,stroke:%s,stroke-width:2px\n", meshFill, meshStroke)
	fmt.Fprintf(&sb, "  classDef enrolls fill:%s,stroke:%s\n", enrollFill, enrollStroke)
	_, err := io.WriteString(w, sb.String())
	return err
}

// writeDot draws the order as a Graphviz digraph, styled as writeMermaid's.
func writeDot(w io.Writer, steps []*orderStep) error {
	var sb strings.Builder
	sb.WriteString("digraph order {\n  rankdir=TB;\n  node [shape=box, style=rounded, fontname=\"sans-serif\"];\n  edge [fontname=\"sans-serif\"];\n")
	quote := func(s string) string {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
	}
	for _, s := range steps {
		attrs := "label=" + strings.ReplaceAll(quote(strings.Join(s.nodeLines(), "\n")), "\n", `\n`)
		switch {
		case len(s.mesh) > 0:
			attrs += fmt.Sprintf(`, style="rounded,filled", fillcolor=%q, color=%q, penwidth=2`, meshFill, meshStroke)
		case len(s.ns) > 0:
			attrs += fmt.Sprintf(`, style="rounded,filled", fillcolor=%q, color=%q`, enrollFill, enrollStroke)
		}
		fmt.Fprintf(&sb, "  %s [%s];\n", s.id, attrs)
	}
	for _, e := range orderEdges(steps) {
		switch {
		case e.applies:
			fmt.Fprintf(&sb, "  %s -> %s [style=dotted];\n", e.from.id, e.to.id)
		case e.label != "":
			fmt.Fprintf(&sb, "  %s -> %s [style=dashed, label=%s];\n", e.from.id, e.to.id, quote(e.label))
		default:
			fmt.Fprintf(&sb, "  %s -> %s;\n", e.from.id, e.to.id)
		}
	}
	sb.WriteString("}\n")
	_, err := io.WriteString(w, sb.String())
	return err
}

// orderJSON is the document --format json writes: version 1, and the steps in sync order.
type orderJSON struct {
	Version int             `json:"version"`
	Steps   []orderStepJSON `json:"steps"`
}

// orderStepJSON is one step: the unit, where it sits and what it does.
type orderStepJSON struct {
	Kind      string         `json:"kind"` // Application, Kustomization, HelmRelease or "implicit Application"
	Namespace string         `json:"namespace,omitempty"`
	Name      string         `json:"name,omitempty"`
	File      string         `json:"file,omitempty"`
	Line      int            `json:"line,omitempty"`
	Parent    *int           `json:"parent"` // index of the step that applies it; null for none
	Level     int            `json:"level"`  // app-of-apps nesting
	At        string         `json:"at"`     // as the text output says it: "wave -10", "depth 1"
	Installs  []string       `json:"installs"`
	Enrolls   []string       `json:"enrolls"`
	Builds    []orderBuild   `json:"builds"`
	After     []orderDepJSON `json:"after"`
}

// orderBuild is one kustomize build of a step.
type orderBuild struct {
	Dir       string   `json:"dir"`
	Objects   int      `json:"objects"`
	Generated int      `json:"generated"`
	LeftOut   []string `json:"leftOut"`
	Error     string   `json:"error,omitempty"` // why kustomize cannot build it (then read as written)
}

// orderDepJSON is one Flux dependency of a step.
type orderDepJSON struct {
	Name  string `json:"name"`
	Step  *int   `json:"step"` // index of the step it names; null when it is not in the tree
	Waits bool   `json:"waits"`
}

// writeOrderJSON writes the steps as JSON, indented, ending with a newline.
func writeOrderJSON(w io.Writer, steps []*orderStep) error {
	doc := orderJSON{Version: 1, Steps: []orderStepJSON{}}
	index := map[*gitops.Unit]int{}
	for i, s := range steps {
		index[s.plan.Unit] = i
	}
	for _, s := range steps {
		u := s.plan.Unit
		j := orderStepJSON{Kind: u.Kind.String(), Namespace: u.Namespace, Name: u.Name, Level: s.indent, At: s.at,
			Installs: nonNil(s.mesh), Enrolls: nonNil(s.ns), Builds: []orderBuild{}, After: []orderDepJSON{}}
		if u.Object != nil {
			pos := u.Object.Pos()
			j.File, j.Line = pos.File, pos.Line
		}
		for p := u.Parent; p != nil; p = p.Parent {
			if i, ok := index[p]; ok {
				j.Parent = &i
				break
			}
		}
		for _, r := range u.Builds {
			b := orderBuild{Dir: r.Dir, LeftOut: nonNil(r.LeftOut)}
			if r.Err != nil {
				b.Error = r.Err.Error()
			} else {
				b.Objects, b.Generated = r.Emitted()
			}
			j.Builds = append(j.Builds, b)
		}
		for _, d := range s.after {
			dj := orderDepJSON{Name: d.name, Waits: d.wait}
			if d.step != nil {
				i := index[d.step.plan.Unit]
				dj.Step = &i
			}
			j.After = append(j.After, dj)
		}
		doc.Steps = append(doc.Steps, j)
	}
	// Names come from the manifests: escaped as the lint command's JSON is, so that no
	// control, bidirectional or workflow-command text reaches a terminal or a CI log raw.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := w.Write(output.EscapeJSON(buf.Bytes()))
	return err
}

// nonNil returns s, or an empty slice for nil, so that JSON has [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
