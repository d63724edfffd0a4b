package readiness

import (
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/version"
)

// labelVersion is the label Istio's Helm charts set to the chart's appVersion.
const labelVersion = "app.kubernetes.io/version"

// IstioVersion returns the Istio version istiod runs, from the istiod Deployments' version
// label or, failing that, the tag of their discovery container's image; the newest when there
// are several revisions. It returns "" when no version can be read.
func IstioVersion(istiod []*appsv1.Deployment) string {
	var best string
	var bestV *version.Version
	for _, d := range istiod {
		if d == nil {
			continue
		}
		v := deploymentVersion(d)
		pv, err := version.ParseGeneric(strings.TrimPrefix(v, "v"))
		if err != nil {
			continue
		}
		if bestV == nil || bestV.LessThan(pv) {
			best, bestV = v, pv
		}
	}
	return best
}

func deploymentVersion(d *appsv1.Deployment) string {
	if v := d.Labels[labelVersion]; v != "" {
		return v
	}
	for _, c := range d.Spec.Template.Spec.Containers {
		if c.Name != "discovery" {
			continue
		}
		image := c.Image
		if i := strings.LastIndex(image, "@"); i >= 0 {
			image = image[:i]
		}
		if i := strings.LastIndex(image, ":"); i >= 0 && !strings.Contains(image[i:], "/") {
			return image[i+1:]
		}
	}
	return ""
}
