package ambient

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"istio.io/api/annotation"
	"istio.io/api/label"
)

func TestKeysMatchIstioAPI(t *testing.T) {
	tests := []struct {
		name     string
		ours     string
		istioAPI string
	}{
		{"dataplane mode", LabelDataplaneMode, label.IoIstioDataplaneMode.Name},
		{"use waypoint", LabelUseWaypoint, label.IoIstioUseWaypoint.Name},
		{"use waypoint namespace", LabelUseWaypointNamespace, label.IoIstioUseWaypointNamespace.Name},
		{"waypoint for", LabelWaypointFor, label.IoIstioWaypointFor.Name},
		{"ingress use waypoint", LabelIngressUseWaypoint, label.IoIstioIngressUseWaypoint.Name},
		{"revision", LabelRev, label.IoIstioRev.Name},
		{"sidecar inject label", LabelSidecarInject, label.SidecarInject.Name},
		{"sidecar inject annotation", AnnotationSidecarInject, annotation.SidecarInject.Name},
		{"sidecar status", AnnotationSidecarStatus, annotation.SidecarStatus.Name},
		{"redirection", AnnotationRedirection, annotation.AmbientRedirection.Name},
	}
	for _, tt := range tests {
		t.Run("the "+tt.name+" key is istio/api's", func(t *testing.T) {
			if tt.ours != tt.istioAPI {
				t.Errorf("constant = %q, istio/api says %q", tt.ours, tt.istioAPI)
			}
			if !IsKnownKey(tt.ours) {
				t.Errorf("IsKnownKey(%q) = false", tt.ours)
			}
		})
	}
}

func TestKnownKeysAreSortedCopies(t *testing.T) {
	keys := KnownKeys()
	if !slices.IsSorted(keys) {
		t.Error("KnownKeys is not sorted")
	}
	keys[0] = "changed"
	if KnownKeys()[0] == "changed" {
		t.Error("changing KnownKeys' result changed the package's list")
	}
}

func TestIsIstioDomain(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"istio.io/rev", true},
		{"sidecar.istio.io/inject", true},
		{"istio-injection", false},
		{"notistio.io/rev", false},
		{"istio.io.example.com/x", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := IsIstioDomain(tt.key); got != tt.want {
				t.Errorf("IsIstioDomain(%q) = %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}

func TestAllowedValues(t *testing.T) {
	if diff := cmp.Diff([]string{"ambient", "none"}, AllowedValues(LabelDataplaneMode)); diff != "" {
		t.Errorf("AllowedValues(dataplane-mode) mismatch (-want +got):\n%s", diff)
	}
	if got := AllowedValues(LabelUseWaypoint); got != nil {
		t.Errorf("AllowedValues(use-waypoint) = %v, want nil for a free-form key", got)
	}
}

func TestEnrollmentKeys(t *testing.T) {
	want := []string{
		"istio.io/dataplane-mode",
		"istio.io/ingress-use-waypoint",
		"istio.io/use-waypoint",
		"istio.io/use-waypoint-namespace",
		"istio.io/waypoint-for",
	}
	if diff := cmp.Diff(want, EnrollmentKeys()); diff != "" {
		t.Errorf("EnrollmentKeys (-want +got):\n%s", diff)
	}
	for _, k := range want {
		if !IsKnownKey(k) {
			t.Errorf("enrollment key %q is not one Istio defines", k)
		}
	}
	for _, k := range []string{LabelRev, LabelInjection, AnnotationRedirection, "istio.io/dataplane_mode"} {
		if IsEnrollmentKey(k) {
			t.Errorf("IsEnrollmentKey(%q) = true", k)
		}
	}
}
