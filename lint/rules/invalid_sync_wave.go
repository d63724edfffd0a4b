package rules

import (
	"strconv"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// InvalidSyncWave is AMB108: a sync-wave annotation Argo CD does not read as a number.
var InvalidSyncWave = &lint.Rule{
	ID:       "AMB108",
	Name:     "invalid-sync-wave",
	Severity: lint.Error,
	Summary:  "argocd.argoproj.io/sync-wave is not an integer string",
	Doc: `**What.** An ` + "`argocd.argoproj.io/sync-wave`" + ` annotation (on an object, or in an ApplicationSet's
template) whose value is not an integer string such as ` + "`\"-10\"`" + `: ` + "`\"-10 \"`" + `, ` + "`\"wave-1\"`" + `, ` + "`\"1.5\"`" + `,
` + "`\"\"`" + `. Values from a Flux variable or an ApplicationSet parameter that the repository does not
resolve are not judged.

**Why it breaks a cluster.** Argo CD parses the wave with Go's ` + "`strconv.Atoi`" + ` and, when that
fails, silently uses the Helm hook weight or wave 0. The object then syncs with the wave-0
objects: a mesh component meant for wave -10 arrives together with the applications it should
precede, and nothing in Argo CD's UI says why.

**Fix.** Write the wave as a quoted integer: ` + "`argocd.argoproj.io/sync-wave: \"-10\"`" + `.`,
	Kinds: nil, // every object's annotations
	Run:   runInvalidSyncWave,
}

func runInvalidSyncWave(p *lint.Pass) error {
	const key = "argocd.argoproj.io/sync-wave"
	for _, o := range p.Inventory.Objects {
		paths := [][]string{{"metadata", "annotations", key}}
		if o.GK() == "argoproj.io/ApplicationSet" {
			paths = append(paths, []string{"spec", "template", "metadata", "annotations", key})
		}
		for _, path := range paths {
			value, ok := annotationValue(o, path)
			if !ok {
				continue
			}
			if manifest.IsOpaque(value) {
				continue
			}
			if _, err := strconv.Atoi(value); err == nil {
				continue
			}
			p.Reportf(o, path, "%s %q of %s is not an integer: Argo CD ignores it and syncs the object at wave 0 (or its Helm hook weight)",
				key, value, ordObjectName(o))
		}
	}
	return nil
}

// annotationValue returns the text of the value at path, an annotation: from the annotation
// map, which a decoded object keeps without its tree, else (an alias) from its node.
func annotationValue(o *manifest.Object, path []string) (string, bool) {
	if e, ok := o.EntryAt(path...); ok && !e.Alias {
		return e.Value, true
	}
	n := o.Lookup(path...)
	if n == nil {
		return "", false
	}
	return n.Value, true
}
