package gitops

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/internal/helmvalues"
	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/manifest/load"
)

// moreClusterScoped lists cluster-scoped kinds ("group/Kind") beyond the ones the loader
// knows (IsClusterScoped): the rest of the built-in ones, and those of operators a mesh
// repository commonly holds. Other custom resources are namespaced unless their
// CustomResourceDefinition in the tree says scope: Cluster.
var moreClusterScoped = map[string]bool{
	"/ComponentStatus": true,
	"admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding": true,
	"admissionregistration.k8s.io/MutatingAdmissionPolicy":          true,
	"admissionregistration.k8s.io/MutatingAdmissionPolicyBinding":   true,
	"storage.k8s.io/CSINode":                                        true,
	"storage.k8s.io/VolumeAttachment":                               true,
	"storage.k8s.io/VolumeAttributesClass":                          true,
	"networking.k8s.io/IPAddress":                                   true,
	"networking.k8s.io/ServiceCIDR":                                 true,
	"certificates.k8s.io/CertificateSigningRequest":                 true,
	"certificates.k8s.io/ClusterTrustBundle":                        true,
	"flowcontrol.apiserver.k8s.io/FlowSchema":                       true,
	"flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration":       true,
	"policy/PodSecurityPolicy":                                      true,
	"resource.k8s.io/DeviceClass":                                   true,
	"resource.k8s.io/ResourceSlice":                                 true,
	"snapshot.storage.k8s.io/VolumeSnapshotClass":                   true,
	"snapshot.storage.k8s.io/VolumeSnapshotContent":                 true,
	"kyverno.io/ClusterPolicy":                                      true,
	"templates.gatekeeper.sh/ConstraintTemplate":                    true,
	"sailoperator.io/Istio":                                         true,
	"sailoperator.io/IstioRevision":                                 true,
	"sailoperator.io/IstioRevisionTag":                              true,
	"sailoperator.io/IstioCNI":                                      true,
	"sailoperator.io/ZTunnel":                                       true,
}

// clusterScoped reports whether o's kind has no namespace.
func (b *builder) clusterScoped(gk string) bool {
	if load.IsClusterScoped(gk) || moreClusterScoped[gk] {
		return true
	}
	for _, crd := range b.m.crds[gk] {
		if crdScope(crd) == "Cluster" {
			return true
		}
	}
	return false
}

// resolveNamespaces sets every object's effective namespace, and each placement's. For a
// namespaced object: the namespace kustomize's namespace field (the outermost one) or a
// Flux targetNamespace forces, since both override what the manifest says; else its own;
// else the Argo CD destination namespace; else default. Cluster-scoped objects have none.
// An object applied in several places takes the first one's. Each placement of a Namespace
// object gets the name it is applied under (see Model.Name).
func (b *builder) resolveNamespaces() {
	for i, o := range b.objects {
		ps := b.m.place[o]
		if gk := b.gks[i]; b.clusterScoped(gk) {
			o.Namespace = ""
			for i := range ps {
				if gk == gkNamespace {
					// kustomize's namespace transformer renames Namespace objects too
					// (its default field specs include metadata/name of kind Namespace),
					// so the namespace a build forces is the name the cluster gets.
					ps[i].nsName = cmp.Or(ps[i].ns, o.Ref.Name)
				}
				ps[i].ns = ""
			}
			continue
		}
		for i := range ps {
			ns := ps[i].ns
			if ns == "" {
				ns = o.Ref.Namespace
			}
			if ns == "" && ps[i].Unit.Kind == ApplicationUnit {
				ns = ps[i].Unit.TargetNamespace
			}
			if ns == "" {
				ns = "default"
			}
			ps[i].ns = ns
		}
		switch {
		case len(ps) > 0:
			o.Namespace = ps[0].ns
		case o.Ref.Namespace != "":
			o.Namespace = o.Ref.Namespace
		default:
			o.Namespace = "default"
		}
	}
	// Flux references default to the referring object's namespace: use the effective one.
	for _, u := range b.m.Units[1:] {
		if u.IsFlux() && u.Namespace == "" && u.Object.Namespace != "" {
			u.Namespace = u.Object.Namespace
		}
	}
	// Now that every unit knows its namespace and the units that apply it.
	b.linkDependencies()
}

// objectComponent returns the mesh component an object of the tree is part of.
func objectComponent(o *manifest.Object, gk string) (k ComponentKind, defines, via string, ok bool) {
	switch gk {
	case gkCRD, "apps/Deployment", "apps/DaemonSet", "sailoperator.io/Istio", "sailoperator.io/IstioCNI", "sailoperator.io/ZTunnel":
	default:
		return 0, "", "", false
	}
	name := o.Ref.Name
	labels := func(k, v string) bool {
		return o.Labels[k] == v || objScalar(o, "spec", "template", "metadata", "labels", k) == v
	}
	switch gk {
	case gkCRD:
		defines = definedGK(o)
		g, _ := crdNames(o)
		via = "CustomResourceDefinition " + name
		switch {
		case isGatewayAPIGroup(g):
			return GatewayAPICRDs, defines, via, true
		case isIstioGroup(g):
			return IstioBase, defines, via, true
		}
	case "apps/Deployment":
		if name == "istiod" || strings.HasPrefix(name, "istiod-") || labels("app", "istiod") {
			return Istiod, "", "Deployment " + o.Namespace + "/" + name, true
		}
	case "apps/DaemonSet":
		if name == "istio-cni-node" || labels("k8s-app", "istio-cni-node") {
			return IstioCNI, "", "DaemonSet " + o.Namespace + "/" + name, true
		}
		if name == "ztunnel" || labels("app", "ztunnel") {
			return Ztunnel, "", "DaemonSet " + o.Namespace + "/" + name, true
		}
	case "sailoperator.io/Istio":
		return Istiod, "", "Istio " + name + " (Sail operator)", true
	case "sailoperator.io/IstioCNI":
		return IstioCNI, "", "IstioCNI " + name + " (Sail operator)", true
	case "sailoperator.io/ZTunnel":
		return Ztunnel, "", "ZTunnel " + name + " (Sail operator)", true
	}
	return 0, "", "", false
}

// ChartComponent returns the mesh component a chart install installs: Istio's base, istiod,
// cni and ztunnel charts from an Istio chart repository (or vendored in the tree).
func ChartComponent(ci *ChartInstall) (ComponentKind, bool) {
	if !isIstioChartRepo(ci.RepoURL) && !ci.istioLocal {
		return 0, false
	}
	return istioChartKind(ci.Chart)
}

// detectComponents finds every instance of a mesh component: CRDs and workloads of the
// tree, Istio chart installs, and remote sources of the Gateway API CRDs.
func (b *builder) detectComponents() {
	var out []*Component
	for i, o := range b.objects {
		ps := b.m.place[o]
		if len(ps) == 0 {
			continue
		}
		k, defines, via, ok := objectComponent(o, b.gks[i])
		if !ok {
			continue
		}
		for _, p := range ps {
			out = append(out, &Component{Kind: k, Placement: p, Object: o, Defines: defines, Via: via,
				Pos: o.Pos("metadata", "name")})
		}
	}
	for _, ci := range b.m.Charts {
		for _, k := range chartComponents(ci) {
			out = append(out, chartComponent(ci, k))
		}
	}
	out = append(out, b.remotes...)
	slices.SortStableFunc(out, func(x, y *Component) int {
		return cmp.Or(cmp.Compare(x.Pos.File, y.Pos.File), cmp.Compare(x.Pos.Line, y.Pos.Line),
			cmp.Compare(x.Pos.Column, y.Pos.Column))
	})
	b.m.Components = out
}

// chartComponents returns the mesh components a chart install installs: one for Istio's
// base, istiod, cni and ztunnel charts; for Istio's ambient umbrella chart (whose
// dependencies are base, cni, istiod unless enable.istiod is false, and ztunnel) all of
// them.
func chartComponents(ci *ChartInstall) []ComponentKind {
	if k, ok := ChartComponent(ci); ok {
		return []ComponentKind{k}
	}
	if ci.Chart != "ambient" || (!isIstioChartRepo(ci.RepoURL) && !ci.istioLocal) {
		return nil
	}
	out := []ComponentKind{IstioBase}
	if v, ok := ValueAt(ci.Values, "enable.istiod"); !ok || !strings.EqualFold(fmt.Sprint(v), "false") {
		out = append(out, Istiod)
	}
	return append(out, IstioCNI, Ztunnel)
}

// chartComponent is component k as chart install ci installs it.
func chartComponent(ci *ChartInstall, k ComponentKind) *Component {
	p := ci.Placement
	p.At.Kind, p.At.KindRank = crdKindFor(k), kindRank(crdKindFor(k))
	if p.Unit.IsFlux() && p.Unit.Kind == KustomizationUnit {
		p.At = fluxPoint(crdKindFor(k), "")
	}
	p.defines = componentDefines(k)
	via := "chart " + ci.Chart
	if ci.Version != "" {
		via += " " + ci.Version
	}
	if ci.RepoURL != "" {
		via += " from " + ci.RepoURL
	}
	return &Component{Kind: k, Placement: p, Object: ci.Object, Chart: ci, Via: via, Pos: ci.Pos}
}

// templateLabelPaths are where workload kinds keep their pod template's labels.
var templateLabelPaths = map[string][]string{
	"apps/Deployment":                    {"spec", "template", "metadata", "labels"},
	"apps/StatefulSet":                   {"spec", "template", "metadata", "labels"},
	"apps/DaemonSet":                     {"spec", "template", "metadata", "labels"},
	"apps/ReplicaSet":                    {"spec", "template", "metadata", "labels"},
	"/ReplicationController":             {"spec", "template", "metadata", "labels"},
	"batch/Job":                          {"spec", "template", "metadata", "labels"},
	"batch/CronJob":                      {"spec", "jobTemplate", "spec", "template", "metadata", "labels"},
	"argoproj.io/Rollout":                {"spec", "template", "metadata", "labels"},
	"/Pod":                               {"metadata", "labels"},
	gkNamespace:                          {"metadata", "labels"},
	"apps.openshift.io/DeploymentConfig": {"spec", "template", "metadata", "labels"},
}

// detectEnrollments finds every applied Namespace, pod template and Pod labelled
// istio.io/dataplane-mode: ambient (in input order), then every Application that creates its
// destination namespace with that label (managedNamespaceMetadata with CreateNamespace=true).
func (b *builder) detectEnrollments() {
	for i, o := range b.objects {
		ps := b.m.place[o]
		gk := b.gks[i]
		lp, ok := templateLabelPaths[gk]
		if !ok || len(ps) == 0 {
			continue
		}
		var at *manifest.Position
		if lp[0] == "metadata" {
			// Only where the unit's build labels it: one cluster's overlay may enroll a base
			// Namespace that another's does not.
			var enrolled []Placement
			for _, p := range ps {
				labels := o.Labels
				if p.labels != nil {
					labels = p.labels
				}
				if labels[ambient.LabelDataplaneMode] != ambient.DataplaneModeAmbient {
					continue
				}
				enrolled = append(enrolled, p)
				if pos, ok := p.labelAt[ambient.LabelDataplaneMode]; ok && at == nil {
					at = &pos
				}
			}
			if len(enrolled) == 0 {
				continue
			}
			ps = enrolled
		} else if objScalar(o, append(slicesClone(lp), ambient.LabelDataplaneMode)...) != ambient.DataplaneModeAmbient {
			continue
		}
		e := &Enrollment{Object: o, Path: append(slicesClone(lp), ambient.LabelDataplaneMode), Placements: ps,
			Namespace: o.Namespace, at: at}
		if pos, ok := b.editedLabelAt(o, ambient.LabelDataplaneMode); ok && lp[0] == "metadata" && at == nil {
			e.at = &pos
		}
		switch gk {
		case gkNamespace:
			b.m.Enrollments = appendNamespaceEnrollments(b.m.Enrollments, e)
			continue
		case "/Pod":
			e.What = "Pod " + o.Namespace + "/" + o.Ref.Name
		default:
			e.What = "the pod template of " + o.Ref.Kind + " " + o.Namespace + "/" + o.Ref.Name
		}
		b.m.Enrollments = append(b.m.Enrollments, e)
	}
	for _, u := range b.m.Units[1:] {
		if u.Kind != ApplicationUnit {
			continue
		}
		spec := nodeAt(u.spec, "spec")
		lp := []string{"spec", "syncPolicy", "managedNamespaceMetadata", "labels", ambient.LabelDataplaneMode}
		if scalarAt(u.spec, lp...) != ambient.DataplaneModeAmbient || !createsNamespace(spec) {
			continue
		}
		at := SyncPoint{Phase: PhaseNamespace, Kind: "Namespace", KindRank: kindRank("Namespace")}
		b.m.Enrollments = append(b.m.Enrollments, &Enrollment{
			Object: u.Object, Path: templatePath(u, lp), Namespace: u.TargetNamespace,
			What:       u.String() + " (managedNamespaceMetadata of namespace " + u.TargetNamespace + ")",
			Placements: []Placement{{Unit: u, At: at, gk: gkNamespace, nsName: u.TargetNamespace}},
		})
	}
}

// appendNamespaceEnrollments appends the enrollment of a Namespace object e to out, split by
// the names it is applied under: a base Namespace that two overlays rename enrolls two
// namespaces, each where its own overlay applies it.
func appendNamespaceEnrollments(out []*Enrollment, e *Enrollment) []*Enrollment {
	ps := e.Placements
	first := len(out)
	for i, p := range ps {
		if slices.ContainsFunc(ps[:i], func(q Placement) bool { return q.nsName == p.nsName }) {
			continue
		}
		x := e
		if i > 0 {
			x = &Enrollment{Object: e.Object, Path: e.Path, at: e.at}
		}
		x.Namespace, x.What = p.nsName, "Namespace "+p.nsName
		if p.nsName != e.Object.Ref.Name {
			x.What += " (written as " + e.Object.Ref.Name + ")"
		}
		out = append(out, x)
	}
	if len(out) == first+1 {
		return out // one name: e keeps the placements it has
	}
	for _, x := range out[first:] {
		var mine []Placement
		for _, p := range ps {
			if p.nsName == x.Namespace {
				mine = append(mine, p)
			}
		}
		x.Placements = mine
	}
	return out
}

// createsNamespace reports whether an Application's sync options include CreateNamespace=true.
func createsNamespace(spec *yaml.Node) bool {
	for _, o := range stringsAt(spec, "syncPolicy", "syncOptions") {
		if strings.EqualFold(strings.ReplaceAll(o, " ", ""), "CreateNamespace=true") {
			return true
		}
	}
	return false
}

// Pos returns where the enrollment's label is written.
func (e *Enrollment) Pos() manifest.Position {
	if e.at != nil {
		return *e.at
	}
	if e.Object == nil {
		return manifest.Position{}
	}
	return e.Object.Pos(e.Path...)
}

// RootNamespaces returns Istio's root namespace (meshConfig.rootNamespace) for each istiod
// the tree installs with a Helm chart, as the istiod chart sets it: meshConfig.rootNamespace,
// else global.istioNamespace, else ambient.RootNamespace; for Istio's ambient umbrella chart,
// the istiod subchart's values; for a Sail operator Istio resource, its spec.values, else its
// spec.namespace. It returns ambient.RootNamespace alone when the tree installs no istiod
// that way. Values the tree does not hold (ValuesKnown false) cannot be read: the
// default stands in for them. A value holding an unresolved ${VAR} is left out.
func (m *Model) RootNamespaces() []string {
	var out []string
	add := func(ns string) {
		if ns != "" && !manifest.IsOpaque(ns) && !slices.Contains(out, ns) {
			out = append(out, ns)
		}
	}
	seen := map[*ChartInstall]bool{}
	for _, c := range m.ComponentsOf(Istiod) {
		if c.Chart == nil && c.Object != nil && c.Object.GK() == "sailoperator.io/Istio" {
			// The Sail operator renders the same chart from spec.values, into spec.namespace.
			n := c.Object.Root().YNode()
			add(chartRootNamespace(decodeMap(nodeAt(n, "spec", "values")), scalarAt(n, "spec", "namespace")))
			continue
		}
		ci := c.Chart
		if ci == nil || seen[ci] {
			continue
		}
		seen[ci] = true
		if ci.Chart == "ambient" {
			// The umbrella chart passes istiod its own values and the shared globals.
			istiod, _ := ci.Values["istiod"].(map[string]any)
			global, _ := helmvalues.Lookup(ci.Values, "global", "istioNamespace").(string)
			add(chartRootNamespace(istiod, global))
			continue
		}
		add(chartRootNamespace(ci.Values))
	}
	if len(out) == 0 {
		out = append(out, ambient.RootNamespace)
	}
	return out
}

// chartRootNamespace returns the root namespace the istiod chart's mesh config sets from its
// values: meshConfig.rootNamespace, else global.istioNamespace, else the first fallback that
// is set, else ambient.RootNamespace.
func chartRootNamespace(vals map[string]any, fallbacks ...string) string {
	if root, _ := helmvalues.Lookup(vals, "meshConfig", "rootNamespace").(string); root != "" {
		return root
	}
	if root, _ := helmvalues.Lookup(vals, "global", "istioNamespace").(string); root != "" {
		return root
	}
	for _, f := range fallbacks {
		if f != "" {
			return f
		}
	}
	return ambient.RootNamespace
}
