package rules

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// SidecarAmbientConflict is AMB202: a namespace or pod template asks for ambient mode and for
// a sidecar at once.
var SidecarAmbientConflict = &lint.Rule{
	ID:       "AMB202",
	Name:     "sidecar-ambient-conflict",
	Severity: lint.Error,
	Summary:  "a namespace or pod template asks for ambient mode and sidecar injection at once",
	Doc: `**What.** A Namespace labelled ` + "`istio.io/dataplane-mode: ambient`" + ` that also turns on
sidecar injection, with ` + "`istio-injection: enabled`" + ` or (without ` + "`istio-injection`" + `)
` + "`istio.io/rev`" + `; or a pod template (or Pod) that ends up in ambient mode, through its own
label or its namespace's, and asks for a sidecar with ` + "`sidecar.istio.io/inject: \"true\"`" + ` or
` + "`istio.io/rev`" + `, or that asks for ambient in a namespace that injects sidecars. The data plane
mode is resolved as Istio resolves it (the SDK's ` + "`ambient.EffectiveMode`" + `).

**Why it breaks a cluster.** Sidecar injection wins: the injector adds an Envoy sidecar, and
ztunnel does not capture pods that have one. The pods silently stay out of ambient mode, so
ambient L4 policy, waypoints and ambient telemetry do not apply to them, and they keep paying
for a sidecar.

**Fix.** Decide on one data plane. For an ambient namespace, remove ` + "`istio-injection`" + ` and
` + "`istio.io/rev`" + ` from the Namespace (the suggested fix deletes those label lines) and restart
its workloads so that new pods come up without sidecars. For a workload that really needs a
sidecar, move it to a namespace that is not ambient, or opt its pods out of ambient with
` + "`istio.io/dataplane-mode: none`" + `.`,
	Kinds: append([]string{namespaceGK}, workloadKinds...),
	Run:   runSidecarAmbientConflict,
}

func runSidecarAmbientConflict(p *lint.Pass) error {
	inv := p.Inventory
	conflicted := map[string]bool{}
	model := p.Model
	for _, o := range inv.Kind(namespaceGK) {
		// The names the cluster gives the Namespace: kustomize's namespace renames it.
		names := model.Names(o)
		res := ambient.NamespaceMode(names[0], o.Labels)
		if res.Mode != ambient.Conflict {
			continue
		}
		for _, n := range names {
			conflicted[n] = true
		}
		var culprits []string // label keys that turn on injection, in the order to remove them
		if o.Labels[ambient.LabelInjection] == ambient.InjectionEnabled {
			culprits = append(culprits, ambient.LabelInjection)
		}
		if _, ok := o.Labels[ambient.LabelRev]; ok {
			culprits = append(culprits, ambient.LabelRev)
		}
		if len(culprits) == 0 {
			continue
		}
		at := []string{"metadata", "labels", culprits[0]}
		f := lint.Finding{
			Message: fmt.Sprintf("%s: remove %s", strings.TrimSuffix(res.Reason, "."), labelList(culprits)),
			Pos:     o.KeyPos(at...),
			Object:  o.Ref,
		}
		var edits []lint.TextEdit
		for _, k := range culprits {
			e, ok := deleteEntryLine(o, []string{"metadata", "labels", k})
			if !ok {
				edits = nil
				break
			}
			edits = append(edits, e)
		}
		if len(edits) > 0 {
			f.Fixes = []lint.Fix{{Message: "remove " + labelList(culprits) + " from Namespace " + o.Ref.Name, Edits: edits}}
		}
		p.Report(f)
	}

	for _, w := range workloads(inv) {
		if conflicted[w.Obj.Namespace] {
			continue // the Namespace's finding covers its pods
		}
		tmpl := w.Meta
		if _, ok := tmpl.Annotations[ambient.AnnotationSidecarStatus]; ok {
			continue // a Pod that already runs a sidecar: AMB201's business, not a conflict
		}
		nsLabels, _ := namespaceLabels(inv, w.Obj.Namespace)
		if !asksAmbient(nsLabels, tmpl.Labels) {
			continue
		}
		res := w.mode(inv)
		if res.Mode != ambient.Sidecar {
			continue
		}
		metaPath := append(append([]string(nil), w.Path...), "metadata", "labels")
		at := metaPath
		for _, k := range []string{ambient.LabelSidecarInject, ambient.LabelRev, ambient.LabelDataplaneMode} {
			if _, ok := tmpl.Labels[k]; ok {
				at = append(append([]string(nil), metaPath...), k)
				break
			}
		}
		what := "the pod template of " + objectName(w.Obj)
		if w.Obj.Ref.Kind == "Pod" {
			what = objectName(w.Obj)
		}
		p.Report(lint.Finding{
			Message: fmt.Sprintf("%s asks for ambient mode and for a sidecar: %s", what, strings.TrimSuffix(res.Reason, ".")),
			Pos:     w.Obj.KeyPos(at...),
			Object:  w.Obj.Ref,
		})
	}
	return nil
}

// asksAmbient reports whether a pod with podLabels in a namespace with nsLabels asks for
// ambient mode, as istio-cni's enablement selectors read it.
func asksAmbient(nsLabels, podLabels map[string]string) bool {
	switch podLabels[ambient.LabelDataplaneMode] {
	case ambient.DataplaneModeAmbient:
		return true
	case ambient.DataplaneModeNone:
		return false
	}
	return nsLabels[ambient.LabelDataplaneMode] == ambient.DataplaneModeAmbient
}

// labelList names label keys for a message: "istio-injection", "istio-injection and
// istio.io/rev".
func labelList(keys []string) string {
	return "the label " + strings.Join(keys, " and the label ")
}

// deleteEntryLine returns an edit that deletes the whole line of the map entry at path (a
// block-style "key: value" with a one-line scalar value and nothing else on its line but a
// comment), line ending included. It returns false when the entry is not laid out that way:
// no edit is better than a wrong one.
func deleteEntryLine(o *manifest.Object, path []string) (lint.TextEdit, bool) {
	k, v := keyNode(o, path), o.Lookup(path...)
	parent := o.Lookup(path[:len(path)-1]...)
	if o.File == nil || k == nil || v == nil || parent == nil || parent.Style&yaml.FlowStyle != 0 ||
		v.Kind != yaml.ScalarNode || k.Line != v.Line || k.Line < 1 {
		return lint.TextEdit{}, false
	}
	// The value must be the one-line text its node says (not a multi-line or escaped scalar).
	if _, ok := replaceScalar(o, v, v.Value); !ok {
		return lint.TextEdit{}, false
	}
	ln, col := o.File.Position(k.Line, k.Column)
	line := lineAt(o.File.Data, ln)
	start, err := manifest.Offset(line, 1, col)
	if err != nil || strings.TrimSpace(string(line[:start])) != "" {
		return lint.TextEdit{}, false
	}
	// Nothing but the entry (and a comment) may sit on the line: the next entry of the map
	// must start on a later line.
	for i := 0; i+1 < len(parent.Content); i += 2 {
		if parent.Content[i] == k && i+2 < len(parent.Content) && parent.Content[i+2].Line == k.Line {
			return lint.TextEdit{}, false
		}
	}
	e := lint.TextEdit{File: o.File.Path, Line: ln, Column: 1, EndLine: ln + 1, EndColumn: 1}
	if _, err := manifest.Offset(o.File.Data, ln+1, 1); err != nil {
		// The last line of a file without a final line ending: take the line ending before it.
		width := utf8.RuneCount(line) + 1
		if ln == 1 {
			e.EndLine, e.EndColumn = ln, width
		} else {
			e.Line, e.Column = ln-1, utf8.RuneCount(lineAt(o.File.Data, ln-1))+1
			e.EndLine, e.EndColumn = ln, width
		}
	}
	return e, true
}
