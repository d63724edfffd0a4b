package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// DependencyCycle is AMB106: Flux dependsOn cycles, and dependsOn entries naming nothing in
// the tree.
var DependencyCycle = &lint.Rule{
	ID:       "AMB106",
	Name:     "dependency-cycle",
	Severity: lint.Error,
	Summary:  "Flux Kustomizations or HelmReleases depend on each other in a cycle",
	Doc: `**What.** Flux Kustomizations (or HelmReleases) whose ` + "`spec.dependsOn`" + ` entries form a cycle,
directly or through others; the whole cycle is reported once, at its first member. A
` + "`dependsOn`" + ` entry that names a Kustomization or HelmRelease the repository does not define is a
warning (the namespace of an entry defaults to the dependent's own).

**Why it breaks a cluster.** Flux applies a Kustomization or HelmRelease only once everything
it depends on is Ready. In a cycle each member waits for another one: none is ever applied,
and neither is anything that depends on them — in a mesh repository, typically every
application. A dependency that does not exist blocks the dependent the same way, unless
something outside the repository creates it.

**Fix.** Remove the ` + "`dependsOn`" + ` entry that closes the cycle: dependencies point from what needs
something to what provides it (applications → ztunnel → istiod → istio base), never back. Fix
the name or namespace of an entry that names nothing, or define the missing object.`,
	Kinds: []string{"kustomize.toolkit.fluxcd.io/Kustomization", "helm.toolkit.fluxcd.io/HelmRelease"},
	Run:   runDependencyCycle,
}

func runDependencyCycle(p *lint.Pass) error {
	m := p.Model
	var flux []*gitops.Unit
	for _, u := range m.Units {
		if u.IsFlux() {
			flux = append(flux, u)
		}
	}
	for _, u := range flux {
		for _, d := range u.DependsOn {
			if d.Unit != nil || manifest.IsOpaque(d.Ref.Name) || manifest.IsOpaque(d.Ref.Namespace) {
				continue
			}
			p.Report(lint.Finding{
				Severity: lint.Warning,
				Message: fmt.Sprintf("%s depends on %s %s/%s, which the repository does not define: Flux applies %s only once it exists and is ready",
					u, d.Ref.Kind, d.Ref.Namespace, d.Ref.Name, u.Name),
				Pos: u.Object.Pos(append(slices.Clone(d.Path), "name")...), Object: u.Object.Ref,
			})
		}
	}
	for _, scc := range ordCycles(flux) {
		cycle := ordCyclePath(scc)
		names := make([]string, 0, len(cycle)+1)
		for _, u := range cycle {
			names = append(names, ordUnitName(u))
		}
		names = append(names, ordUnitName(cycle[0]))
		var related []lint.Related
		for i, u := range cycle[1:] {
			next := cycle[(i+2)%len(cycle)]
			related = append(related, lint.Related{Position: ordDependsPos(u, next),
				Message: fmt.Sprintf("%s depends on %s here", ordUnitName(u), ordUnitName(next))})
		}
		first := cycle[0]
		p.Report(lint.Finding{
			Message: fmt.Sprintf("%s is in a dependsOn cycle: %s; Flux never applies any of them, nor what depends on them",
				first, strings.Join(names, " → ")),
			Pos: ordDependsPos(first, cycle[1%len(cycle)]), Object: first.Object.Ref, Related: related,
		})
	}
	return nil
}

// ordUnitName names a Flux unit in a cycle: namespace/name.
func ordUnitName(u *gitops.Unit) string { return u.Namespace + "/" + u.Name }

// ordDependsPos points at u's dependsOn entry that names v.
func ordDependsPos(u, v *gitops.Unit) manifest.Position {
	for _, d := range u.DependsOn {
		if d.Unit == v {
			return u.Object.Pos(append(slices.Clone(d.Path), "name")...)
		}
	}
	return u.Object.Pos("spec", "dependsOn")
}

// ordCycles returns the strongly connected components of the dependsOn graph that hold a
// cycle (two members or more, or one that depends on itself), each in input order, the
// components ordered by their first member (Tarjan's algorithm).
func ordCycles(units []*gitops.Unit) [][]*gitops.Unit {
	index := map[*gitops.Unit]int{}
	for i, u := range units {
		index[u] = i
	}
	var (
		next    int
		num     = map[*gitops.Unit]int{}
		low     = map[*gitops.Unit]int{}
		onStack = map[*gitops.Unit]bool{}
		stack   []*gitops.Unit
		out     [][]*gitops.Unit
	)
	var visit func(u *gitops.Unit)
	visit = func(u *gitops.Unit) {
		next++
		num[u], low[u] = next, next
		stack = append(stack, u)
		onStack[u] = true
		for _, d := range u.DependsOn {
			v := d.Unit
			if v == nil {
				continue
			}
			if num[v] == 0 {
				visit(v)
				low[u] = min(low[u], low[v])
			} else if onStack[v] {
				low[u] = min(low[u], num[v])
			}
		}
		if low[u] != num[u] {
			return
		}
		var scc []*gitops.Unit
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			scc = append(scc, w)
			if w == u {
				break
			}
		}
		self := false
		for _, d := range u.DependsOn {
			self = self || d.Unit == u
		}
		if len(scc) > 1 || self {
			slices.SortFunc(scc, func(a, b *gitops.Unit) int { return index[a] - index[b] })
			out = append(out, scc)
		}
	}
	for _, u := range units {
		if num[u] == 0 {
			visit(u)
		}
	}
	slices.SortFunc(out, func(a, b []*gitops.Unit) int { return index[a[0]] - index[b[0]] })
	return out
}

// ordCyclePath returns a shortest cycle through the first member of a strongly connected
// component, starting at it.
func ordCyclePath(scc []*gitops.Unit) []*gitops.Unit {
	in := map[*gitops.Unit]bool{}
	for _, u := range scc {
		in[u] = true
	}
	start := scc[0]
	prev := map[*gitops.Unit]*gitops.Unit{}
	queue := []*gitops.Unit{start}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, d := range u.DependsOn {
			v := d.Unit
			if v == nil || !in[v] {
				continue
			}
			if v == start {
				path := []*gitops.Unit{u}
				for x := u; x != start; {
					x = prev[x]
					path = append(path, x)
				}
				slices.Reverse(path)
				return path
			}
			if _, seen := prev[v]; !seen {
				prev[v] = u
				queue = append(queue, v)
			}
		}
	}
	return scc
}
