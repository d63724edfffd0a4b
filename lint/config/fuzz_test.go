package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// FuzzParse reads any configuration file: nothing panics, and an error is a config.Error that
// names the file.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"rules:\n  AMB304: info\n  unused-ignore: off\nexclude: [\"charts/**\", \"*.enc.yaml\"]\n",
		"egress:\n  allowWildcards: [\"*.googleapis.com\"]\nmaxFileSize: 16MiB\nargocd:\n  repoURLs: [https://x]\nrestarts: always\n",
		"excludes: [x]\n",
		"maxFileSize: 9223372036854775807\n",
		"exclude: [\"" + strings.Repeat("**/", 24) + "nomatch\"]\n",
		"rules: {AMB999: error}\n",
		"a: &a [*a]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := config.Parse(".ambientlint.yaml", data, rules.All())
		if err == nil {
			return
		}
		var ce *config.Error
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), ".ambientlint.yaml") {
			t.Fatalf("error %q (%T) does not name the file", err, err)
		}
	})
}
