package gitops

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ambientkit/ambientkit/manifest/load"
)

// writeFile writes data to the file name (slash-separated) below dir, making directories.
func writeFile(tb testing.TB, dir, name, data string) {
	tb.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// largeTree writes an app-of-apps repository of apps Applications, each applying a
// directory of files files of docs objects (Namespaces, Deployments, Services, ConfigMaps),
// plus the seed post's mesh Applications, and returns its root.
func largeTree(tb testing.TB, apps, files, docs int) string {
	tb.Helper()
	dir := tb.TempDir()
	write := func(name, data string) { writeFile(tb, dir, name, data) }
	tree := seedTree()
	for name, data := range tree {
		if strings.HasPrefix(name, "apps/") || strings.HasPrefix(name, "bootstrap/") || strings.HasPrefix(name, "platform/") {
			write(name, strings.TrimLeft(data, "\n"))
		}
	}
	for a := range apps {
		name := fmt.Sprintf("team-%03d", a)
		write("apps/"+name+".yaml", strings.TrimLeft(argoApp(name, "10",
			"    repoURL: https://github.com/example/gitops.git\n    path: teams/"+name+"\n"), "\n"))
		for f := range files {
			var sb strings.Builder
			for d := range docs {
				id := fmt.Sprintf("%s-%d-%d", name, f, d)
				switch d % 4 {
				case 0:
					fmt.Fprintf(&sb, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n  labels:\n    istio.io/dataplane-mode: ambient\n---\n", id)
				case 1:
					fmt.Fprintf(&sb, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n  annotations:\n    argocd.argoproj.io/sync-wave: \"1\"\nspec:\n  selector:\n    matchLabels: {app: %s}\n  template:\n    metadata:\n      labels: {app: %s}\n    spec:\n      containers:\n        - name: app\n          image: example/app:1\n---\n", id, id, id)
				case 2:
					fmt.Fprintf(&sb, "apiVersion: v1\nkind: Service\nmetadata:\n  name: %s\nspec:\n  selector: {app: %s}\n  ports:\n    - name: http\n      port: 80\n---\n", id, id)
				default:
					fmt.Fprintf(&sb, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n  key: value\n---\n", id)
				}
			}
			write(fmt.Sprintf("teams/%s/objects-%02d.yaml", name, f), sb.String())
		}
	}
	return dir
}

// BenchmarkBuildModel measures the model of a 10,000-object app-of-apps repository.
func BenchmarkBuildModel(b *testing.B) {
	dir := largeTree(b, 50, 20, 10)
	loaded, err := load.Load(context.Background(), []string{dir}, load.Options{Root: dir, MaxFileSize: 16 << 20})
	if err != nil {
		b.Fatal(err)
	}
	objects := loaded.Objects
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Build(os.DirFS(dir), dir, objects, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(objects)), "objects")
}

// fluxRootsTree writes a Flux repository of roots Kustomizations, each with a targetNamespace and
// a kustomization of three files of four objects; with labels, the kustomizations also set
// labels (which only kustomize's build applies), else they only list their files.
func fluxRootsTree(tb testing.TB, roots int, labels bool) string {
	tb.Helper()
	dir := tb.TempDir()
	write := func(name, data string) { writeFile(tb, dir, name, data) }
	var ks, list strings.Builder
	for r := range roots {
		name := fmt.Sprintf("app-%03d", r)
		fmt.Fprintf(&ks, "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: %s\n  namespace: flux-system\nspec:\n  path: ./apps/%s\n  targetNamespace: %s\n  sourceRef: {kind: GitRepository, name: flux-system}\n---\n", name, name, name)
		k := "resources: [a.yaml, b.yaml, c.yaml]\n"
		if labels {
			k += "labels:\n  - pairs: {team: " + name + "}\n"
		}
		write("apps/"+name+"/kustomization.yaml", k)
		for _, f := range []string{"a", "b", "c"} {
			var sb strings.Builder
			for d := range 4 {
				fmt.Fprintf(&sb, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s-%s-%d\ndata:\n  key: value\n---\n", name, f, d)
			}
			write("apps/"+name+"/"+f+".yaml", sb.String())
		}
	}
	fmt.Fprint(&list, "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  path: ./clusters/prod\n  sourceRef: {kind: GitRepository, name: flux-system}\n")
	write("clusters/prod/flux-system.yaml", list.String())
	write("clusters/prod/apps.yaml", ks.String())
	return dir
}

// BenchmarkRender measures the model of a Flux repository of 200 kustomize roots (2,401
// objects): built by kustomize (kustomizations that set labels), and by plainBuild
// (kustomizations that list files, with a Flux targetNamespace).
func BenchmarkRender(b *testing.B) {
	for _, bc := range []struct {
		name   string
		labels bool
	}{{"kustomize", true}, {"plain", false}} {
		b.Run(bc.name, func(b *testing.B) {
			dir := fluxRootsTree(b, 200, bc.labels)
			loaded, err := load.Load(context.Background(), []string{dir}, load.Options{Root: dir, MaxFileSize: 16 << 20})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				m, err := Build(os.DirFS(dir), dir, loaded.Objects, Options{OnDisk: true})
				if err != nil {
					b.Fatal(err)
				}
				if len(m.Renderings) != 201 || len(m.Unreached) != 0 {
					b.Fatalf("%d builds, %d objects applied by nothing; want 201 and 0", len(m.Renderings), len(m.Unreached))
				}
			}
		})
	}
}
