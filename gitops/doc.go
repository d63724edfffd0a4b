// Package gitops models what a GitOps repository applies to a cluster and in what order:
// which Argo CD Application (app-of-apps, ApplicationSets), Flux Kustomization or
// HelmRelease, or kustomization applies each object, where it syncs, the Helm charts the tree
// installs with their values, the Istio ambient components it installs, and the namespaces
// and workloads it enrolls in ambient mode.
//
// Build reads the tree through an fs.FS (the working tree, or a git revision from package
// manifest/gitrev) and the objects package manifest/load read from it. Every kustomize root
// a unit applies is rendered by kustomize's own library as the controllers render it (Flux's
// generator for a Flux Kustomization, an Argo CD source's kustomize options written into its
// kustomization), never fetching: remote bases and URLs are left out (Rendering.LeftOut).
// Origin annotations map each emitted object back to the loaded one, so findings keep its
// file and line. Build never changes the loaded objects: what a build gives them (the
// namespace, labels and annotations, Flux's substituted variables) is set on new objects,
// Model.Objects, each pointing back at the object it renders (Object.Source). In a tree with
// GitOps roots, the objects no unit applies are Model.Unreached, and not in Model.Objects
// unless Options.Unreached.
package gitops
