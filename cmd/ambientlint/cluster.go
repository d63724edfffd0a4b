package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/output"
	"github.com/ambientkit/ambientkit/manifest/cluster"
)

// notLiveNote is the one line a run over a live cluster says about the rules it does not run.
const notLiveNote = "ambientlint: --cluster: the rules about what the repository installs and in which order (AMB101-AMB114) and AMB201 (a change since --base) do not apply to a live cluster and did not run"

// runCluster is "ambientlint --cluster": it reads the objects that the enabled rules read
// from the cluster of the kubeconfig, lints them, and writes the findings, placed at the live
// objects. PATHs, when given, are the repository that deploys the cluster: findings about
// objects it also holds say where. An unreachable cluster is exit 2.
func runCluster(ctx context.Context, o *lintOptions, paths []string, stdout, stderr io.Writer) int {
	if err := clusterConflicts(o, paths); err != nil {
		return usageError(stderr, "ambientlint", err)
	}
	tree, err := clusterTree(paths)
	if err != nil {
		return failure(stderr, err)
	}
	catalogue, err := lintCatalogue(ctx, o)
	if err != nil {
		return failure(stderr, err)
	}
	start := "."
	if len(tree) > 0 {
		start = tree[0]
	}
	root, err := repoRoot(o.repoRoot, start)
	if err != nil {
		return failure(stderr, err)
	}
	cfg, err := loadConfig(o, start, root, catalogue)
	if err != nil {
		return failure(stderr, err)
	}

	rc, err := restConfig(o.kubeconfig, o.context)
	if err != nil {
		return failure(stderr, err)
	}
	// The client libraries log through klog; what fails reaches the findings instead.
	klog.SetLogger(logr.Discard())
	rc.WarningHandler = rest.NoWarnings{}
	reader, err := cluster.New(rc)
	if err != nil {
		return failure(stderr, err)
	}
	read, err := reader.Read(ctx, cluster.Options{Kinds: engine.LiveKinds(cfg, catalogue), Namespaces: o.clusterNS})
	if err != nil {
		return failure(stderr, err)
	}
	res, err := engine.RunLive(ctx, engine.LiveOptions{Objects: read.Objects, Problems: read.Problems,
		Cluster: clusterName(o, rc), Config: cfg, Rules: catalogue, Tree: tree, Root: root})
	if err != nil {
		return failure(stderr, err)
	}
	if err := writeFindings(o, res, catalogue, root, stdout); err != nil {
		return failure(stderr, err)
	}
	if !o.quiet {
		if slices.ContainsFunc(catalogue, func(r *lint.Rule) bool { return cfg.SeverityOf(r) != lint.Off && engine.NotLive(r) }) {
			fmt.Fprintln(stderr, notLiveNote)
		}
		if o.format == "text" {
			fmt.Fprintln(stderr, output.Summary(res))
		}
	}
	return exitStatus(res, o.failOn)
}

// clusterConflicts refuses the flags that change or compare files, which a live cluster does
// not have.
func clusterConflicts(o *lintOptions, paths []string) error {
	for _, c := range []struct {
		set  bool
		flag string
	}{
		{o.fix, "--fix"}, {o.diff, "--diff"}, {o.base != "", "--base"}, {o.all, "--all"}, {o.unreached, "--unreached"},
	} {
		if c.set {
			return fmt.Errorf("%s works on the files of a repository, not on a live cluster (--cluster)", c.flag)
		}
	}
	if slices.Contains(paths, "-") {
		return errors.New("--cluster reads the cluster; a PATH beside it names the repository that deploys it, and cannot be stdin")
	}
	return nil
}

// clusterTree checks the PATHs given beside --cluster: none means no repository to relate
// the live objects to.
func clusterTree(paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	return inputPaths(paths)
}

// clusterName names the cluster in the summary: the kubeconfig context, else the API
// server's address.
func clusterName(o *lintOptions, rc *rest.Config) string {
	if o.context != "" {
		return o.context
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = o.kubeconfig
	raw, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{}).RawConfig()
	if err != nil {
		return rc.Host
	}
	return cmp.Or(raw.CurrentContext, rc.Host)
}
