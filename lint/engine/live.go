package engine

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/manifest/load"
)

// LiveOptions says what a run over the objects of a live cluster lints (RunLive).
type LiveOptions struct {
	// Objects are the objects read from the cluster (package manifest/cluster), each with
	// its live origin (Object.Live).
	Objects []*manifest.Object
	// Problems are what the read could not read (a list the identity may not make, an object
	// that does not decode), reported as AMB001 findings.
	Problems []load.Problem
	// Cluster names the cluster, for the summary (Result.Cluster).
	Cluster string
	// Config is the configuration; nil means the defaults.
	Config *config.Config
	// Rules is the catalogue; the rules that do not apply to a live cluster (NotLive) do not
	// run.
	Rules []*lint.Rule
	// Tree, when not empty, lists the paths of the repository that deploys the cluster: a
	// finding about a live object that the tree also holds (same group, kind, effective
	// namespace and name) gets a related location at the object in the tree. The live object
	// is what is judged; drift between the two is not compared.
	Tree []string
	// Root is the repository root of Tree; "" means the git top level of its first path.
	Root string
}

// NotLive reports whether a rule does not apply to the objects of a live cluster: the
// rules about what a repository installs and in which GitOps sync order (AMB101 to
// AMB114), which read the model's units, placements, sync waves and Helm chart values, and
// AMB201, which compares two git revisions. The objects of a cluster are already applied, in no order the
// model could know.
func NotLive(r *lint.Rule) bool {
	return strings.HasPrefix(r.ID, "AMB1") || r.ID == "AMB201"
}

// gitopsKinds are the kinds that apply other objects (and a kustomization's helmCharts, which
// no cluster serves). A live cluster already holds what they applied, so a run over it does
// not read them: the model would take them for GitOps roots that apply nothing of a tree.
var gitopsKinds = []string{
	"argoproj.io/Application", "argoproj.io/ApplicationSet",
	"kustomize.toolkit.fluxcd.io/Kustomization", "helm.toolkit.fluxcd.io/HelmRelease",
	"fluxcd.controlplane.io/FluxInstance", "kustomize.config.k8s.io/Kustomization",
}

// LiveKinds returns the kinds that a run over a live cluster reads, sorted: those that the
// enabled rules that apply to a cluster read (Rule.Kinds), without the GitOps kinds. A rule
// that reads every object (AMB002, AMB003, a --policy rule) judges the objects of these
// kinds, since a cluster holds far more than its workloads and their mesh configuration.
func LiveKinds(cfg *config.Config, catalogue []*lint.Rule) []string {
	cfg, _ = runConfig(cfg)
	var kinds []string
	for _, r := range catalogue {
		if cfg.SeverityOf(r) == lint.Off || NotLive(r) {
			continue
		}
		for _, gk := range r.Kinds {
			if !slices.Contains(gitopsKinds, gk) {
				kinds = append(kinds, gk)
			}
		}
	}
	slices.Sort(kinds)
	return slices.Compact(kinds)
}

// RunLive runs the rules that apply to a live cluster (not NotLive) over its objects, as
// Run does over a tree: the GitOps model is built over them as over a directory of
// manifests that is applied whole, the ambientlint.io/ignore annotations of the live
// objects suppress findings, and findings are placed through the objects' live origin. With
// Tree, a finding about an object that the tree also holds says where.
func RunLive(ctx context.Context, opts LiveOptions) (*lint.Result, error) {
	cfg, _ := runConfig(opts.Config)
	var enabled []*lint.Rule
	for _, r := range opts.Rules {
		if cfg.SeverityOf(r) != lint.Off && !NotLive(r) {
			enabled = append(enabled, r)
		}
	}
	model, err := gitops.Build(noFiles{}, "", opts.Objects, gitops.Options{Unreached: true})
	if err != nil {
		return nil, err
	}
	loadFindings := make([]lint.Finding, 0, len(opts.Problems))
	for _, p := range opts.Problems {
		loadFindings = append(loadFindings, lint.Finding{Rule: lint.InvalidYAMLID, Name: lint.InvalidYAMLName,
			Message: p.Message, Pos: p.Pos, Object: p.Object})
	}
	lint.SortFindings(loadFindings)
	inv := manifest.NewInventory(nil, model.Objects, model.Names)
	directives := renderedDirectives(nil, opts.Objects, model)
	run := lint.NewRun(inv, model, nil, cfg.Settings(), loadFindings)
	findings, err := lintInventory(ctx, run, model.Objects, enabled, opts.Rules, cfg, directives)
	if err != nil {
		return nil, err
	}
	if len(opts.Tree) > 0 {
		if err := relateTree(ctx, opts, findings); err != nil {
			return nil, err
		}
	}
	return &lint.Result{Findings: findings, Objects: len(opts.Objects), Inventory: inv, Model: model,
		LoadFindings: loadFindings, Cluster: opts.Cluster}, nil
}

// relateTree loads the tree of opts (its objects as the GitOps model renders them, without
// running a rule) and adds to each finding about a live object that the tree also holds a
// related location at that object.
func relateTree(ctx context.Context, opts LiveOptions, findings []lint.Finding) error {
	tree, err := Run(ctx, Options{Paths: opts.Tree, Config: opts.Config, Root: opts.Root})
	if err != nil {
		return fmt.Errorf("reading the repository beside the cluster: %w", err)
	}
	for i, f := range findings {
		ref := f.Pos.Object
		if ref.Name == "" {
			continue
		}
		group, _, _ := strings.Cut(ref.APIVersion, "/")
		if !strings.Contains(ref.APIVersion, "/") {
			group = ""
		}
		o := tree.Inventory.Get(group+"/"+ref.Kind, ref.Namespace, ref.Name)
		if o == nil || o.File == nil {
			continue
		}
		findings[i].Related = append(findings[i].Related, lint.Related{Position: o.Pos(),
			Message: ref.String() + " is also in the repository, here; the live object is what was linted (drift is not compared)"})
	}
	return nil
}

// noFiles is the file system of a run over a live cluster: it holds no file, since the
// objects come from the API server and the model reads no source path of theirs.
type noFiles struct{}

func (noFiles) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
