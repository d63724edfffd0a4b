package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"

	"github.com/ambientkit/ambientkit/readiness"
	"github.com/ambientkit/ambientkit/readiness/probe"
)

const readyUsage = `Usage:
  ambientlint ready [--kubeconfig FILE] [--context NAME] [-n NAMESPACE]... [--wait DURATION] [--format text|json]

ambientlint ready checks, in a live cluster, that Istio's ambient mode is ready: the Gateway
API and Istio CRDs, istiod, istio-cni and ztunnel on every node, the waypoints, the capture of
each enrolled namespace's Pods (naming the workloads that still carry a sidecar and the command
that restarts them) and that Kiali is not exposed outside the cluster. With --wait it watches
the cluster until everything is ready or the time is up. An enrolled namespace without Pods is
Unknown, as its capture cannot be checked yet: --wait waits for its Pods.

Flags:
  --kubeconfig FILE
        read the cluster from FILE (default: $KUBECONFIG, else ~/.kube/config, else the
        Pod's ServiceAccount when run in a cluster)
  --context NAME
        use the kubeconfig context NAME instead of the current one
  -n, --namespace NAMESPACE
        check the enrollment of NAMESPACE; repeatable, or a comma-separated list
        (default: every namespace labelled istio.io/dataplane-mode=ambient)
  --wait DURATION
        watch until ready, for at most DURATION (e.g. 5m); 0 checks once (default 0)
  --format FORMAT
        write the report as text (a table) or json (default text)
  -h, --help
        print this help

Exit status:
  0  every check is ready
  1  a check is not ready, or could not be decided (Unknown), or --wait timed out
  2  usage error, unreadable kubeconfig or unreachable cluster
`

// readyOptions are the ready command's flags.
type readyOptions struct {
	kubeconfig, context, format string
	namespaces                  []string
	wait                        time.Duration
}

func readyFlagSet() (*flag.FlagSet, *readyOptions) {
	fs := newFlagSet("ambientlint ready")
	o := &readyOptions{format: "text"}
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "")
	fs.StringVar(&o.context, "context", "", "")
	ns := listFlag{add: func(v string) { o.namespaces = append(o.namespaces, v) }}
	fs.Var(ns, "n", "")
	fs.Var(ns, "namespace", "")
	fs.DurationVar(&o.wait, "wait", 0, "")
	fs.Var(choiceFlag{&o.format, []string{"text", "json"}}, "format", "")
	return fs, o
}

// runReady is "ambientlint ready": it checks (or, with --wait, watches) the cluster, writes
// the report and returns 0 when every check is Ready, 1 when one is not, 2 on an error.
func runReady(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, o := readyFlagSet()
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		io.WriteString(stdout, readyUsage)
		return exitOK
	}
	if err != nil {
		return usageError(stderr, "ambientlint ready", flagError(fs, err))
	}
	if len(pos) > 0 {
		return usageError(stderr, "ambientlint ready", fmt.Errorf("ready takes no arguments, got %q", pos[0]))
	}
	if o.wait < 0 {
		return usageError(stderr, "ambientlint ready", fmt.Errorf("--wait must not be negative, got %s", o.wait))
	}
	cfg, err := restConfig(o.kubeconfig, o.context)
	if err != nil {
		return failure(stderr, err)
	}
	// The client libraries log through klog; their failures reach the report as Unknown
	// checks instead.
	klog.SetLogger(logr.Discard())
	cfg.WarningHandler = rest.NoWarnings{}

	p, err := probe.New(cfg, probe.Options{Namespaces: o.namespaces})
	if err != nil {
		return failure(stderr, err)
	}
	report, waitErr := check(ctx, p, o.wait, stderr)
	if len(report.Checks) == 0 && waitErr != nil {
		return failure(stderr, waitErr)
	}
	if err := writeReport(stdout, report, o.format); err != nil {
		return failure(stderr, err)
	}
	if waitErr != nil {
		fmt.Fprintf(stderr, "ambientlint: not ready after %s: %v\n", o.wait, waitErr)
	}
	if report.Ready() {
		return exitOK
	}
	return exitFindings
}

// check runs the probe once, or waits up to wait for readiness, drawing a progress line on
// stderr when it is a terminal.
func check(ctx context.Context, p *probe.Probe, wait time.Duration, stderr io.Writer) (readiness.Report, error) {
	if wait == 0 {
		return p.Check(ctx)
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var progress func(readiness.Report)
	if isTerminal(stderr) {
		progress = func(r readiness.Report) { fmt.Fprintf(stderr, "\r\033[K%s", r.Progress()) }
		defer fmt.Fprint(stderr, "\r\033[K")
	}
	return p.Wait(ctx, progress)
}

// restConfig loads the client configuration the way kubectl does: the explicit file, else
// $KUBECONFIG, else ~/.kube/config, else the in-cluster ServiceAccount.
func restConfig(kubeconfig, context string) (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kubeconfig != "" {
		if _, err := os.Stat(kubeconfig); err != nil {
			return nil, fmt.Errorf("reading kubeconfig: %w", err)
		}
		rules.ExplicitPath = kubeconfig
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: context})
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("loading the cluster configuration: %w", err)
	}
	return cfg, nil
}

// writeReport writes the report as a table of check, status and reason followed by the
// remediations of the checks that are not ready, or as JSON.
func writeReport(w io.Writer, r readiness.Report, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Status readiness.Status  `json:"status"`
			Checks []readiness.Check `json:"checks"`
		}{r.Status(), r.Checks})
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tSTATUS\tREASON")
	for _, c := range r.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, c.Status, c.Reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var fixes []string
	for _, c := range r.Checks {
		if c.Status == readiness.Ready {
			continue
		}
		if len(c.Restarts) > 0 {
			for _, rs := range c.Restarts {
				fixes = append(fixes, fmt.Sprintf("  %s: %s", c.Name, rs.Command))
			}
			continue
		}
		if c.Remediation != "" {
			fixes = append(fixes, fmt.Sprintf("  %s: %s", c.Name, c.Remediation))
		}
	}
	if len(fixes) > 0 {
		_, err := fmt.Fprintf(w, "\nTo fix:\n%s\n", strings.Join(fixes, "\n"))
		return err
	}
	return nil
}
