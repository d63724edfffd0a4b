package ambient

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidateValue(t *testing.T) {
	tests := []struct {
		name       string
		key, value string
		want       *InvalidValueError // nil: valid
		wantMsg    string
	}{
		{name: "ambient is a valid dataplane mode", key: LabelDataplaneMode, value: "ambient"},
		{name: "none is a valid dataplane mode", key: LabelDataplaneMode, value: "none"},
		{
			name: "a dataplane mode in the wrong case is invalid and gets a case-fixed suggestion",
			key:  LabelDataplaneMode, value: "Ambient",
			want:    &InvalidValueError{Key: LabelDataplaneMode, Value: "Ambient", Allowed: []string{"ambient", "none"}, Suggestion: "ambient"},
			wantMsg: `istio.io/dataplane-mode: Istio does not accept the value "Ambient"; it accepts ambient, none (did you mean "ambient"?)`,
		},
		{
			name: "sidecar is not a dataplane mode",
			key:  LabelDataplaneMode, value: "sidecar",
			want:    &InvalidValueError{Key: LabelDataplaneMode, Value: "sidecar", Allowed: []string{"ambient", "none"}},
			wantMsg: `istio.io/dataplane-mode: Istio does not accept the value "sidecar"; it accepts ambient, none`,
		},
		{
			name: "surrounding spaces are invalid and get a suggestion",
			key:  LabelInjection, value: " enabled ",
			want: &InvalidValueError{Key: LabelInjection, Value: " enabled ", Allowed: []string{"enabled", "disabled"}, Suggestion: "enabled"},
		},
		{name: "every waypoint-for value is valid", key: LabelWaypointFor, value: "workload"},
		{
			name: "a plural waypoint-for value is invalid without a suggestion",
			key:  LabelWaypointFor, value: "services",
			want: &InvalidValueError{Key: LabelWaypointFor, Value: "services", Allowed: []string{"service", "workload", "all", "none"}},
		},
		{
			name: "ingress-use-waypoint takes true or false only",
			key:  LabelIngressUseWaypoint, value: "TRUE",
			want: &InvalidValueError{Key: LabelIngressUseWaypoint, Value: "TRUE", Allowed: []string{"true", "false"}, Suggestion: "true"},
		},
		{
			name: "an empty value of a checked key is invalid",
			key:  LabelInjection, value: "",
			want: &InvalidValueError{Key: LabelInjection, Value: "", Allowed: []string{"enabled", "disabled"}},
		},
		{name: "free-form keys take any value", key: LabelUseWaypoint, value: "Anything"},
		{name: "unknown keys are not checked", key: "istio.io/dataplane_mode", value: "whatever"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateValue(tt.key, tt.value)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("ValidateValue(%q, %q) = %v, want nil", tt.key, tt.value, err)
				}
				return
			}
			var got *InvalidValueError
			if !errors.As(err, &got) {
				t.Fatalf("ValidateValue(%q, %q) = %v, want an *InvalidValueError", tt.key, tt.value, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ValidateValue mismatch (-want +got):\n%s", diff)
			}
			if tt.wantMsg != "" {
				if diff := cmp.Diff(tt.wantMsg, err.Error()); diff != "" {
					t.Errorf("error message mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestValidateValueDoesNotShareAllowedValues(t *testing.T) {
	var err *InvalidValueError
	errors.As(ValidateValue(LabelDataplaneMode, "x"), &err)
	err.Allowed[0] = "changed"
	if got := AllowedValues(LabelDataplaneMode)[0]; got != DataplaneModeAmbient {
		t.Errorf("changing an error's Allowed changed AllowedValues to %q", got)
	}
}

func TestSuggestKey(t *testing.T) {
	tests := []struct {
		name   string
		key    string
		want   string
		wantOK bool
	}{
		{"an underscore for a dash is forgiven", "istio.io/dataplane_mode", LabelDataplaneMode, true},
		{"upper case is forgiven", "Istio.io/Dataplane-Mode", LabelDataplaneMode, true},
		{"a plural is one edit away", "istio.io/use-waypoints", LabelUseWaypoint, true},
		{"a missing dash is one edit away", "istio.io/dataplanemode", LabelDataplaneMode, true},
		{"a typo in a long key is found", "istio.io/use-waypiont-namespace", LabelUseWaypointNamespace, true},
		{"a subdomain key is found", "sidecar.istio.io/injects", LabelSidecarInject, true},
		{"an istio-injection look-alike is found", "istio_injection", LabelInjection, true},
		{"a known key gets no suggestion", LabelUseWaypoint, "", false},
		{"istio-injection itself gets no suggestion", LabelInjection, "", false},
		{"a key outside the Istio domains gets no suggestion", "app.kubernetes.io/name", "", false},
		{"a key with nothing close gets no suggestion", "istio.io/something-else-entirely", "", false},
		{"a short key needs to be very close", "istio.io/foo", "", false},
		{"Istio's gateway selector label gets no suggestion", "istio", "", false},
		{"an empty key gets no suggestion", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := SuggestKey(tt.key)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("SuggestKey(%q) = %q, %v; want %q, %v", tt.key, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
