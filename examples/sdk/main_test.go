package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWritesTheSeedPostsObjects checks the program's output against the seed post's four
// objects, copied by hand from the post into the ambient package's golden files.
func TestWritesTheSeedPostsObjects(t *testing.T) {
	var want []string
	for _, name := range []string{"namespace", "gateway", "service", "serviceentry"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "ambient", "testdata", "golden", name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, string(b))
	}
	var got bytes.Buffer
	if err := write(&got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(strings.Join(want, "---\n"), got.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

// -check against a cluster that does not answer fails with the error, not a report.
func TestCheckWithoutACluster(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
users: [{name: u, user: {token: t}}]
current-context: c
`), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ready, err := checkCluster(t.Context(), kubeconfig, &out)
	if err == nil || ready {
		t.Fatalf("checkCluster = %v, %v; want an error\n%s", ready, err, out.String())
	}
}
