package readiness

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/util/version"
	"sigs.k8s.io/gateway-api/pkg/consts"
)

// Supported Istio minor versions. An unknown or newer version is treated as the newest one
// known, an older one as the oldest.
const (
	oldestIstio = "1.28"
	newestIstio = "1.31"
)

// gatewayAPIMinimums is, per Istio minor version, the Gateway API bundle version below which
// istiod ignores a CRD (and every resource of that kind), keyed by CRD name. It is Istio's own
// table: pkg/kube/kclient/crdwatcher.go's minimumCRDVersions up to 1.30, moved to
// pkg/config/schema/gatewayapi/minimumversions.go in 1.31.
var gatewayAPIMinimums = map[string]map[string]string{
	"1.28": {
		"grpcroutes.gateway.networking.k8s.io":         "v1.1.0",
		"backendtlspolicies.gateway.networking.k8s.io": "v1.4.0",
	},
	"1.29": {
		"grpcroutes.gateway.networking.k8s.io":         "v1.1.0",
		"backendtlspolicies.gateway.networking.k8s.io": "v1.4.0",
	},
	"1.30": {
		"grpcroutes.gateway.networking.k8s.io":         "v1.1.0",
		"backendtlspolicies.gateway.networking.k8s.io": "v1.4.0",
		"tlsroutes.gateway.networking.k8s.io":          "v1.5.0",
	},
	"1.31": {
		"grpcroutes.gateway.networking.k8s.io":         "v1.1.0",
		"backendtlspolicies.gateway.networking.k8s.io": "v1.4.0",
		"tlsroutes.gateway.networking.k8s.io":          "v1.5.0",
		"tcproutes.gateway.networking.k8s.io":          "v1.6.0",
	},
}

// gatewaysCRD is the CRD of Gateways, whose bundle version stands for the installed release.
const gatewaysCRD = "gateways.gateway.networking.k8s.io"

// requiredGatewayAPICRDs are the Gateway API CRDs ambient mode cannot do without: waypoints
// are Gateways of the istio-waypoint GatewayClass.
var requiredGatewayAPICRDs = []string{
	"gatewayclasses.gateway.networking.k8s.io",
	gatewaysCRD,
}

// RequiredGatewayAPICRDs returns the names of the Gateway API CRDs ambient mode cannot do
// without, sorted: waypoints are Gateways of the istio-waypoint GatewayClass. The slice is a
// copy.
func RequiredGatewayAPICRDs() []string { return slices.Clone(requiredGatewayAPICRDs) }

// istioBaseCRDs are the CRDs Istio's base chart installs (files/crd-all.gen.yaml) in every
// supported version; 1.30 added TrafficExtension.
var istioBaseCRDs = []string{
	"authorizationpolicies.security.istio.io",
	"destinationrules.networking.istio.io",
	"envoyfilters.networking.istio.io",
	"gateways.networking.istio.io",
	"peerauthentications.security.istio.io",
	"proxyconfigs.networking.istio.io",
	"requestauthentications.security.istio.io",
	"serviceentries.networking.istio.io",
	"sidecars.networking.istio.io",
	"telemetries.telemetry.istio.io",
	"virtualservices.networking.istio.io",
	"wasmplugins.extensions.istio.io",
	"workloadentries.networking.istio.io",
	"workloadgroups.networking.istio.io",
}

// gatewayAPIInstall is the command that installs the Gateway API CRDs of the release
// ambientkit is built against (standard channel).
const gatewayAPIInstall = "kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/" +
	consts.BundleVersion + "/standard-install.yaml"

// istioBaseInstall is the command that installs Istio's CRDs.
const istioBaseInstall = "helm install istio-base istio/base -n istio-system --create-namespace"

// IstioMinor returns the "major.minor" of an Istio version such as "1.30.2", "v1.31.0-rc.0" or
// "1.29.1-distroless", clamped to the supported range 1.28–1.31; an empty or unparsable
// version yields the newest supported minor.
func IstioMinor(istioVersion string) string {
	v, err := version.ParseGeneric(strings.TrimPrefix(istioVersion, "v"))
	if err != nil {
		return newestIstio
	}
	if v.LessThan(version.MustParseGeneric(oldestIstio)) {
		return oldestIstio
	}
	minor := fmt.Sprintf("%d.%d", v.Major(), v.Minor())
	if _, ok := gatewayAPIMinimums[minor]; !ok {
		return newestIstio
	}
	return minor
}

// MinimumGatewayAPIVersions returns, for an Istio version (see [IstioMinor]), the minimum
// Gateway API bundle version of each CRD that istiod checks, keyed by CRD name. The map is a
// copy.
func MinimumGatewayAPIVersions(istioVersion string) map[string]string {
	return maps.Clone(gatewayAPIMinimums[IstioMinor(istioVersion)])
}

// RequiredIstioCRDs returns the names of the CRDs Istio's base chart installs for an Istio
// version (see [IstioMinor]), sorted.
func RequiredIstioCRDs(istioVersion string) []string {
	out := slices.Clone(istioBaseCRDs)
	if version.MustParseGeneric(IstioMinor(istioVersion)).AtLeast(version.MustParseGeneric("1.30")) {
		out = append(out, "trafficextensions.extensions.istio.io")
	}
	slices.Sort(out)
	return out
}

// CRD evaluates one CustomResourceDefinition: Ready once the API server serves it
// (Established=True) and its names do not conflict with another CRD's (NamesAccepted not
// False).
func CRD(crd *apiextv1.CustomResourceDefinition) Result {
	if crd == nil {
		return notReady("", "CRD not installed")
	}
	if crd.DeletionTimestamp != nil {
		return notReady("", "CRD %s is being deleted", crd.Name)
	}
	var established *apiextv1.CustomResourceDefinitionCondition
	for i, c := range crd.Status.Conditions {
		switch c.Type {
		case apiextv1.NamesAccepted:
			if c.Status == apiextv1.ConditionFalse {
				return notReady("rename or remove the CRD whose names conflict with it",
					"CRD %s names not accepted: %s", crd.Name, c.Message)
			}
		case apiextv1.Established:
			established = &crd.Status.Conditions[i]
		}
	}
	if established == nil || established.Status != apiextv1.ConditionTrue {
		return notReady("", "CRD %s not established yet", crd.Name)
	}
	return ready("CRD %s established", crd.Name)
}

// GatewayAPICRDs evaluates the Gateway API CRDs among crds for an Istio version: the
// [RequiredGatewayAPICRDs] must be installed and established, and every installed CRD that
// istiod checks must carry a gateway.networking.k8s.io/bundle-version at or above
// [MinimumGatewayAPIVersions] — istiod silently ignores resources of an older CRD. crds may
// hold any CRDs; the others are ignored. A missing or outdated CRD is NotReady with the
// command that installs the Gateway API release ambientkit is built against.
func GatewayAPICRDs(crds []*apiextv1.CustomResourceDefinition, istioVersion string) Result {
	byName := crdsByName(crds)
	var results []Result
	var missing []string
	for _, name := range requiredGatewayAPICRDs {
		crd, ok := byName[name]
		if !ok {
			missing = append(missing, name)
			continue
		}
		results = append(results, CRD(crd))
	}
	if len(missing) > 0 {
		return notReady(gatewayAPIInstall, "Gateway API CRD %s not installed", strings.Join(missing, ", "))
	}
	minimums := MinimumGatewayAPIVersions(istioVersion)
	for _, name := range slices.Sorted(maps.Keys(minimums)) {
		crd, ok := byName[name]
		if !ok {
			continue // optional kinds: istiod only watches them if installed
		}
		if r := CRD(crd); r.Status != Ready {
			results = append(results, r)
			continue
		}
		results = append(results, bundleVersionAtLeast(crd, minimums[name], istioVersion))
	}
	if w := worst(results...); w.Status != Ready {
		if w.Remediation == "" {
			w.Remediation = gatewayAPIInstall
		}
		return w
	}
	bv := byName[gatewaysCRD].Annotations[consts.BundleVersionAnnotation]
	if bv == "" {
		return ready("Gateway API CRDs established")
	}
	return ready("Gateway API CRDs %s established", bv)
}

func bundleVersionAtLeast(crd *apiextv1.CustomResourceDefinition, minimum, istioVersion string) Result {
	bv, ok := crd.Annotations[consts.BundleVersionAnnotation]
	if !ok {
		return notReady(gatewayAPIInstall, "CRD %s has no %s annotation; Istio %s ignores it",
			crd.Name, consts.BundleVersionAnnotation, IstioMinor(istioVersion))
	}
	have, err := version.ParseSemantic(strings.TrimPrefix(bv, "v"))
	if err != nil {
		return notReady(gatewayAPIInstall, "CRD %s bundle version %q is not a version; Istio %s ignores it",
			crd.Name, bv, IstioMinor(istioVersion))
	}
	// Istio rounds release candidates up (v1.5.0-rc.1 counts as v1.5.0): compare the numbers
	// alone.
	have = version.MajorMinor(have.Major(), have.Minor()).WithPatch(have.Patch())
	if have.LessThan(version.MustParseSemantic(strings.TrimPrefix(minimum, "v"))) {
		return notReady(gatewayAPIInstall, "CRD %s is at %s, below the %s Istio %s requires; istiod ignores its resources",
			crd.Name, bv, minimum, IstioMinor(istioVersion))
	}
	return ready("CRD %s at %s", crd.Name, bv)
}

// IstioCRDs evaluates the CRDs Istio's base chart installs, among crds, for an Istio version:
// each of [RequiredIstioCRDs] must be installed and established. A missing CRD is NotReady
// with the command that installs Istio's base chart.
func IstioCRDs(crds []*apiextv1.CustomResourceDefinition, istioVersion string) Result {
	byName := crdsByName(crds)
	required := RequiredIstioCRDs(istioVersion)
	var missing []string
	var results []Result
	for _, name := range required {
		crd, ok := byName[name]
		if !ok {
			missing = append(missing, name)
			continue
		}
		results = append(results, CRD(crd))
	}
	if len(missing) == len(required) {
		return notReady(istioBaseInstall, "Istio CRDs not installed")
	}
	if len(missing) > 0 {
		return notReady(istioBaseInstall, "Istio %s CRD %s not installed", IstioMinor(istioVersion), strings.Join(missing, ", "))
	}
	if w := worst(results...); w.Status != Ready {
		return w
	}
	return ready("%d Istio CRDs established", len(required))
}

func crdsByName(crds []*apiextv1.CustomResourceDefinition) map[string]*apiextv1.CustomResourceDefinition {
	m := make(map[string]*apiextv1.CustomResourceDefinition, len(crds))
	for _, crd := range crds {
		if crd != nil {
			m[crd.Name] = crd
		}
	}
	return m
}
