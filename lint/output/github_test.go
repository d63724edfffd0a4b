package output_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/output"
	"github.com/ambientkit/ambientkit/manifest"
)

func TestGitHub(t *testing.T) {
	got := write(t, "github", sampleResult(), output.Options{Root: "/repo", WorkDir: "/repo"})
	want := `::error file=apps/bad.yaml,line=2,col=1,title=AMB001 invalid-yaml::not valid YAML: did not find expected node content
::notice file=apps/api/service entry.yaml,line=4,col=19,endLine=4,endColumn=25,title=AMB002 unknown-istio-key::unknown Istio label key "istio.io/x"
::warning file=apps/api/service entry.yaml,line=8,col=5,endLine=8,endColumn=23,title=AMB301 wildcard-egress::wildcard host "*.vendor.example"%0Aapps/api/service entry.yaml:4:9: the ServiceEntry
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("github (-want +got):\n%s", diff)
	}
}

func TestGitHubPathsAreRelativeToTheRoot(t *testing.T) {
	res := &lint.Result{Findings: []lint.Finding{{Rule: "AMB301", Name: "wildcard-egress", Severity: lint.Error,
		Message: "m", Pos: manifest.Position{File: "se.yaml", Line: 1, Column: 1}}}}
	got := write(t, "github", res, output.Options{Root: "/repo", WorkDir: "/repo/apps/api"})
	want := "::error file=apps/api/se.yaml,line=1,col=1,title=AMB301 wildcard-egress::m\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("github (-want +got):\n%s", diff)
	}
}

// command is a workflow command as the Actions runner reads one line.
type command struct {
	Name  string
	Props map[string]string
	Data  string
}

// parseCommands reads workflow commands the way the Actions runner does: a line that starts
// with "::", the name up to a space or "::", comma-separated key=value properties up to the
// next "::", and the rest as data; then it unescapes values as the runner does.
func parseCommands(t *testing.T, out string) []command {
	t.Helper()
	unescape := strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%")
	var cmds []command
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !strings.HasPrefix(line, "::") {
			t.Fatalf("line %q is not a command", line)
		}
		rest := line[2:]
		end := strings.Index(rest, "::")
		if end < 0 {
			t.Fatalf("line %q has no data separator", line)
		}
		head, data := rest[:end], rest[end+2:]
		c := command{Props: map[string]string{}, Data: unescape.Replace(data)}
		name, props, _ := strings.Cut(head, " ")
		c.Name = name
		if props != "" {
			for _, kv := range strings.Split(props, ",") {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					t.Fatalf("property %q of line %q has no value", kv, line)
				}
				c.Props[k] = unescape.Replace(v)
			}
		}
		cmds = append(cmds, c)
	}
	return cmds
}

func TestGitHubCannotBeInjected(t *testing.T) {
	evil := "host \"x\"\r\n::error file=.github/workflows/ci.yml,line=1::injected%0A::add-mask::secret, a:b"
	res := &lint.Result{Findings: []lint.Finding{{
		Rule: "AMB301", Name: "wildcard-egress", Severity: lint.Warning, Message: evil,
		Pos:     manifest.Position{File: "apps/a,b:c%d.yaml", Line: 3, Column: 7},
		Related: []lint.Related{{Position: manifest.Position{File: "x.yaml", Line: 1, Column: 1}, Message: "\n::stop-commands::x"}},
	}}}
	got := parseCommands(t, write(t, "github", res, output.Options{}))
	want := []command{{
		Name:  "warning",
		Props: map[string]string{"file": "apps/a,b:c%d.yaml", "line": "3", "col": "7", "title": "AMB301 wildcard-egress"},
		Data:  evil + "\nx.yaml:1:1: \n::stop-commands::x",
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("commands as the runner reads them (-want +got):\n%s", diff)
	}
}
