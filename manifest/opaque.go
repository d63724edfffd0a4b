package manifest

import "strings"

// IsOpaque reports whether s holds a value that a later tool fills in, so it is not the
// final value a cluster sees: a Flux post-build variable (${VAR}, ${VAR:=default}), a
// Helm-style template action ({{ … }}), a SOPS-encrypted value (ENC[AES256_GCM,…]), or a
// Kubernetes dependent variable ($(VAR), which the kubelet expands in env values, commands
// and args; the loader also reads a Flux variable that broke the YAML syntax this way).
// Rules call it before judging a value: an opaque host, label or port is never reported as
// invalid.
func IsOpaque(s string) bool {
	if i := strings.Index(s, "${"); i >= 0 && strings.IndexByte(s[i+2:], '}') >= 0 {
		return true
	}
	if i := strings.Index(s, "{{"); i >= 0 && strings.Contains(s[i+2:], "}}") {
		return true
	}
	if i := strings.Index(s, "$("); i >= 0 && strings.IndexByte(s[i+2:], ')') >= 0 {
		return true
	}
	return strings.HasPrefix(s, "ENC[") && strings.HasSuffix(s, "]")
}
