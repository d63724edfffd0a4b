package manifest_test

import (
	"fmt"
	"testing"

	"github.com/ambientkit/ambientkit/manifest"
)

func TestIsOpaque(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"${SECRET_DOMAIN}", true},
		{"api.${SECRET_DOMAIN}", true},
		{"${PORT:=8080}", true},
		{"${VAR:-x}", true},
		{"{{ .Values.host }}", true},
		{"{{- include \"x\" . }}", true},
		{"ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]", true},
		{"api.example.com", false},
		{"$HOME", false},
		{"${unterminated", false},
		{"{{ unterminated", false},
		{"price: $5 {x}", false},
		{"ENC[", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q is opaque: %v", tt.in, tt.want), func(t *testing.T) {
			if got := manifest.IsOpaque(tt.in); got != tt.want {
				t.Errorf("IsOpaque(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func ExampleIsOpaque() {
	for _, host := range []string{"api.${SECRET_DOMAIN}", "api.example.com"} {
		if manifest.IsOpaque(host) {
			fmt.Println(host, "is filled in later: not judged")
			continue
		}
		fmt.Println(host, "is final")
	}
	// Output:
	// api.${SECRET_DOMAIN} is filled in later: not judged
	// api.example.com is final
}
