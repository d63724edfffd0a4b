// Package gitops models what a GitOps repository applies to a cluster and in what order:
// which Argo CD Application (app-of-apps, ApplicationSets), Flux Kustomization or
// HelmRelease, or kustomization applies each object, where it syncs, the Helm charts the tree
// installs with their values, the Istio ambient components it installs, and the namespaces
// and workloads it enrolls in ambient mode.
//
// Build reads the tree through an fs.FS (the working tree, or a git revision from package
// manifest/gitrev) and the objects package manifest/load read from it. It never changes
// those objects: what it derives (the namespace a kustomization or a Flux targetNamespace
// gives, the labels and annotations a build adds, Flux's substituted variables) is set on new
// objects, Model.Objects, each pointing back at the object it renders (Object.Source).
package gitops
