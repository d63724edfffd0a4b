package lint

import (
	"fmt"
	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/manifest"
	"sync"
)

// Pass is what a rule's Run receives: the objects as the cluster gets them, the GitOps model
// that applies them, the configuration, and the means to report.
type Pass struct {
	Rule *Rule
	// Inventory holds the objects the GitOps model renders (each unit's view of what it
	// applies), indexed by kind, name and namespace.
	Inventory *manifest.Inventory
	// Model is the GitOps model of the tree: units, order, charts, mesh components and
	// enrollments.
	Model *gitops.Model
	// Base is the tree at the git revision of a run with Options.Base, nil otherwise.
	Base *Base
	// Settings are the configuration values rules read.
	Settings Settings

	run    *Run
	report func(Finding)
}

// Base is the tree as it was at a git revision, for rules that compare a change with what
// it changes (AMB201). Rules report at the working tree's objects and use the base only to
// compare.
type Base struct {
	// Revision is the git revision as the user wrote it (Options.Base).
	Revision  string
	Inventory *manifest.Inventory
	Model     *gitops.Model
}

// Run is what the passes of one run share: the inventory, model and base they read, the
// loader's problems, the suppressions (for Late rules), and the facts computed so far. A
// driver (package lint/engine, or a test of one rule) makes one Run and a Pass per rule.
type Run struct {
	inv          *manifest.Inventory
	model        *gitops.Model
	base         *Base
	settings     Settings
	loadFindings []Finding
	suppressions []Suppression

	mu    sync.Mutex
	facts map[any]*factEntry
}

type factEntry struct {
	once sync.Once
	v    any
}

// NewRun returns the shared state of a run over inv and its model; base is nil without a
// base revision, and loadFindings are the loader's problems as AMB001 findings.
func NewRun(inv *manifest.Inventory, model *gitops.Model, base *Base, settings Settings, loadFindings []Finding) *Run {
	return &Run{inv: inv, model: model, base: base, settings: settings, loadFindings: loadFindings, facts: map[any]*factEntry{}}
}

// Pass returns a pass of rule in the run that hands each finding to report.
func (r *Run) Pass(rule *Rule, report func(Finding)) *Pass {
	return &Pass{Rule: rule, Inventory: r.inv, Model: r.model, Base: r.base, Settings: r.settings, run: r, report: report}
}

// SetSuppressions records how the run's suppression directives were used, for the Late
// rules that run after it.
func (r *Run) SetSuppressions(s []Suppression) { r.suppressions = s }

// Settings are the configuration values that rules read (see package lint/config for the
// file they come from).
type Settings struct {
	// AllowWildcards lists wildcard ServiceEntry hosts that AMB301 accepts.
	AllowWildcards []string
	// Restarts says when AMB201 asks for a pod-template change: RestartsChanged (also for
	// "") only for workloads whose namespace moves from sidecars to ambient in the change
	// under review, RestartsAlways for every workload of a newly enrolled namespace.
	Restarts string
}

// Values of Settings.Restarts.
const (
	RestartsChanged = "changed"
	RestartsAlways  = "always"
)

// Report records f, filling in the rule's ID, name and default severity.
func (p *Pass) Report(f Finding) {
	f.Rule, f.Name = p.Rule.ID, p.Rule.Name
	if f.Severity == Off {
		f.Severity = p.Rule.Severity
	}
	p.report(f)
}

// Reportf reports a finding about o at the node that path names (map keys and list indices;
// see Object.Pos).
func (p *Pass) Reportf(o *manifest.Object, path []string, format string, args ...any) {
	p.Report(Finding{Message: fmt.Sprintf(format, args...), Pos: o.Pos(path...), Object: o.Ref})
}

// LoadFindings returns the problems the loader found: files and objects that could not be
// read, parsed or decoded, as AMB001 (invalid-yaml) findings, which that rule reports. Their
// severity is Off (the rule's own), or Info for what the load left out on purpose (a
// symbolic link out of the tree).
func (p *Pass) LoadFindings() []Finding { return p.run.loadFindings }

// Suppressions returns how every suppression directive of the run was used. Only rules
// marked Late see them; for other rules it returns nil, since suppression has not happened
// yet while they run.
func (p *Pass) Suppressions() []Suppression { return p.run.suppressions }

// Fact is a fact about the whole run that several rules read (the waypoint bindings, the
// Kiali installations): declared once with its type, computed once per run by the first
// rule that asks, in the manner of go/analysis's Requires and ResultOf.
type Fact[T any] struct {
	// Name says what the fact is, for messages.
	Name string
	// Compute derives the fact from a pass's inventory, model and configuration; it must not
	// report findings.
	Compute func(*Pass) T
}

// Of returns the fact for p's run, computing it if no rule has yet.
func (f *Fact[T]) Of(p *Pass) T {
	r := p.run
	r.mu.Lock()
	e := r.facts[f]
	if e == nil {
		e = &factEntry{}
		r.facts[f] = e
	}
	r.mu.Unlock()
	e.once.Do(func() { e.v = f.Compute(p) })
	return e.v.(T)
}
