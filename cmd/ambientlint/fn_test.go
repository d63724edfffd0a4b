package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/runtime/exec"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const fnNamespace = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/dataplane-mode: Ambient
`

const fnServiceEntry = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: vendor
  namespace: shop
spec:
  hosts:
    - "*.vendor.example"
  location: MESH_EXTERNAL
  ports:
    - {number: 443, name: tls, protocol: TLS}
  resolution: NONE
`

// kyaml's own function runner (exec, as kpt and kustomize run an exec function) gets the
// items back unchanged and one result per finding, with the resource, its file and index,
// and the field.
func TestFnWithKyamlRunner(t *testing.T) {
	var nodes []*yaml.RNode
	for i, src := range []string{fnNamespace, fnServiceEntry} {
		n := yaml.MustParse(src)
		n.SetAnnotations(map[string]string{"config.kubernetes.io/path": []string{"ns.yaml", "apps/se.yaml"}[i],
			"config.kubernetes.io/index": "0"})
		nodes = append(nodes, n)
	}
	f := &exec.Filter{Path: binary, Args: []string{"fn"}, WorkingDir: t.TempDir()}
	out, err := f.Filter(nodes)
	if err == nil {
		t.Error("the function exited 0 with error results")
	}
	if len(out) != 0 && len(out) != 2 {
		t.Errorf("the function returned %d items, want the 2 it was given", len(out))
	}
	if f.Results == nil {
		t.Fatal("no results")
	}
	var results framework.Results
	if err := yaml.Unmarshal([]byte(f.Results.MustString()), &results); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range results {
		if r.File == nil || r.Field == nil || r.ResourceRef == nil {
			t.Errorf("result %q lacks its file, field or resource", r.Message)
			continue
		}
		got[r.Tags["rule"]] = r.File.Path + " " + r.ResourceRef.Kind + " " + r.Field.Path + " " + string(r.Severity)
	}
	want := map[string]string{
		"AMB003": `ns.yaml Namespace metadata.labels["istio.io/dataplane-mode"] error`,
		"AMB301": `apps/se.yaml ServiceEntry spec.hosts[0] error`,
	}
	for rule, w := range want {
		if got[rule] != w {
			t.Errorf("%s: %q, want %q", rule, got[rule], w)
		}
	}
}

// As the last of a kustomization's transformers (run by kustomize's own build with exec
// functions enabled), the function fails the build of a tree with a finding, saying why on
// standard error, and passes a clean one, leaving the output as built. (kustomize's
// validators: field rejects every exec function, even one that copies its input, because the
// path annotations kustomize adds count as a change: kubernetes-sigs/kustomize#5036.)
func TestFnAsKustomizeTransformer(t *testing.T) {
	build := func(se string) (string, string, error) {
		dir := t.TempDir()
		files := map[string]string{
			"namespace.yaml":     strings.Replace(fnNamespace, "Ambient", "ambient", 1),
			"serviceentry.yaml":  se,
			"kustomization.yaml": "resources:\n  - namespace.yaml\n  - serviceentry.yaml\ntransformers:\n  - ambientlint.yaml\n",
			"ambientlint.yaml": "apiVersion: ambientlint.io/v1\nkind: AmbientLint\nmetadata:\n  name: ambientlint\n" +
				"  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: " + binary + "\n        args: [fn]\n",
		}
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		opts := krusty.MakeDefaultOptions()
		opts.PluginConfig = types.EnabledPluginConfig(types.BploUseStaticallyLinked)
		opts.PluginConfig.FnpLoadingOptions.EnableExec = true
		// The function's standard error is the build's (exec.Filter runs it with os.Stderr).
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		stderr := os.Stderr
		os.Stderr = w
		m, err := krusty.MakeKustomizer(opts).Run(filesys.MakeFsOnDisk(), dir)
		os.Stderr = stderr
		w.Close()
		msg, _ := io.ReadAll(r)
		if err != nil {
			return "", string(msg), err
		}
		out, err := m.AsYaml()
		return string(out), string(msg), err
	}
	if _, msg, err := build(fnServiceEntry); err == nil || !strings.Contains(msg, "[AMB301 wildcard-egress]") {
		t.Errorf("kustomize build with a wildcard host: %v, stderr %q, want a failure naming AMB301", err, msg)
	}
	out, _, err := build(strings.Replace(fnServiceEntry, `"*.vendor.example"`, "api.vendor.example", 1))
	if err != nil {
		t.Fatalf("kustomize build of a clean tree: %v", err)
	}
	if !strings.Contains(out, "kind: ServiceEntry") || strings.Contains(out, "AmbientLint") || strings.Contains(out, "config.kubernetes.io") {
		t.Errorf("the build's output is not the resources:\n%s", out)
	}
}
