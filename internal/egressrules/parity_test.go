package egressrules_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/go/analysis/analysistest"
	"sigs.k8s.io/yaml"

	networkingv1 "istio.io/client-go/pkg/apis/networking/v1"

	"github.com/ambientkit/ambientkit/egress"
	"github.com/ambientkit/ambientkit/internal/egressrules"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/engine"
	"github.com/ambientkit/ambientkit/lint/rules"
	"github.com/ambientkit/ambientkit/lint/vet"
)

// entry is one ServiceEntry of the table, spelled both as YAML and as a Go literal.
type entry struct {
	name       string
	hosts      []string
	addresses  []string
	ports      []port
	resolution string // NONE, STATIC or DNS
}

type port struct {
	number         uint32
	name, protocol string
}

var table = []entry{
	{name: "explicit host, DNS", hosts: []string{"api.vendor.example"}, ports: []port{{443, "tls", "TLS"}}, resolution: "DNS"},
	{name: "wildcard host, DNS, no endpoints", hosts: []string{"*.vendor.example"}, ports: []port{{443, "tls", "TLS"}}, resolution: "DNS"},
	{name: "wildcard host, NONE", hosts: []string{"*.vendor.example"}, ports: []port{{443, "tls", "TLS"}}, resolution: "NONE"},
	{name: "the host star", hosts: []string{"*"}, ports: []port{{443, "tls", "TLS"}}, resolution: "NONE"},
	{name: "a misplaced wildcard", hosts: []string{"api.*.example"}, ports: []port{{443, "tls", "TLS"}}, resolution: "DNS"},
	{name: "a CIDR address with DNS", hosts: []string{"db.vendor.example"}, addresses: []string{"10.0.0.0/8"}, ports: []port{{5432, "pg", "TCP"}}, resolution: "DNS"},
	{name: "duplicate ports and an unknown protocol", hosts: []string{"api.vendor.example"}, ports: []port{{443, "tls", "TLS"}, {443, "https", "HTTPS"}, {8080, "h3", "HTTP3"}}, resolution: "DNS"},
	{name: "several hosts on an opaque port", hosts: []string{"a.vendor.example", "b.vendor.example"}, ports: []port{{5432, "pg", "TCP"}}, resolution: "DNS"},
	{name: "a TCP port without addresses, NONE", hosts: []string{"db.vendor.example"}, ports: []port{{5432, "pg", "TCP"}}, resolution: "NONE"},
	{name: "a port out of range", hosts: []string{"api.vendor.example"}, ports: []port{{70000, "big", ""}}, resolution: "DNS"},
}

func (e entry) yaml(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: %s\n  namespace: shop\nspec:\n", name)
	list := func(field string, vs []string) {
		if len(vs) == 0 {
			return
		}
		fmt.Fprintf(&b, "  %s:\n", field)
		for _, v := range vs {
			fmt.Fprintf(&b, "  - %q\n", v)
		}
	}
	list("hosts", e.hosts)
	list("addresses", e.addresses)
	b.WriteString("  ports:\n")
	for _, p := range e.ports {
		fmt.Fprintf(&b, "  - number: %d\n    name: %s\n", p.number, p.name)
		if p.protocol != "" {
			fmt.Fprintf(&b, "    protocol: %s\n", p.protocol)
		}
	}
	fmt.Fprintf(&b, "  location: MESH_EXTERNAL\n  resolution: %s\n", e.resolution)
	return b.String()
}

func (e entry) goLiteral(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "var %s = v1alpha3.ServiceEntry{\n", name)
	list := func(field string, vs []string) {
		if len(vs) == 0 {
			return
		}
		fmt.Fprintf(&b, "\t%s: []string{", field)
		for _, v := range vs {
			fmt.Fprintf(&b, "%q, ", v)
		}
		b.WriteString("},\n")
	}
	list("Hosts", e.hosts)
	list("Addresses", e.addresses)
	b.WriteString("\tPorts: []*v1alpha3.ServicePort{\n")
	for _, p := range e.ports {
		fmt.Fprintf(&b, "\t\t{Number: %d, Name: %q, Protocol: %q},\n", p.number, p.name, p.protocol)
	}
	fmt.Fprintf(&b, "\t},\n\tResolution: v1alpha3.ServiceEntry_%s,\n}\n", e.resolution)
	return b.String()
}

// vetRules are the rules the analyzer reports for ServiceEntries: AMB304 needs the whole
// object (its labels), which a spec literal does not carry.
var vetRules = []string{egressrules.WildcardEgress, egressrules.InvalidServiceEntry}

// TestRulesAgreeWithTheSDK holds ambientlint's rules over YAML, the ambientvet analyzer over
// Go literals and the SDK's egress.Validate to the same verdicts on one table of
// ServiceEntries: for each entry, the rule IDs each reports, with the SDK's problem codes
// mapped by egressrules.Rule.
func TestRulesAgreeWithTheSDK(t *testing.T) {
	sdk := map[string][]string{}
	for i, e := range table {
		name := fmt.Sprintf("e%d", i)
		var se networkingv1.ServiceEntry
		if err := yaml.Unmarshal([]byte(e.yaml(name)), &se); err != nil {
			t.Fatalf("%s: %v", e.name, err)
		}
		for _, p := range egress.Validate(&se) {
			if id := egressrules.Rule(p); id != "" {
				sdk[name] = append(sdk[name], id)
			}
		}
		slices.Sort(sdk[name])
	}

	t.Logf("verdicts: %v", sdk)
	t.Run("ambientlint over YAML", func(t *testing.T) {
		dir := t.TempDir()
		for i, e := range table {
			name := fmt.Sprintf("e%d", i)
			if err := os.WriteFile(filepath.Join(dir, name+".yaml"), []byte(e.yaml(name)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		res, err := engine.Run(context.Background(), engine.Options{
			Paths: []string{dir}, Root: dir,
			Rules: []*lint.Rule{rules.WildcardEgress, rules.InvalidServiceEntry, rules.ServiceEntryNeedsAddresses},
		})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, f := range res.Findings {
			name := strings.TrimSuffix(filepath.Base(f.Pos.File), ".yaml")
			got[name] = append(got[name], f.Rule)
		}
		for k := range got {
			slices.Sort(got[k])
		}
		if diff := cmp.Diff(sdk, got); diff != "" {
			t.Errorf("rules per entry (-SDK +ambientlint):\n%s", diff)
		}
	})

	t.Run("ambientvet over Go literals", func(t *testing.T) {
		// The analyzer's own test stubs of Istio's packages, and one package of literals.
		dir := t.TempDir()
		stubs := filepath.Join("..", "..", "lint", "vet", "testdata", "src", "istio.io")
		if err := os.CopyFS(filepath.Join(dir, "src", "istio.io"), os.DirFS(stubs)); err != nil {
			t.Fatal(err)
		}
		var src strings.Builder
		src.WriteString("package table\n\nimport \"istio.io/api/networking/v1alpha3\"\n\n")
		var starts []int // the first line of each literal, in table order
		for i, e := range table {
			starts = append(starts, strings.Count(src.String(), "\n")+1)
			src.WriteString(e.goLiteral(fmt.Sprintf("e%d", i)) + "\n")
		}
		pkg := filepath.Join(dir, "src", "table")
		if err := os.MkdirAll(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pkg, "table.go"), []byte(src.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		results := analysistest.Run(quiet{}, dir, vet.Analyzer, "table")
		want := map[string][]string{}
		for name, ids := range sdk {
			for _, id := range ids {
				if slices.Contains(vetRules, id) {
					want[name] = append(want[name], id)
				}
			}
		}
		got := map[string][]string{}
		for _, r := range results {
			for _, d := range r.Diagnostics {
				line := r.Pass.Fset.Position(d.Pos).Line
				i := 0
				for i+1 < len(starts) && starts[i+1] <= line {
					i++
				}
				name := fmt.Sprintf("e%d", i)
				got[name] = append(got[name], d.Category)
			}
		}
		for k := range got {
			slices.Sort(got[k])
		}
		if len(got) == 0 {
			t.Fatal("the analyzer reported nothing: it did not run over the table")
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("rules per entry (-SDK +ambientvet):\n%s", diff)
		}
	})
}

// quiet takes analysistest's complaints about diagnostics without a want comment: the test
// compares the diagnostics itself.
type quiet struct{}

func (quiet) Errorf(string, ...any) {}
