package lint

import (
	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/manifest"
)

// Result is the outcome of one run.
type Result struct {
	// Findings are sorted (SortFindings), with suppressions applied and severities effective.
	Findings []Finding
	// Files is the number of files read.
	Files int
	// Objects is the number of objects loaded.
	Objects int
	// Unreached is the number of loaded objects that no unit of a tree with GitOps roots
	// applies (gitops.Model.Unreached); UnreachedLinted says whether the rules judged them.
	Unreached       int
	UnreachedLinted bool
	// Inventory is the run's inventory: the objects as the GitOps model renders them.
	Inventory *manifest.Inventory
	// Model is the run's GitOps model.
	Model *gitops.Model
	// Root is the absolute repository root.
	Root string
	// LoadFindings are the problems the loader found (AMB001), before suppression and
	// severity configuration (see Pass.LoadFindings).
	LoadFindings []Finding
	// Cluster names the live cluster a run over a cluster's objects read (engine.RunLive),
	// "" for a run over files.
	Cluster string
	// Unchanged counts the findings of a run with Base that were left out because neither
	// their file nor a related location changed since Base.
	Unchanged int
}
