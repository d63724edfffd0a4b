package gitops

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ambientkit/ambientkit/manifest"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kustomizationFiles are the names kustomize accepts for its build file, in its order.
var kustomizationFiles = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// resolveUnits resolves what each unit applies: files (with the namespace kustomize forces),
// chart installs, and components from remote sources.
//
// HelmReleases come last: their valuesFrom may name a ConfigMap that a kustomization's
// generator makes, known once the builds are done.
func (b *builder) resolveUnits() {
	b.buildBootstrap()
	for _, u := range b.m.Units[1:] {
		switch u.Kind {
		case ApplicationUnit:
			b.resolveApplication(u)
		case KustomizationUnit:
			b.resolveKustomization(u)
		}
	}
	for _, u := range b.m.Units[1:] {
		if u.Kind == HelmReleaseUnit {
			b.resolveHelmRelease(u)
		}
	}
	// Charts in input order: by unit, each unit's in the order it names them.
	order := make(map[*Unit]int, len(b.m.Units))
	for i, u := range b.m.Units {
		order[u] = i
	}
	slices.SortStableFunc(b.m.Charts, func(x, y *ChartInstall) int {
		return cmp.Compare(order[x.Placement.Unit], order[y.Placement.Unit])
	})
}

// kustomizationIn returns the kustomization file of dir, or "".
func (b *builder) kustomizationIn(dir string) string {
	for _, n := range kustomizationFiles {
		if p := filepath.Join(dir, n); b.stat(p).exists && !b.stat(p).dir {
			return p
		}
	}
	return ""
}

// readYAML parses a file of the tree (cached); nil when it cannot be read or parsed.
func (b *builder) readYAML(p string) *yaml.RNode {
	if n, ok := b.kustCache[p]; ok {
		return n
	}
	var n *yaml.RNode
	if data, err := b.readFile(p); err == nil {
		if rn, err := yaml.Parse(string(data)); err == nil {
			n = rn
		}
	}
	b.kustCache[p] = n
	return n
}

// readValuesFile reads a Helm values file of the tree.
func (b *builder) readValuesFile(p string) (map[string]any, bool) {
	data, err := b.readFile(p)
	if err != nil {
		return nil, false
	}
	return parseYAMLMap(string(data))
}

// normalizeRepoURL reduces a Git address to host/path for comparison: no scheme, user,
// ".git" or trailing slash, lower case.
func normalizeRepoURL(u string) string {
	u = strings.ToLower(strings.TrimSpace(u))
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	} else if at := strings.Index(u, "@"); at >= 0 && strings.Contains(u[at:], ":") {
		u = strings.Replace(u[at+1:], ":", "/", 1) // git@host:org/repo
	}
	if at := strings.Index(u, "@"); at >= 0 && at < strings.Index(u+"/", "/") {
		u = u[at+1:]
	}
	u = strings.TrimSuffix(strings.TrimSuffix(u, "/"), ".git")
	return u
}

// isGatewayAPISource reports whether a repository address or kustomize resource points at
// the Gateway API CRDs: the kubernetes-sigs/gateway-api repository's config/crd, or a
// release's standard/experimental install manifest.
func isGatewayAPISource(url, p string) bool {
	s := strings.ToLower(url + "/" + p)
	if !strings.Contains(s, "kubernetes-sigs/gateway-api") {
		return false
	}
	return strings.Contains(s, "config/crd") || strings.Contains(s, "-install.yaml")
}

// knownRemote reports whether a repository address is a well-known upstream repository,
// never this one.
func knownRemote(url string) bool {
	s := strings.ToLower(url)
	return strings.Contains(s, "kubernetes-sigs/gateway-api") || strings.Contains(s, "github.com/istio/istio")
}

// isLocalRepo reports whether a source repository address is the linted repository:
// exactly one of config argocd.repoURLs when that is set, else anything but a well-known
// upstream repository.
func (b *builder) isLocalRepo(url string) bool {
	if len(b.opts.RepoURLs) > 0 {
		n := normalizeRepoURL(url)
		for _, r := range b.opts.RepoURLs {
			if normalizeRepoURL(r) == n {
				return true
			}
		}
		return false
	}
	if len(b.localRepos) > 0 {
		return b.localRepos[normalizeRepoURL(url)]
	}
	return !knownRemote(url)
}

// inferLocalRepos sets, when config argocd.repoURLs does not, the repository addresses that
// mean this repository: those of the root Applications' sources whose paths are
// directories of the tree. A root is applied by hand from a checkout of the repository it
// manages, so a child Application whose source names another repository (an apps
// repository beside the cluster one) applies nothing of this tree. It reports whether the
// set changed, which calls for another pass.
func (b *builder) inferLocalRepos() bool {
	if len(b.opts.RepoURLs) > 0 {
		return false
	}
	found := map[string]bool{}
	for _, u := range b.m.Units[0].Children {
		if u.Kind != ApplicationUnit || u.Generator != "" {
			continue
		}
		spec := nodeAt(u.spec, "spec")
		srcs := seqAt(spec, "sources")
		if s := nodeAt(spec, "source"); s != nil {
			srcs = append(srcs, s)
		}
		for _, s := range srcs {
			url, p := scalarAt(s, "repoURL"), scalarAt(s, "path")
			if url == "" || p == "" || knownRemote(url) || scalarAt(s, "chart") != "" {
				continue
			}
			if _, ok := b.localDir(p); ok {
				found[normalizeRepoURL(url)] = true
			}
		}
	}
	if len(found) == 0 || maps.Equal(found, b.localRepos) {
		return false
	}
	for r := range b.localRepos {
		found[r] = true // once local, always: passes only add
	}
	changed := !maps.Equal(found, b.localRepos)
	b.localRepos = found
	return changed
}

// localDir resolves a source path to a directory of the tree; ok is false when it is not
// one (templated, outside the root, missing).
func (b *builder) localDir(rel string) (string, bool) {
	if strings.Contains(rel, "{{") || strings.Contains(rel, "${") {
		return "", false
	}
	p, ok := b.inRoot(rel)
	if !ok || !b.stat(p).dir {
		return "", false
	}
	return p, true
}

// istioChartKind maps an Istio Helm chart name to its component.
func istioChartKind(chart string) (ComponentKind, bool) {
	switch chart {
	case "base":
		return IstioBase, true
	case "istiod":
		return Istiod, true
	case "cni":
		return IstioCNI, true
	case "ztunnel":
		return Ztunnel, true
	}
	return 0, false
}

// isIstioChartRepo reports whether a chart repository serves Istio's charts: Istio's release
// repositories (https://istio-release.storage.googleapis.com/charts,
// oci://gcr.io/istio-release/charts, mirrors keeping the name), or the istio/istio Git
// repository's chart directories.
func isIstioChartRepo(url string) bool {
	s := strings.ToLower(url)
	return strings.Contains(s, "istio-release") || strings.Contains(s, "github.com/istio/istio")
}

// istioChartName is the name of the Istio chart that installs component k.
func istioChartName(k ComponentKind) string {
	switch k {
	case IstioBase:
		return "base"
	case Istiod:
		return "istiod"
	case IstioCNI:
		return "cni"
	}
	return "ztunnel"
}

// istioRepoPathKind maps a chart directory of the istio/istio repository to its component.
func istioRepoPathKind(p string) (ComponentKind, bool) {
	p = strings.Trim(path.Clean("/"+p), "/")
	switch {
	case strings.HasSuffix(p, "manifests/charts/base"):
		return IstioBase, true
	case strings.HasSuffix(p, "istio-control/istio-discovery"):
		return Istiod, true
	case strings.HasSuffix(p, "manifests/charts/istio-cni"):
		return IstioCNI, true
	case strings.HasSuffix(p, "manifests/charts/ztunnel"):
		return Ztunnel, true
	}
	return 0, false
}

// addRemote records a component a unit installs from a remote source.
func (b *builder) addRemote(u *Unit, k ComponentKind, obj *manifest.Object, via string, pos manifest.Position) {
	at := b.pointFor(u, crdKindFor(k), "")
	c := &Component{Kind: k, Object: obj, Via: via, Pos: pos, Placement: Placement{Unit: u, At: at}}
	if k == GatewayAPICRDs || k == IstioBase {
		c.Placement.defines = componentDefines(k)
	}
	b.remotes = append(b.remotes, c)
}

// crdKindFor is the kind that stands for a component's objects when the tree does not hold
// them: its CRDs or its workload.
func crdKindFor(k ComponentKind) string {
	switch k {
	case Istiod:
		return "Deployment"
	case IstioCNI, Ztunnel:
		return "DaemonSet"
	}
	return "CustomResourceDefinition"
}

// componentDefines matches the kinds whose CRDs a component installs.
func componentDefines(k ComponentKind) func(string) bool {
	switch k {
	case GatewayAPICRDs:
		return func(gk string) bool { return isGatewayAPIGroup(groupOf(gk)) }
	case IstioBase:
		return func(gk string) bool { return isIstioGroup(groupOf(gk)) }
	}
	return nil
}

func groupOf(gk string) string {
	g, _, _ := strings.Cut(gk, "/")
	return g
}

// isGatewayAPIGroup reports whether group is a Gateway API group.
func isGatewayAPIGroup(g string) bool {
	return g == "gateway.networking.k8s.io" || g == "gateway.networking.x-k8s.io"
}

// isIstioGroup reports whether group is one of Istio's API groups (whose CRDs istio base
// installs).
func isIstioGroup(g string) bool {
	return g == "istio.io" || strings.HasSuffix(g, ".istio.io")
}

// pointFor returns the point at which unit u applies an item of kind (not an object of the
// tree).
func (b *builder) pointFor(u *Unit, kind, apiVersion string) SyncPoint {
	if u.IsFlux() {
		return fluxPoint(kind, apiVersion)
	}
	return SyncPoint{Phase: PhaseSync, Kind: kind, KindRank: kindRank(kind)}
}

// ---- Argo CD ----

// argoSource is one source of an Application, with the node path it is at.
type argoSource struct {
	node *yaml.Node
	path []string
}

func (b *builder) resolveApplication(u *Unit) {
	spec := nodeAt(u.spec, "spec")
	u.TargetNamespace = scalarAt(spec, "destination", "namespace")
	var srcs []argoSource
	if s := nodeAt(spec, "source"); s != nil && s.Kind == yaml.MappingNode {
		srcs = append(srcs, argoSource{s, []string{"spec", "source"}})
	}
	for i, s := range seqAt(spec, "sources") {
		srcs = append(srcs, argoSource{s, []string{"spec", "sources", fmt.Sprint(i)}})
	}
	// Sources with ref provide value files ($ref/path) to the others.
	refs := map[string]bool{}
	for _, s := range srcs {
		if r := scalarAt(s.node, "ref"); r != "" && b.isLocalRepo(scalarAt(s.node, "repoURL")) {
			refs[r] = true
		}
	}
	for _, s := range srcs {
		repo := scalarAt(s.node, "repoURL")
		chart := scalarAt(s.node, "chart")
		p := scalarAt(s.node, "path")
		switch {
		case chart != "":
			b.argoChart(u, s, repo, chart, "", refs)
		case scalarAt(s.node, "ref") != "" && p == "":
			// values only
		case isGatewayAPISource(repo, p):
			b.addRemote(u, GatewayAPICRDs, u.Object, "source "+repo+" "+p,
				b.specPos(u, append(s.path, "repoURL")))
		case strings.Contains(strings.ToLower(repo), "github.com/istio/istio"):
			if k, ok := istioRepoPathKind(p); ok {
				b.argoChart(u, s, repo, istioChartName(k), "", refs)
			}
		case b.isLocalRepo(repo):
			dir, ok := b.localDir(p)
			if !ok {
				continue
			}
			u.Paths = append(u.Paths, b.relSlash(dir))
			switch {
			case b.kustomizationIn(dir) != "":
				ns, edit := scalarAt(s.node, "kustomize", "namespace"), argoEdit(unitFile(u), s.node)
				if !b.applyRendering(u, b.render(u, dir, s.node), edit, ns) {
					b.kustomize(u, dir, ns, map[string]bool{}, edit)
				}
			case b.stat(filepath.Join(dir, "Chart.yaml")).exists:
				b.localChart(u, s, dir, refs)
			default:
				b.directory(u, dir, boolAt(s.node, "directory", "recurse"),
					scalarAt(s.node, "directory", "include"), scalarAt(s.node, "directory", "exclude"))
			}
		}
	}
}

// specPos returns the position of the node at path in u's spec (the Application, or the
// ApplicationSet template it was rendered from, whose nodes keep the template's positions).
func (b *builder) specPos(u *Unit, path []string) manifest.Position {
	return u.Object.Pos(templatePath(u, path)...)
}

// templatePath maps a path in a generated Application to the path in its ApplicationSet.
func templatePath(u *Unit, p []string) []string {
	if u.Generator == "" {
		return p
	}
	return append([]string{"spec", "template"}, p...)
}

// argoValues merges the values an Argo CD source passes to Helm: value files, values,
// valuesObject, parameters (later wins). chartDir is the chart's directory in the tree, ""
// for a chart from a repository.
func (b *builder) argoValues(s *yaml.Node, chartDir string, base map[string]any, refs map[string]bool) (map[string]any, bool) {
	vals := mergeValues(nil, base)
	known := true
	ignoreMissing := boolAt(s, "helm", "ignoreMissingValueFiles")
	for _, f := range stringsAt(s, "helm", "valueFiles") {
		var p string
		switch {
		case strings.HasPrefix(f, "$"):
			ref, rest, _ := strings.Cut(f[1:], "/")
			if !refs[ref] {
				known = false
				continue
			}
			var ok bool
			if p, ok = b.inRoot(rest); !ok {
				known = false
				continue
			}
		case strings.Contains(f, "://") || chartDir == "":
			known = false
			continue
		default:
			p = filepath.Join(chartDir, filepath.FromSlash(f))
		}
		v, ok := b.readValuesFile(p)
		if !ok {
			if !ignoreMissing {
				known = false
			}
			continue
		}
		vals = mergeValues(vals, v)
	}
	if str := scalarAt(s, "helm", "values"); str != "" {
		if v, ok := parseYAMLMap(str); ok {
			vals = mergeValues(vals, v)
		} else {
			known = false
		}
	}
	if n := nodeAt(s, "helm", "valuesObject"); n != nil {
		vals = mergeValues(vals, decodeMap(n))
	}
	for _, prm := range seqAt(s, "helm", "parameters") {
		if name := scalarAt(prm, "name"); name != "" {
			setDotted(vals, name, scalarAt(prm, "value"))
		}
	}
	if len(seqAt(s, "helm", "fileParameters")) > 0 {
		known = false
	}
	return vals, known
}

// argoChart records the chart install of an Argo CD source with chart (or a chart
// directory of the istio/istio repository).
func (b *builder) argoChart(u *Unit, s argoSource, repo, chart, chartDir string, refs map[string]bool) {
	vals, known := b.argoValues(s.node, chartDir, nil, refs)
	release := scalarAt(s.node, "helm", "releaseName")
	if release == "" {
		release = u.Name
	}
	ci := &ChartInstall{
		Chart: chart, RepoURL: repo, Version: scalarAt(s.node, "targetRevision"),
		ReleaseName: release, Namespace: u.TargetNamespace,
		Values: vals, ValuesKnown: known, Object: u.Object,
		Placement: Placement{Unit: u, At: b.pointFor(u, "", "")},
	}
	chartPath := append(slicesClone(s.path), "chart")
	if nodeAt(s.node, "chart") == nil {
		chartPath = append(slicesClone(s.path), "path")
	}
	ci.Pos = b.specPos(u, chartPath)
	ci.ValuesPos, ci.ValuesPath = ci.Pos, templatePath(u, chartPath)
	for _, k := range []string{"valuesObject", "values", "parameters"} {
		vp := append(slicesClone(s.path), "helm", k)
		if nodeAt(u.spec, vp...) != nil {
			ci.ValuesPos, ci.ValuesPath = b.specPos(u, vp), templatePath(u, vp)
			break
		}
	}
	b.m.Charts = append(b.m.Charts, ci)
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// localChart records a local Helm chart: the chart itself, and each of its dependencies as
// a chart install with its part of the values (an umbrella chart).
func (b *builder) localChart(u *Unit, s argoSource, dir string, refs map[string]bool) {
	b.addClaim(claim{dir: dir, recursive: true})
	for _, f := range b.filesUnder(dir, true) {
		b.addMember(f, u, "", nil)
	}
	chartFile := filepath.Join(dir, "Chart.yaml")
	cf := b.readYAML(chartFile)
	if cf == nil {
		return
	}
	base, _ := b.readValuesFile(filepath.Join(dir, "values.yaml"))
	vals, known := b.argoValues(s.node, dir, base, refs)
	display := b.displayPath(chartFile)
	name := scalarAt(cf.YNode(), "name")
	home := strings.ToLower(scalarAt(cf.YNode(), "home") + " " + strings.Join(stringsAt(cf.YNode(), "sources"), " "))
	release := scalarAt(s.node, "helm", "releaseName")
	if release == "" {
		release = u.Name
	}
	at := b.pointFor(u, "", "")
	self := &ChartInstall{
		Chart: name, Version: scalarAt(cf.YNode(), "version"), ReleaseName: release, Namespace: u.TargetNamespace,
		Values: vals, ValuesKnown: known, Object: u.Object, Placement: Placement{Unit: u, At: at},
		Pos: nodePos(display, nodeAt(cf.YNode(), "name")),
	}
	self.ValuesPos = self.Pos
	self.istioLocal = strings.Contains(home, "istio")
	b.m.Charts = append(b.m.Charts, self)
	for i, d := range seqAt(cf.YNode(), "dependencies") {
		dname := scalarAt(d, "name")
		key := scalarAt(d, "alias")
		if key == "" {
			key = dname
		}
		sub, _ := vals[key].(map[string]any)
		sub = mergeValues(nil, sub)
		if g, ok := vals["global"].(map[string]any); ok {
			sub["global"] = mergeValues(mergeValues(nil, g), asMap(sub["global"]))
		}
		pos := nodePos(display, nodeAt(cf.YNode(), "dependencies", fmt.Sprint(i), "name"))
		b.m.Charts = append(b.m.Charts, &ChartInstall{
			Chart: dname, RepoURL: scalarAt(d, "repository"), Version: scalarAt(d, "version"),
			ReleaseName: release, Namespace: u.TargetNamespace, Values: sub, ValuesKnown: known,
			Object: u.Object, Placement: Placement{Unit: u, At: at}, Pos: pos, ValuesPos: pos,
		})
	}
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// directory records an Argo CD directory source: the YAML and JSON files of dir (and below
// it when recursive), filtered by the include and exclude globs.
func (b *builder) directory(u *Unit, dir string, recursive bool, include, exclude string) {
	b.addClaim(claim{dir: dir, recursive: recursive})
	for _, f := range b.filesUnder(dir, recursive) {
		switch strings.ToLower(filepath.Ext(f)) {
		case ".yaml", ".yml", ".json":
		default:
			continue
		}
		rel := filepath.ToSlash(strings.TrimPrefix(f, dir+string(filepath.Separator)))
		if include != "" && !globMatch(include, rel) {
			continue
		}
		if exclude != "" && globMatch(exclude, rel) {
			continue
		}
		b.addMember(f, u, "", nil)
	}
}

// globMatch matches an Argo CD include/exclude pattern ("*.yaml", "{a.yaml,b/*.yaml}")
// against a path relative to the source directory, or its base name.
func globMatch(pattern, rel string) bool {
	pattern = strings.TrimSpace(pattern)
	alts := []string{pattern}
	if strings.HasPrefix(pattern, "{") && strings.HasSuffix(pattern, "}") {
		alts = strings.Split(pattern[1:len(pattern)-1], ",")
	}
	for _, a := range alts {
		a = strings.TrimSpace(a)
		if ok, _ := path.Match(a, rel); ok {
			return true
		}
		if ok, _ := path.Match(a, path.Base(rel)); ok {
			return true
		}
	}
	return false
}

// kustomize records what the kustomization in dir builds: its resources (files, nested
// kustomizations, remote bases), components, patches and helmCharts. ns is the namespace an
// enclosing kustomization (or Flux targetNamespace) forces: the outermost one wins, as
// kustomize's namespace transformer of the outer build runs last.
func (b *builder) kustomize(u *Unit, dir, ns string, seen map[string]bool, outer *metaEdit) {
	if seen[dir] {
		return
	}
	seen[dir] = true
	b.addClaim(claim{dir: dir})
	kf := b.kustomizationIn(dir)
	k := b.readYAML(kf)
	if k == nil {
		return
	}
	kn := k.YNode()
	if ns == "" {
		ns = scalarAt(kn, "namespace")
	}
	display := b.displayPath(kf)
	// What the build adds to its objects' metadata: its Components' transformers (which act
	// on the whole build, in order), its own over them, the enclosing builds' over those.
	var edit *metaEdit
	for _, c := range seqAt(kn, "components") {
		if c.Kind != yaml.ScalarNode || isRemoteResource(c.Value) {
			continue
		}
		if ck := b.kustomizationIn(filepath.Join(dir, filepath.FromSlash(c.Value))); ck != "" {
			if cn := b.readYAML(ck); cn != nil {
				edit = kustomizeEdit(b.displayPath(ck), cn.YNode()).over(edit)
			}
		}
	}
	edit = outer.over(kustomizeEdit(display, kn).over(edit))
	var entries []*yaml.Node
	for _, field := range []string{"resources", "bases", "components"} {
		entries = append(entries, seqAt(kn, field)...)
	}
	for _, e := range entries {
		if e.Kind != yaml.ScalarNode || isRemoteResource(e.Value) {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(e.Value))
		switch st := b.stat(p); {
		case st.dir:
			if b.kustomizationIn(p) != "" {
				b.kustomize(u, p, ns, seen, edit)
			}
		case st.exists:
			b.addMember(p, u, ns, edit)
		}
	}
	// Patch files are merged into the objects they target, which this build applies.
	for _, p := range patchFilesOf(dir, kn) {
		if b.stat(p).exists && !b.stat(p).dir {
			b.addMember(p, u, ns, edit)
		}
	}
	b.kustomizeExtras(u, kf, ns)
}

// kustomizeExtras records what a kustomization file kf that u builds installs beyond its
// local resources: the Gateway API CRDs from a remote resource (never fetched), and its
// helmCharts (never inflated), with their values. ns is the namespace the build forces.
func (b *builder) kustomizeExtras(u *Unit, kf, ns string) {
	k := b.readYAML(kf)
	if k == nil {
		return
	}
	kn := k.YNode()
	if ns == "" {
		ns = scalarAt(kn, "namespace")
	}
	display := b.displayPath(kf)
	dir := filepath.Dir(kf)
	for _, field := range []string{"resources", "bases", "components"} {
		for _, e := range seqAt(kn, field) {
			if e.Kind == yaml.ScalarNode && isRemoteResource(e.Value) && isGatewayAPISource(e.Value, "") {
				b.addRemote(u, GatewayAPICRDs, nil, "kustomize resource "+e.Value, nodePos(display, e))
			}
		}
	}
	for i, hc := range seqAt(kn, "helmCharts") {
		vals := map[string]any{}
		known := true
		if vf := scalarAt(hc, "valuesFile"); vf != "" {
			if v, ok := b.readValuesFile(filepath.Join(dir, filepath.FromSlash(vf))); ok {
				vals = mergeValues(vals, v)
			} else {
				known = false
			}
		}
		for _, vf := range stringsAt(hc, "additionalValuesFiles") {
			if v, ok := b.readValuesFile(filepath.Join(dir, filepath.FromSlash(vf))); ok {
				vals = mergeValues(vals, v)
			} else {
				known = false
			}
		}
		vals = mergeValues(vals, decodeMap(nodeAt(hc, "valuesInline")))
		hns := scalarAt(hc, "namespace")
		if ns != "" {
			hns = ns
		}
		if hns == "" && u.Kind == ApplicationUnit {
			hns = u.TargetNamespace
		}
		pos := nodePos(display, nodeAt(kn, "helmCharts", fmt.Sprint(i), "name"))
		vpos := pos
		for j := 0; j+1 < len(hc.Content); j += 2 {
			if hc.Content[j].Value == "valuesInline" {
				vpos = nodePos(display, hc.Content[j])
			}
		}
		b.m.Charts = append(b.m.Charts, &ChartInstall{
			Chart: scalarAt(hc, "name"), RepoURL: scalarAt(hc, "repo"), Version: scalarAt(hc, "version"),
			ReleaseName: scalarAt(hc, "releaseName"), Namespace: hns, Values: vals, ValuesKnown: known,
			Placement: Placement{Unit: u, At: b.pointFor(u, "", "")}, Pos: pos, ValuesPos: vpos,
		})
	}
}

// isRemoteResource reports whether a kustomize resource entry is a URL rather than a path.
func isRemoteResource(r string) bool {
	return strings.Contains(r, "://") || strings.HasPrefix(r, "git@") || strings.HasPrefix(r, "github.com/") ||
		strings.Contains(r, "?ref=") || strings.HasPrefix(r, "gitlab.com/") || strings.HasPrefix(r, "bitbucket.org/")
}

// ---- Flux ----

// fluxSourceRef returns the kind, namespace and name of a Flux sourceRef at path.
func fluxSourceRef(n *yaml.Node, defNS string, path ...string) (kind, ns, name string) {
	ref := nodeAt(n, path...)
	kind, ns, name = scalarAt(ref, "kind"), scalarAt(ref, "namespace"), scalarAt(ref, "name")
	if ns == "" {
		ns = defNS
	}
	return kind, ns, name
}

func (b *builder) resolveKustomization(u *Unit) {
	spec := nodeAt(u.spec, "spec")
	u.TargetNamespace = scalarAt(spec, "targetNamespace")
	u.nsOverride = u.TargetNamespace
	u.Wait = boolAt(spec, "wait")
	u.HealthChecks = nil
	for _, hc := range seqAt(spec, "healthChecks") {
		ref := manifest.ObjectRef{APIVersion: scalarAt(hc, "apiVersion"), Kind: scalarAt(hc, "kind"),
			Name: scalarAt(hc, "name"), Namespace: scalarAt(hc, "namespace")}
		u.HealthChecks = append(u.HealthChecks, ref)
	}
	u.subst = b.substVarsOf(u, spec)
	u.edit = fluxEdit(unitFile(u), spec)
	p := scalarAt(spec, "path")
	kind, ns, name := fluxSourceRef(spec, u.Namespace, "sourceRef")
	var url string
	var src *manifest.Object
	switch kind {
	case "GitRepository", "OCIRepository", "Bucket":
		src = b.find("source.toolkit.fluxcd.io/"+kind, ns, name, b.unitFileAbs(u))
		url = scalarAt(nodeAtObj(src), "spec", "url")
	}
	if isGatewayAPISource(url, p) {
		b.addRemote(u, GatewayAPICRDs, u.Object, kind+" "+url+" path "+p, u.Object.Pos("spec", "path"))
		return
	}
	if kind != "GitRepository" && kind != "" {
		return // OCI artifacts and buckets are built elsewhere
	}
	if src != nil && !b.isLocalRepo(url) {
		return
	}
	if p == "" {
		p = "."
	}
	dir, ok := b.localDir(p)
	if !ok {
		return
	}
	u.Paths = append(u.Paths, b.relSlash(dir))
	if b.applyRendering(u, b.render(u, dir, nil), u.edit, u.nsOverride) {
		return
	}
	if b.kustomizationIn(dir) != "" {
		b.kustomize(u, dir, u.nsOverride, map[string]bool{}, u.edit)
		return
	}
	b.fluxGenerate(u, dir)
}

// unitFileAbs returns the absolute path of the file that defines u, "" when none.
func (b *builder) unitFileAbs(u *Unit) string {
	if u.Object == nil {
		return ""
	}
	return b.abs[u.Object.File]
}

// unitFile returns the path of the file that defines u, for positions in its spec.
func unitFile(u *Unit) string {
	if u.Object == nil || u.Object.File == nil {
		return ""
	}
	return u.Object.File.Path
}

func nodeAtObj(o *manifest.Object) *yaml.Node {
	if root := o.Root(); root != nil {
		return root.YNode()
	}
	return nil
}

// fluxGenerate records what Flux applies from a directory without a kustomization file: it
// generates one with every manifest below it, and a subdirectory that has its own
// kustomization file is built as a kustomization.
func (b *builder) fluxGenerate(u *Unit, dir string) {
	b.addClaim(claim{dir: dir, recursive: true})
	seen := map[string]bool{}
	for _, f := range b.filesUnder(dir, true) {
		switch strings.ToLower(filepath.Ext(f)) {
		case ".yaml", ".yml", ".json":
		default:
			continue
		}
		// The topmost directory between dir and f that has a kustomization file builds f.
		nested := ""
		rel, _ := filepath.Rel(dir, filepath.Dir(f))
		cur := dir
		if rel != "." {
			for _, part := range strings.Split(rel, string(filepath.Separator)) {
				cur = filepath.Join(cur, part)
				if b.kustomizationIn(cur) != "" {
					nested = cur
					break
				}
			}
		}
		if nested != "" {
			b.kustomize(u, nested, u.nsOverride, seen, u.edit)
			continue
		}
		b.addMember(f, u, u.nsOverride, u.edit)
	}
}

func (b *builder) resolveHelmRelease(u *Unit) {
	o := u.Object
	spec := nodeAt(u.spec, "spec")
	u.TargetNamespace = scalarAt(spec, "targetNamespace")
	u.Wait = !boolAt(spec, "install", "disableWait")
	ci := &ChartInstall{
		ReleaseName: scalarAt(spec, "releaseName"), Namespace: u.TargetNamespace, Object: o,
		Placement: Placement{Unit: u, At: SyncPoint{Phase: PhaseSync}},
	}
	if ci.Namespace == "" {
		ci.Namespace = u.Namespace
	}
	if ci.ReleaseName == "" {
		ci.ReleaseName = u.Name
		if u.TargetNamespace != "" {
			ci.ReleaseName = u.TargetNamespace + "-" + u.Name
		}
	}
	switch {
	case nodeAt(spec, "chart", "spec") != nil:
		ci.Chart = scalarAt(spec, "chart", "spec", "chart")
		ci.Version = scalarAt(spec, "chart", "spec", "version")
		ci.Pos = o.Pos("spec", "chart", "spec", "chart")
		kind, ns, name := fluxSourceRef(spec, u.Namespace, "chart", "spec", "sourceRef")
		ci.RepoURL = b.fluxRepoURL(kind, ns, name, b.unitFileAbs(u))
		if kind == "GitRepository" {
			ci.Chart = path.Base(ci.Chart)
		}
	case nodeAt(spec, "chartRef") != nil:
		ci.Pos = o.Pos("spec", "chartRef")
		kind, ns, name := fluxSourceRef(spec, u.Namespace, "chartRef")
		src := b.find("source.toolkit.fluxcd.io/"+kind, ns, name, b.unitFileAbs(u))
		sn := nodeAtObj(src)
		switch kind {
		case "OCIRepository":
			ci.RepoURL = scalarAt(sn, "spec", "url")
			ci.Chart = path.Base(ci.RepoURL)
			ci.Version = scalarAt(sn, "spec", "ref", "tag")
			if ci.Version == "" {
				ci.Version = scalarAt(sn, "spec", "ref", "semver")
			}
		case "HelmChart":
			ci.Chart = scalarAt(sn, "spec", "chart")
			ci.Version = scalarAt(sn, "spec", "version")
			skind, sns, sname := fluxSourceRef(sn, ns, "spec", "sourceRef")
			ci.RepoURL = b.fluxRepoURL(skind, sns, sname, b.unitFileAbs(u))
		}
	}
	ci.ValuesPos, ci.ValuesPath = ci.Pos, nil
	if o.Lookup("spec", "values") != nil {
		ci.ValuesPos, ci.ValuesPath = o.Pos("spec", "values"), []string{"spec", "values"}
	}
	ci.Values, ci.ValuesKnown = b.fluxValues(u, spec)
	b.m.Charts = append(b.m.Charts, ci)
}

// fluxRepoURL returns the address of a Flux chart source, the one nearest from (see find).
func (b *builder) fluxRepoURL(kind, ns, name, from string) string {
	src := b.find("source.toolkit.fluxcd.io/"+kind, ns, name, from)
	url := scalarAt(nodeAtObj(src), "spec", "url")
	if url != "" && scalarAt(nodeAtObj(src), "spec", "type") == "oci" && !strings.HasPrefix(url, "oci://") {
		url = "oci://" + url
	}
	return url
}

// fluxValues merges a HelmRelease's valuesFrom (ConfigMaps and Secrets of the tree) and
// values.
func (b *builder) fluxValues(u *Unit, spec *yaml.Node) (map[string]any, bool) {
	vals := map[string]any{}
	known := true
	for _, vf := range seqAt(spec, "valuesFrom") {
		kind, name := scalarAt(vf, "kind"), scalarAt(vf, "name")
		key := scalarAt(vf, "valuesKey")
		if key == "" {
			key = "values.yaml"
		}
		data, ok := b.configData(kind, u.Namespace, name, b.unitFileAbs(u))
		if !ok {
			if !boolAt(vf, "optional") {
				known = false
			}
			continue
		}
		s, ok := data[key]
		if !ok {
			known = false
			continue
		}
		if tp := scalarAt(vf, "targetPath"); tp != "" {
			setDotted(vals, tp, s)
			continue
		}
		v, ok := parseYAMLMap(s)
		if !ok {
			known = false
			continue
		}
		vals = mergeValues(vals, v)
	}
	vals = mergeValues(vals, decodeMap(nodeAt(spec, "values")))
	return vals, known
}

// configData returns the data of a ConfigMap or Secret of the tree (Secret data decoded,
// stringData merged); ok is false when it is not in the tree or is SOPS-encrypted.
func (b *builder) configData(kind, ns, name, from string) (map[string]string, bool) {
	var o *manifest.Object
	switch kind {
	case "ConfigMap":
		o = b.find(gkConfigMap, ns, name, from)
	case "Secret":
		o = b.find(gkSecret, ns, name, from)
	}
	if o == nil || o.Lookup("sops") != nil {
		return nil, false
	}
	n := o.Root().YNode()
	out := map[string]string{}
	for k, v := range mapAt(n, "data") {
		if kind == "Secret" {
			d, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				return nil, false
			}
			v = string(d)
		}
		out[k] = v
	}
	for k, v := range mapAt(n, "stringData") {
		out[k] = v
	}
	return out, true
}
