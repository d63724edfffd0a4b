package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/config"
)

// testRules is a small catalogue for configuration tests.
var testRules = []*lint.Rule{
	{ID: "AMB001", Name: "invalid-yaml", Severity: lint.Error},
	{ID: "AMB004", Name: "unused-ignore", Severity: lint.Warning},
	{ID: "AMB301", Name: "wildcard-egress", Severity: lint.Error},
	{ID: "AMB900", Name: "opt-in", Severity: lint.Off},
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want *config.Config
	}{
		{
			name: "an empty file gives the defaults",
			yaml: "",
			want: config.Default(),
		},
		{
			name: "a file of comments gives the defaults",
			yaml: "# nothing yet\n",
			want: config.Default(),
		},
		{
			name: "every section is read",
			yaml: `
rules:
  AMB301: warning
  unused-ignore: off
  amb001: info
exclude:
  - "charts/**"
  - "*.enc.yaml"
egress:
  allowWildcards: ["*.googleapis.com"]
maxFileSize: 2MiB
argocd:
  repoURLs:
    - https://github.com/example/gitops.git
restarts: always
`,
			want: &config.Config{
				Severity:    map[string]lint.Severity{"AMB301": lint.Warning, "AMB004": lint.Off, "AMB001": lint.Info},
				Exclude:     []string{"charts/**", "*.enc.yaml"},
				MaxFileSize: 2 << 20,
				Egress:      config.Egress{AllowWildcards: []string{"*.googleapis.com"}},
				ArgoCD:      config.ArgoCD{RepoURLs: []string{"https://github.com/example/gitops.git"}},
				Restarts:    lint.RestartsAlways,
			},
		},
		{
			name: "a size in plain bytes is read",
			yaml: "maxFileSize: 1048576\n",
			want: func() *config.Config { c := config.Default(); c.MaxFileSize = 1 << 20; return c }(),
		},
		{
			name: "unreached: lint lints the files nothing applies",
			yaml: "unreached: lint\n",
			want: func() *config.Config { c := config.Default(); c.LintUnreached = true; return c }(),
		},
		{
			name: "unreached: skip is the default",
			yaml: "unreached: skip\n",
			want: config.Default(),
		},
		{
			name: "empty sections are allowed",
			yaml: "rules:\nexclude:\negress:\n",
			want: config.Default(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := config.Parse("cfg.yaml", []byte(tt.yaml), testRules)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Path = "cfg.yaml"
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"an unknown top-level key names its line", "rules: {}\nexcludes: []\n",
			`cfg.yaml:2:1: unknown key "excludes" (known: rules, exclude, egress, maxFileSize, argocd, restarts, unreached)`},
		{"an unknown rule is reported with a suggestion", "rules:\n  wildcard-egres: off\n",
			`cfg.yaml:2:3: rules: unknown rule "wildcard-egres" (did you mean "wildcard-egress"?)`},
		{"a bad severity names the value's position", "rules:\n  AMB301: loud\n",
			`cfg.yaml:2:11: rules: AMB301: unknown severity "loud" (want error, warning, info or off)`},
		{"a rule configured by ID and by name is a conflict", "rules:\n  AMB301: off\n  wildcard-egress: error\n",
			`cfg.yaml:3:3: rules: AMB301 (wildcard-egress) is already configured on line 2`},
		{"a duplicate key is an error", "exclude: []\nexclude: []\n",
			`cfg.yaml:2:1: the configuration: duplicate key "exclude"`},
		{"an unknown egress key is an error", "egress:\n  allowWildcard: []\n",
			`cfg.yaml:2:3: egress: unknown key "allowWildcard" (known: allowWildcards)`},
		{"exclude must be a list", "exclude: charts\n",
			`cfg.yaml:1:10: exclude must be a list of strings`},
		{"a malformed glob is an error", "exclude:\n  - \"charts/[\"\n",
			`cfg.yaml:2:5: exclude: bad glob "charts/[": syntax error in pattern`},
		{"a bad size is an error", "maxFileSize: lots\n",
			`cfg.yaml:1:14: maxFileSize: invalid size "lots" (want a positive number of bytes, or one like 16MiB)`},
		{"a zero size is an error", "maxFileSize: 0\n",
			`cfg.yaml:1:14: maxFileSize: invalid size "0" (want a positive number of bytes, or one like 16MiB)`},
		{"restarts accepts only its two values", "restarts: sometimes\n",
			`cfg.yaml:1:11: restarts must be "changed" or "always"`},
		{"unreached accepts only its two values", "unreached: yes\n",
			`cfg.yaml:1:12: unreached must be "skip" or "lint"`},
		{"a top level that is not a mapping is an error", "- rules\n",
			`cfg.yaml:1:1: the configuration must be a mapping`},
		{"invalid YAML names its line", "rules:\n  AMB301: [\n",
			`cfg.yaml:2: not valid YAML: yaml: line 2: did not find expected node content`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("cfg.yaml", []byte(tt.yaml), testRules)
			if err == nil {
				t.Fatal("no error")
			}
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not a *Error", err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadConfigNamesAMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "missing.yaml")
	_, err := config.Load(p, testRules)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("error %v does not wrap ErrNotExist", err)
	}
}

func TestFindConfig(t *testing.T) {
	root := t.TempDir()
	write := func(rel, data string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("repo/.ambientlint.yaml", "")
	write("repo/apps/api/ns.yaml", "")
	write("repo/apps/web/.ambientlint.yml", "")
	write("other/x.yaml", "")
	repo := filepath.Join(root, "repo")

	tests := []struct {
		name, start, root, want string
	}{
		{"a file finds the configuration at the repository root", "repo/apps/api/ns.yaml", repo, "repo/.ambientlint.yaml"},
		{"a directory finds the nearest configuration", "repo/apps/web", repo, "repo/apps/web/.ambientlint.yml"},
		{"the root itself is searched", "repo", repo, "repo/.ambientlint.yaml"},
		{"the search stops at the root", "other", filepath.Join(root, "other"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := config.Find(filepath.Join(root, tt.start), tt.root)
			if err != nil {
				t.Fatal(err)
			}
			want := ""
			if tt.want != "" {
				want = filepath.Join(root, tt.want)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Find (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatchGlob(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"charts/**", "charts/istio/values.yaml", true},
		{"charts/**", "apps/charts/values.yaml", false},
		{"charts", "apps/charts/values.yaml", true},
		{"*.enc.yaml", "clusters/prod/secret.enc.yaml", true},
		{"*.enc.yaml", "clusters/prod/secret.yaml", false},
		{"**/secrets/*.yaml", "a/b/secrets/x.yaml", true},
		{"**/secrets/*.yaml", "secrets/x.yaml", true},
		{"apps/*/values.yaml", "apps/api/values.yaml", true},
		{"apps/*/values.yaml", "apps/api/sub/values.yaml", false},
		{"apps/**/values.yaml", "apps/api/sub/values.yaml", true},
		{"/vendor", "vendor/x.yaml", true},
		{"/vendor", "a/vendor/x.yaml", false},
		{"./apps/api", "apps/api/ns.yaml", true},
		{"apps/api/", "apps/api/ns.yaml", true},
		{"apps/ap", "apps/api/ns.yaml", false},
	}
	for _, tt := range tests {
		name := tt.pattern + " matches " + tt.path
		if !tt.want {
			name = tt.pattern + " does not match " + tt.path
		}
		t.Run(name, func(t *testing.T) {
			if got := config.MatchGlob(tt.pattern, tt.path); got != tt.want {
				t.Errorf("MatchGlob(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"1", 1}, {"16MiB", 16 << 20}, {"16Mi", 16 << 20}, {"16mb", 16e6}, {"2 GiB", 2 << 30}, {"10KB", 10000}, {"512B", 512},
	}
	for _, tt := range tests {
		t.Run(tt.in+" is parsed", func(t *testing.T) {
			got, err := config.ParseSize(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParseSize(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "-1", "1.5MiB", "MiB", "16 parsecs", "99999999999999999999", "9999999999GiB"} {
		t.Run(bad+" is rejected", func(t *testing.T) {
			if _, err := config.ParseSize(bad); err == nil {
				t.Errorf("ParseSize(%q) succeeded", bad)
			}
		})
	}
}

func TestSeverityFlags(t *testing.T) {
	cfg := config.Default()
	steps := []func() error{
		func() error { return cfg.SetSeverity(testRules, "wildcard-egress", lint.Off) },
		func() error { return cfg.SetSeverity(testRules, "amb004", lint.Info) },
		func() error { return cfg.Enable(testRules, "AMB301") },
		func() error { return cfg.Enable(testRules, "opt-in") },
		func() error { return cfg.Enable(testRules, "AMB004") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]lint.Severity{}
	for _, r := range testRules {
		got[r.ID] = cfg.SeverityOf(r)
	}
	want := map[string]lint.Severity{"AMB001": lint.Error, "AMB004": lint.Info, "AMB301": lint.Error, "AMB900": lint.Warning}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("severities (-want +got):\n%s", diff)
	}
	if err := cfg.Enable(testRules, "AMB999"); err == nil {
		t.Error("enabling an unknown rule succeeded")
	}
}
