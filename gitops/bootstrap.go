package gitops

import (
	"path/filepath"
	"slices"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Bootstrap builds: a root (an Application or Flux Kustomization that no unit applies) is
// applied by hand, often with kubectl apply -k of a kustomization that patches it per
// cluster (the source path, a targetNamespace) and that the root then keeps applying
// itself. The model renders such a kustomization for the implicit Application, so the root
// is read as that build emits it, and what the build emits is applied by hand.

// findBootstrapBuilds records the topmost kustomizations of the tree that include (through
// their resources, directly or through other kustomizations) the file of a root, and that
// no unit builds. It reports whether it found new ones, which calls for another pass.
func (b *builder) findBootstrapBuilds() bool {
	implicit := b.m.Units[0]
	var roots []string
	for _, u := range implicit.Children {
		if f := b.unitFileAbs(u); f != "" && !b.bootstrapped[u.Object] {
			roots = append(roots, f)
		}
	}
	if len(roots) == 0 {
		return false
	}
	if b.includedBy == nil {
		b.includedBy = b.kustomizationIncludes() // the loaded kustomizations do not change
	}
	includedBy := b.includedBy
	found := false
	for _, f := range roots {
		seen := map[string]bool{}
		queue := append(slices.Clone(includedBy[f]), includedBy[filepath.Dir(f)]...)
		for len(queue) > 0 {
			k := queue[0]
			queue = queue[1:]
			if seen[k] {
				continue
			}
			seen[k] = true
			if parents := includedBy[k]; len(parents) > 0 {
				queue = append(queue, parents...)
				continue
			}
			if !slices.Contains(b.bootstrapBuilds, k) {
				b.bootstrapBuilds = append(b.bootstrapBuilds, k)
				found = true
			}
		}
	}
	slices.Sort(b.bootstrapBuilds)
	return found
}

// kustomizationIncludes maps each file and directory of the tree that a kustomization of
// the tree lists (resources, bases) to the directories of the kustomizations that list it.
func (b *builder) kustomizationIncludes() map[string][]string {
	out := map[string][]string{}
	for i, o := range b.objects {
		if b.gks[i] != "kustomize.config.k8s.io/Kustomization" {
			continue
		}
		f := b.abs[o.File]
		if f == "" {
			continue
		}
		dir := filepath.Dir(f)
		n := o.Source.Root().YNode()
		for _, field := range []string{"resources", "bases"} {
			for _, e := range seqAt(n, field) {
				if e.Kind != yaml.ScalarNode || isRemoteResource(e.Value) {
					continue
				}
				p := filepath.Join(dir, filepath.FromSlash(e.Value))
				if !slices.Contains(out[p], dir) {
					out[p] = append(out[p], dir)
				}
			}
		}
	}
	return out
}

// buildBootstrap renders the bootstrap kustomizations for the implicit Application: what
// they emit is applied by hand, with the namespace, labels and spec the build gives it.
func (b *builder) buildBootstrap() {
	implicit := b.m.Units[0]
	for _, dir := range b.bootstrapBuilds {
		if b.kustomizationIn(dir) == "" {
			continue
		}
		r := b.render(implicit, dir, nil)
		if !b.applyRendering(implicit, r, nil, "") {
			continue
		}
		for _, ro := range r.objects {
			if ro.src != nil {
				b.bootstrapped[ro.src] = true
			}
		}
	}
}
