package probe_test

import (
	"context"
	"fmt"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/ambientkit/ambientkit/readiness"
	"github.com/ambientkit/ambientkit/readiness/probe"
)

// Wait for the mesh to be ready, printing progress, for at most five minutes. The namespace
// named is ready once its Pods are captured: if its workloads are not deployed yet, Wait waits
// for their Pods too.
func ExampleProbe_Wait() {
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		clientcmd.NewDefaultClientConfigLoadingRules(), nil).ClientConfig()
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := probe.New(cfg, probe.Options{Namespaces: []string{"shop"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	report, err := p.Wait(ctx, func(r readiness.Report) { fmt.Println(r.Progress()) })
	if err != nil {
		fmt.Println("not ready:", err)
	}
	for _, c := range report.Checks {
		fmt.Printf("%-20s %-8s %s\n", c.Name, c.Status, c.Reason)
	}
}

// A program that already holds a dynamic client can share it with the probe; without a REST
// client the probe skips its reachability check and reports an unreachable cluster as
// Unknown checks.
func ExampleNewForClients() {
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		clientcmd.NewDefaultClientConfigLoadingRules(), nil).ClientConfig()
	if err != nil {
		fmt.Println(err)
		return
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := probe.NewForClients(probe.Clients{Dynamic: client}, probe.Options{})
	report, err := p.Check(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(report.Progress())
}
