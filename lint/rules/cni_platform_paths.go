package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ambientkit/ambientkit/gitops"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

// CNIPlatformPaths is AMB111: istio-cni's values do not fit the platform the tree runs on.
var CNIPlatformPaths = &lint.Rule{
	ID:       "AMB111",
	Name:     "cni-platform-paths",
	Severity: lint.Error,
	Summary:  "istio-cni's global.platform or CNI paths do not fit the cluster's platform",
	Doc: `**What.** The repository installs Istio in ambient mode and the values of its istio-cni chart
(` + "`cni`" + `) do not fit the platform:

- ` + "`global.platform`" + ` (or the chart's own ` + "`platform`" + `) names a platform the chart has no profile for:
  an error. The chart knows ` + "`k3d`" + `, ` + "`k3s`" + `, ` + "`microk8s`" + `, ` + "`minikube`" + ` and ` + "`openshift`" + ` since 1.24 and
  ` + "`gke`" + ` since 1.25 (its ` + "`files/profile-platform-*.yaml`" + `); before 1.24 it ignores the value;
- the tree shows a platform whose CNI configuration and binaries are not where istio-cni looks by
  default (` + "`/etc/cni/net.d`" + `, ` + "`/opt/cni/bin`" + `), and the values give neither ` + "`global.platform`" + ` nor
  ` + "`cniConfDir`" + `/` + "`cniBinDir`" + `: a warning;
- ` + "`cniBinDir`" + ` is k3s's stale ` + "`/var/lib/rancher/k3s/data/current/bin`" + ` (a link k3s replaces on
  upgrade; istio/istio PR #54112, k3s#11369), or ` + "`global.platform: k3s`" + ` with a 1.24 chart, whose
  profile still sets it: a warning;
- the tree runs on GKE and installs istio-cni through Argo CD without an explicit ` + "`cniBinDir`" + `: a
  warning. The chart finds GKE's ` + "`/home/kubernetes/bin`" + ` from the cluster's version, which Argo CD's
  ` + "`helm template`" + ` does not pass on (the chart's README; Istio's ` + "`samples/ambient-argo`" + ` sets it).

The rule infers the platform only from objects that exist on it alone: OpenShift from
` + "`config.openshift.io`" + `, ` + "`operator.openshift.io`" + ` or ` + "`machineconfiguration.openshift.io`" + ` kinds (a Route
alone is not enough: MicroShift serves Routes too); k3s (or k3d) from k3s's packaged Traefik chart
configured through a ` + "`helm.cattle.io`" + ` HelmChartConfig or HelmChart named ` + "`traefik`" + ` (RKE2's are
` + "`rke2-*`" + `), and only when the tree installs no CNI chart of its own (Cilium or Calico, which keep
their own paths); MicroK8s from a StorageClass of the ` + "`microk8s.io/hostpath`" + ` provisioner; GKE
from ` + "`networking.gke.io`" + `, ` + "`net.gke.io`" + ` or ` + "`cloud.google.com`" + ` kinds or a ServiceAccount's
` + "`iam.gke.io/gcp-service-account`" + ` annotation. minikube is not inferred (its profile only matters
with the Docker driver, which no manifest shows). Names alone never count. Values the tree does
not hold prove nothing and the rule stays silent. A tree that holds several clusters' overlays is
read as one: the evidence of one cluster applies to the others.

**Why it breaks a cluster.** An unknown platform makes the chart fail to render (` + "`unknown platform`" + `),
so the sync fails. With the wrong paths istio-cni writes its plugin where the container runtime
never looks: pods start without ambient redirection, or fail with "failed to find plugin
istio-cni in path".

**Fix.** Set ` + "`global.platform`" + ` to the platform's profile (` + "`k3s`" + `, ` + "`k3d`" + `, ` + "`microk8s`" + `,
` + "`minikube`" + `, ` + "`openshift`" + `, ` + "`gke`" + `), as Istio's platform prerequisites page says, or give
` + "`cniConfDir`" + ` and ` + "`cniBinDir`" + ` explicitly (k3s: ` + "`/var/lib/rancher/k3s/data/cni`" + `; GKE under Argo CD:
` + "`cniBinDir: /home/kubernetes/bin`" + `).`,
	Kinds: chartInstallerGKs,
	Run:   runCNIPlatformPaths,
}

// staleK3sBinDir is the k3s CNI binary path that k3s replaces on upgrade.
const staleK3sBinDir = "/var/lib/rancher/k3s/data/current/bin"

// platformEvidence is an object that shows which platform the cluster runs on.
type platformEvidence struct {
	platform string // the istio-cni profile name
	label    string // the platform's name in messages
	pos      manifest.Position
	what     string
}

// cniPlatforms returns the platforms istio-cni chart version v knows (known false: any).
func cniPlatforms(v istioVersion, known bool) []string {
	ps := []string{"k3d", "k3s", "microk8s", "minikube", "openshift"}
	if !known || v.major > 1 || v.minor >= 25 {
		ps = append(ps, "gke")
	}
	return ps
}

// cniValue returns istio-cni's setting key: under cni (which the chart copies over the top
// level) or at the top level, with the dotted path that set it.
func cniValue(values map[string]any, key string) (value, path string, set bool) {
	for _, p := range []string{"cni." + key, key} {
		if v, ok := gitops.ValueAt(values, p); ok && v != nil {
			return fmt.Sprint(v), p, true
		}
	}
	return "", "", false
}

// cniPlatform returns istio-cni's platform (the chart's coalesce of platform and
// global.platform) and its path.
func cniPlatform(values map[string]any) (value, path string) {
	for _, p := range []string{"platform", "global.platform"} {
		if v, ok := gitops.ValueAt(values, p); ok && v != nil && fmt.Sprint(v) != "" {
			return fmt.Sprint(v), p
		}
	}
	return "", ""
}

func runCNIPlatformPaths(p *lint.Pass) error {
	if p.Model == nil || !treeInstallsAmbient(p) {
		return nil
	}
	evidence := platformEvidences(p)
	for _, ci := range p.Model.Charts {
		if k, ok := gitops.ChartComponent(ci); !ok || k != gitops.IstioCNI {
			continue
		}
		checkCNIPlatform(p, ci, evidence)
	}
	return nil
}

func checkCNIPlatform(p *lint.Pass, ci *gitops.ChartInstall, evidence []platformEvidence) {
	what, ref := chartWhat(ci), objectRef(ci.Object)
	v, vKnown := parseIstioVersion(ci.Version)
	platform, platformPath := cniPlatform(ci.Values)
	opaque := manifest.IsOpaque(platform)
	if platform != "" && !opaque {
		switch {
		case vKnown && v.major == 1 && v.minor < 24:
			// The chart does not read the value.
		case !slices.Contains(cniPlatforms(v, vKnown), platform):
			pos, _ := chartValuePos(ci, platformPath)
			known := cniPlatforms(v, vKnown)
			p.Report(lint.Finding{
				Message: fmt.Sprintf("%s sets %s: %s, which the istio-cni chart%s has no profile for, so rendering fails with \"unknown platform\": use one of %s, or remove it where the cluster keeps the CNI files at the default paths (EKS, AKS, kind)",
					what, platformPath, platform, versionSuffix(ci.Version, vKnown), strings.Join(known, ", ")),
				Pos: pos, Object: ref,
			})
			return
		case platform == "k3s" && vKnown && v.major == 1 && v.minor == 24:
			pos, _ := chartValuePos(ci, platformPath)
			p.Report(lint.Finding{
				Severity: lint.Warning,
				Message: fmt.Sprintf("%s sets %s: k3s with istio-cni %s, whose k3s profile uses cniBinDir %s, a path k3s replaces on upgrade, so pods fail with \"failed to find plugin istio-cni in path\" after a k3s upgrade: set cniBinDir: /var/lib/rancher/k3s/data/cni or upgrade to 1.25",
					what, platformPath, ci.Version, staleK3sBinDir),
				Pos: pos, Object: ref,
			})
		}
	}
	binDir, binPath, binSet := cniValue(ci.Values, "cniBinDir")
	confDir, _, confSet := cniValue(ci.Values, "cniConfDir")
	if binSet && strings.TrimRight(binDir, "/") == staleK3sBinDir {
		pos, _ := chartValuePos(ci, binPath)
		p.Report(lint.Finding{
			Severity: lint.Warning,
			Message: fmt.Sprintf("%s sets %s: %s, a path k3s replaces on upgrade, so pods fail with \"failed to find plugin istio-cni in path\" after a k3s upgrade: use /var/lib/rancher/k3s/data/cni (global.platform: k3s does, since 1.25)",
				what, binPath, binDir),
			Pos: pos, Object: ref,
		})
	}
	if opaque || manifest.IsOpaque(binDir) || manifest.IsOpaque(confDir) {
		return
	}
	for _, e := range evidence {
		related := []lint.Related{{Position: e.pos, Message: e.what + " shows the cluster runs " + e.label}}
		if e.platform == "gke" && isArgoCDChart(ci) && (!binSet || binDir == "") && (ci.ValuesKnown || binSet) {
			p.Report(lint.Finding{
				Severity: lint.Warning,
				Message: fmt.Sprintf("%s installs istio-cni on GKE through Argo CD without cniBinDir, and Argo CD's helm template cannot detect GKE's CNI binary directory, so pods start without ambient redirection: set cniBinDir: /home/kubernetes/bin",
					what),
				Pos: ci.ValuesPos, Object: ref, Related: related,
			})
			continue
		}
		if platform != "" || binSet || confSet || !ci.ValuesKnown {
			continue
		}
		p.Report(lint.Finding{
			Severity: lint.Warning,
			Message: fmt.Sprintf("%s sets neither global.platform nor cniConfDir/cniBinDir while the cluster runs %s, whose CNI paths differ from istio-cni's defaults, so pods start without ambient redirection (\"failed to find plugin istio-cni in path\"): set global.platform: %s",
				what, e.label, e.platform),
			Pos: ci.ValuesPos, Object: ref, Related: related,
		})
	}
}

// versionSuffix is " 1.24.3" for a concrete chart version, "" otherwise.
func versionSuffix(version string, known bool) string {
	if !known {
		return ""
	}
	return " " + version
}

// isArgoCDChart reports whether Argo CD renders chart install ci (with helm template).
func isArgoCDChart(ci *gitops.ChartInstall) bool {
	return ci.Placement.Unit != nil && ci.Placement.Unit.Kind == gitops.ApplicationUnit
}

// platformEvidences returns, for each platform the tree shows, the first object that shows it.
func platformEvidences(p *lint.Pass) []platformEvidence {
	var out []platformEvidence
	seen := map[string]bool{}
	add := func(platform, label string, pos manifest.Position, what string) {
		if seen[platform] {
			return
		}
		seen[platform] = true
		out = append(out, platformEvidence{platform: platform, label: label, pos: pos, what: what})
	}
	ownCNI := false
	for _, ci := range p.Model.Charts {
		if isCiliumChart(ci) || ci.Chart == "tigera-operator" || ci.Chart == "calico" {
			ownCNI = true
		}
	}
	for _, o := range p.Model.Objects {
		name := o.Ref.Kind + " " + o.Ref.Name
		switch o.Group {
		case "config.openshift.io", "operator.openshift.io", "machineconfiguration.openshift.io":
			add("openshift", "OpenShift", o.Pos("kind"), name+" ("+o.Group+")")
		case "networking.gke.io", "net.gke.io", "cloud.google.com":
			add("gke", "GKE", o.Pos("kind"), objectName(o)+" ("+o.Group+")")
		case "helm.cattle.io":
			if !ownCNI && (o.Ref.Kind == "HelmChartConfig" || o.Ref.Kind == "HelmChart") && o.Ref.Name == "traefik" {
				add("k3s", "k3s", o.Pos("metadata", "name"), objectName(o)+" (k3s's packaged Traefik)")
			}
		case "storage.k8s.io":
			if o.Ref.Kind == "StorageClass" {
				if n := o.Lookup("provisioner"); n != nil && n.Value == "microk8s.io/hostpath" {
					add("microk8s", "MicroK8s", o.Pos("provisioner"), name+" (provisioner microk8s.io/hostpath)")
				}
			}
		case "":
			if o.Ref.Kind == "ServiceAccount" {
				if n := o.Lookup("metadata", "annotations", "iam.gke.io/gcp-service-account"); n != nil {
					add("gke", "GKE", o.Pos("metadata", "annotations", "iam.gke.io/gcp-service-account"),
						objectName(o)+" (GKE Workload Identity)")
				}
			}
		}
	}
	return out
}
