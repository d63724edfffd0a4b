package rules

import "testing"

func TestBrowserLinkKey(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"PUBLISHED_SERVER_URL", true},
		{"root_url", true},
		{"external_url", true},
		{"externalURL", true},
		{"imageUrl", true},
		{"OAUTH_REDIRECT_URI", true},
		{"EXTERNAL_API_URL", false},
		{"WEBHOOK_URL", false},
		{"KEYCLOAK_URL", false},
		{"url", false},
		{"in_cluster_url", false},
	}
	for _, tt := range tests {
		if got := browserLinkKey(tt.key); got != tt.want {
			t.Errorf("browserLinkKey(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestIsExternalHost(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"api.stripe.com", true},
		{"payments.example", true},
		{"telemetry.example.org", true},
		{"storage.googleapis.com", true},
		{"corporate.proxy", false},
		{"grafana.monitoring", false},
		{"nas.lan", false},
		{"db.internal", false},
		{"grafana.monitoring.svc", false},
		{"10.0.0.1", false},
		{"redis", false},
	}
	for _, tt := range tests {
		if got := isExternalHost(tt.host); got != tt.want {
			t.Errorf("isExternalHost(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}
