package engine_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/config"
	"github.com/ambientkit/ambientkit/lint/engine"
)

const ns = `apiVersion: v1
kind: Namespace
metadata:
  name: %s
`

func nsDoc(name string) string { return strings.Replace(ns, "%s", name, 1) }

func TestRunLoadsEveryKindOfInput(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		paths   []string // relative to the tree; default "."
		exclude []string
		want    []string
	}{
		{
			name: "a multi-document file yields one object per document with apiVersion and kind",
			files: map[string]string{"a.yaml": nsDoc("one") + "---\nfoo: bar\n---\n---\n" +
				nsDoc("two") + "--- 42\n---\n- a list\n"},
			want: []string{"a.yaml#0 Namespace one (*v1.Namespace)", "a.yaml#3 Namespace two (*v1.Namespace)"},
		},
		{
			name: "the items of a List and of a typed *List are objects; typed list items may omit kind",
			files: map[string]string{
				"list.yaml": "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: x}\n" +
					"- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d, namespace: x}\n- not an object\n",
				"svc.json": `{"apiVersion": "v1", "kind": "ServiceList", "items": [{"metadata": {"name": "s", "namespace": "x"}}]}`,
			},
			want: []string{
				"list.yaml#0.1 Namespace x (*v1.Namespace)",
				"list.yaml#0.2 Deployment x/d (*v1.Deployment)",
				"svc.json#0.1 Service x/s (*v1.Service)",
			},
		},
		{
			name: "hidden directories, Helm charts, other extensions and non-objects are skipped quietly",
			files: map[string]string{
				".git/config.yaml":          nsDoc("git"),
				".github/workflows/ci.yaml": "on: push\njobs: {}\n",
				"chart/Chart.yaml":          "apiVersion: v2\nname: chart\n",
				"chart/values.yaml":         "replicas: 1\n",
				"chart/templates/ns.yaml":   "{{- if .Values.x }}\n" + nsDoc("templated") + "{{- end }}\n",
				"kustomization.yaml":        "resources:\n- ns.yaml\n",
				"README.md":                 nsDoc("readme"),
				"ns.yaml":                   nsDoc("kept"),
			},
			want: []string{"ns.yaml#0 Namespace kept (*v1.Namespace)"},
		},
		{
			name: "a hidden directory, a chart and a file named explicitly are read (a chart's templates are not)",
			files: map[string]string{
				".hidden/ns.yaml":         nsDoc("hidden"),
				"chart/Chart.yaml":        "apiVersion: v2\nname: chart\n",
				"chart/crds/ns.yaml":      nsDoc("crd"),
				"chart/templates/ns.yaml": "{{ .x }}: [\n",
				"manifest.txt":            nsDoc("txt"),
			},
			paths: []string{".hidden", "chart", "manifest.txt"},
			want: []string{
				".hidden/ns.yaml#0 Namespace hidden (*v1.Namespace)",
				"chart/crds/ns.yaml#0 Namespace crd (*v1.Namespace)",
				"manifest.txt#0 Namespace txt (*v1.Namespace)",
			},
		},
		{
			name: "exclude globs match paths relative to the root, with ** for any depth",
			files: map[string]string{
				"apps/a/ns.yaml":          nsDoc("a"),
				"apps/a/secret.enc.yaml":  nsDoc("enc"),
				"vendor/x/ns.yaml":        nsDoc("vendored"),
				"clusters/prod/ns.yaml":   nsDoc("prod"),
				"clusters/prod/z/ns.yaml": nsDoc("prodz"),
			},
			exclude: []string{"*.enc.yaml", "vendor", "clusters/**/z/**"},
			want: []string{
				"apps/a/ns.yaml#0 Namespace a (*v1.Namespace)",
				"clusters/prod/ns.yaml#0 Namespace prod (*v1.Namespace)",
			},
		},
		{
			name: "Gateway API versions decode into the v1 type, Istio versions into their own, other kinds stay untyped",
			files: map[string]string{"k.yaml": `apiVersion: gateway.networking.k8s.io/v1beta1
kind: Gateway
metadata: {name: waypoint, namespace: a}
spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: GRPCRoute
metadata: {name: r, namespace: a}
---
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: se, namespace: a}
spec: {hosts: [api.example.com], resolution: DNS}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ap, namespace: a}
spec: {action: DENY}
---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: ef, namespace: a}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: app, namespace: argocd}
spec: {project: 42}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.com, namespace: ignored}
`},
			want: []string{
				"k.yaml#0 Gateway a/waypoint (*v1.Gateway)",
				"k.yaml#1 GRPCRoute a/r (*v1.GRPCRoute)",
				"k.yaml#2 ServiceEntry a/se (*v1beta1.ServiceEntry)",
				"k.yaml#3 AuthorizationPolicy a/ap (*v1.AuthorizationPolicy)",
				"k.yaml#4 EnvoyFilter a/ef (*v1alpha3.EnvoyFilter)",
				"k.yaml#5 Application argocd/app (<nil>)",
				"k.yaml#6 CustomResourceDefinition ignored/things.example.com (*v1.CustomResourceDefinition)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files)
			paths := []string{dir}
			if tt.paths != nil {
				paths = nil
				for _, p := range tt.paths {
					paths = append(paths, filepath.Join(dir, p))
				}
			}
			res := run(t, engine.Options{Paths: paths, Root: dir, Config: &config.Config{Exclude: tt.exclude}})
			if diff := cmp.Diff(tt.want, objectsOf(dir, res)); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
			if got := brief(dir, res.Findings); len(got) > 0 {
				t.Errorf("unexpected findings: %q", got)
			}
		})
	}
}

func TestRunKeepsPositionsThroughBOMAndCRLF(t *testing.T) {
	doc := "apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: bad-ns\r\n"
	dir := writeTree(t, map[string]string{"crlf.yaml": "\xEF\xBB\xBF" + doc})
	res := run(t, engine.Options{Paths: []string{dir}, Root: dir})
	want := []string{"crlf.yaml:4:9: AMB900: bad-ns is bad"}
	if diff := cmp.Diff(want, brief(dir, res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if f := res.Inventory.Files[0]; bytes.HasPrefix(f.Data, []byte("\xEF\xBB\xBF")) {
		t.Errorf("File.Data keeps the byte order mark")
	}
}

func TestRunReportsBadInputAsAMB001(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		data  string
		cfg   *config.Config
		want  []string // regexps, in order, matched against "line:col: ID: message"
		typed bool     // the file's first object decoded
	}{
		{
			name: "a syntax error is reported at the scanner's line",
			file: "a.yaml", data: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n   labels: y\n",
			want: []string{`^5:4: AMB001: invalid YAML: mapping values are not allowed in this context$`},
		},
		{
			name: "a parser error's zero-based line is corrected",
			file: "a.yaml", data: "a: b\nkey: [1, 2\nfoo: bar\n",
			want: []string{`^2:1: AMB001: invalid YAML: did not find expected ',' or ']'$`},
		},
		{
			name: "documents before a syntax error are kept",
			file: "a.yaml", data: nsDoc("ok") + "---\nx: [\n",
			want:  []string{`^7:1: AMB001: invalid YAML: did not find expected node content`},
			typed: true,
		},
		{
			name: "invalid JSON says JSON",
			file: "a.json", data: "{\"apiVersion\": \"v1\",\n \"kind\": \"Namespace\",, }\n",
			want: []string{`^\d+:\d+: AMB001: invalid JSON: `},
		},
		{
			name: "a binary file is reported where its first NUL byte is",
			file: "bin.yaml", data: "apiVersion: v1\nab\x00\x01\x02",
			want: []string{`^2:3: AMB001: .*bin.yaml is a binary file \(NUL byte at 2:3\), not YAML$`},
		},
		{
			name: "a control character is reported where it is",
			file: "c.yaml", data: "a: b\nc: d\x01\n",
			want: []string{`^2:5: AMB001: invalid YAML: control characters are not allowed$`},
		},
		{
			name: "an alias to a missing anchor is reported at the alias",
			file: "c.yaml", data: "a: b\nc: *nowhere\n",
			want: []string{`^2:4: AMB001: invalid YAML: unknown anchor 'nowhere' referenced$`},
		},
		{
			name: "an alias bomb is reported, not expanded",
			file: "bomb.yaml", data: billionLaughs(),
			want: []string{`^\d+:\d+: AMB001: its aliases expand to more than 1000000 nodes \(an alias bomb\)$`},
		},
		{
			name: "an alias cycle is reported",
			file: "cycle.yaml", data: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: &a [*a]\n",
			want: []string{`^4:11: AMB001: alias \*a refers to a node that contains it`},
		},
		{
			name: "20,000-deep nesting is a syntax error, not a stack overflow",
			file: "deep.yaml", data: "apiVersion: v1\nkind: ConfigMap\ndata: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n",
			want: []string{`^\d+:\d+: AMB001: invalid YAML: exceeded max depth of 10000$`},
		},
		{
			name: "a file over max-file-size is reported, not read",
			file: "big.yaml", data: nsDoc("big"), cfg: &config.Config{MaxFileSize: 10},
			want: []string{`^1:1: AMB001: .*big.yaml is 53 bytes, over the 10 bytes limit \(max-file-size\): not read$`},
		},
		{
			name: "labels given as a list are reported at the list, and the object is kept untyped",
			file: "l.yaml", data: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n  labels:\n  - a\n",
			want: []string{`^6:3: AMB001: Namespace n: metadata.labels must be a map of strings, not a list$`},
		},
		{
			name: "an unquoted boolean annotation value is reported at the value",
			file: "l.yaml", data: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    sidecar.istio.io/inject: false\n",
			want: []string{`^6:30: AMB001: Pod p: annotation "sidecar.istio.io/inject" must be a string, not a boolean \(quote it: "false"\)$`},
		},
		{
			name: "an unquoted boolean in a pod template's annotations is reported at the value, as at the top level",
			file: "d.yaml", data: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata:\n      annotations:\n        prometheus.io/scrape: true\n",
			want: []string{`^8:31: AMB001: Deployment d does not decode: spec.template.metadata.annotations\["prometheus.io/scrape"\] is a boolean, want a string \(string\) \(quote it: "true"\)$`},
		},
		{
			name: "a non-string name is reported at the name",
			file: "l.yaml", data: "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: [x]\n",
			want: []string{`^4:9: AMB001: Application : metadata.name must be a string, not a list$`},
		},
		{
			name: "spec: 42 is reported at the spec",
			file: "s.yaml", data: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: 42\n",
			want: []string{`^4:7: AMB001: Service s does not decode: spec is a number, want a map \(v1.ServiceSpec\)$`},
		},
		{
			name: "a wrong type in a list is reported at the item that has it",
			file: "s.yaml", data: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n  - port: 80\n  - port: http\n",
			want: []string{`^7:11: AMB001: Service s does not decode: spec.ports\[1\].port is a string, want a number \(int32\)$`},
		},
		{
			name: "a wrong type in an Istio spec is reported at the field",
			file: "se.yaml", data: "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se}\nspec:\n  hosts: [a.example.com]\n  ports:\n  - {number: many, name: http}\n",
			want: []string{`^7:14: AMB001: ServiceEntry se does not decode: spec.ports\[0\].number: invalid value for uint32 field number: "many"$`},
		},
		{
			name: "an Istio enum value the API does not define is reported at the value",
			file: "se.yaml", data: "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se}\nspec:\n  hosts: [a.example.com]\n  resolution: DYNAMIC\n",
			want: []string{`^6:15: AMB001: ServiceEntry se does not decode: spec.resolution: invalid value for enum field resolution: "DYNAMIC"$`},
		},
		{
			name: "an Istio field the API does not define is ignored, as Istio does",
			file: "se.yaml", data: "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se}\nspec:\n  hosts: [a.example.com]\n  frobnicate: true\n",
			typed: true,
		},
		{
			name: "a Flux variable in a typed field leaves the object untyped, without a finding",
			file: "flux.yaml", data: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: ${REPLICAS:=2}\n",
		},
		{
			name: "a Flux variable in an Istio port leaves the object untyped, without a finding",
			file: "flux.yaml", data: "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se}\nspec:\n  hosts: ['a.${DOMAIN}']\n  ports:\n  - {number: '${PORT}', name: http}\n",
		},
		{
			name: "a SOPS-encrypted Secret is opaque",
			file: "secret.sops.yaml", data: "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  key: ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]\nsops:\n  version: 3.8.1\n",
		},
		{
			name: "a file that is a template is skipped quietly",
			file: "t.yaml", data: "{{- if .Values.enabled }}\n" + nsDoc("t") + "{{- end }}\n",
		},
		{
			name: "a merge key is resolved before decoding",
			file: "m.yaml", data: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata:\n  <<: {a: x, b: y}\n  b: z\n",
			typed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{tt.file: tt.data})
			res := run(t, engine.Options{Paths: []string{dir}, Root: dir, Config: tt.cfg})
			var got []string
			for _, f := range res.Findings {
				got = append(got, strings.TrimPrefix(brief(dir, []lint.Finding{f})[0], tt.file+":"))
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got findings %q, want %d matching %q", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !regexp.MustCompile(w).MatchString(got[i]) {
					t.Errorf("finding %q does not match %q", got[i], w)
				}
			}
			typed := len(res.Inventory.Objects) > 0 && res.Inventory.Objects[0].Typed != nil
			if typed != tt.typed {
				t.Errorf("first object typed = %v, want %v", typed, tt.typed)
			}
		})
	}
}

// billionLaughs returns the YAML "billion laughs" document: nine levels of ten aliases.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\nl0: &l0 [lol]\n")
	for i := 1; i <= 9; i++ {
		b.WriteString("l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [")
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*l" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func TestRunDoesNotReadA100MiBFile(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "huge.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(100 << 20); err != nil { // sparse: no disk used, nothing to read
		t.Fatal(err)
	}
	f.Close()
	res := run(t, engine.Options{Paths: []string{dir}, Root: dir})
	want := []string{"huge.yaml:1:1: AMB001: " + filepath.Join(dir, "huge.yaml") +
		" is 100 MiB, over the 16 MiB limit (max-file-size): not read"}
	if diff := cmp.Diff(want, brief(dir, res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestRunLimitsStdinToMaxFileSize(t *testing.T) {
	res := run(t, engine.Options{Paths: []string{"-"}, Stdin: strings.NewReader(nsDoc("x")), Config: &config.Config{MaxFileSize: 8}})
	want := []string{"-:1:1: AMB001: - is over the 8 bytes limit (max-file-size): not read"}
	if diff := cmp.Diff(want, brief("", res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestRunReadsStdin(t *testing.T) {
	res := run(t, engine.Options{Paths: []string{"-", "-"}, Stdin: strings.NewReader(nsDoc("bad-stdin"))})
	want := []string{"-:4:9: AMB900: bad-stdin is bad"}
	if diff := cmp.Diff(want, brief("", res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if res.Files != 1 {
		t.Errorf("Files = %d, want 1 (stdin read once)", res.Files)
	}
}

func TestRunFollowsDirectorySymlinksOnce(t *testing.T) {
	dir := writeTree(t, map[string]string{"a/ns.yaml": nsDoc("a"), "b/ns.yaml": nsDoc("b")})
	for _, l := range []struct{ target, link string }{
		{"..", "a/up"},          // a loop back to the root
		{"../a", "b/again"},     // a second way to reach a
		{"missing", "b/x.yaml"}, // dangling: reported, since it is named like a manifest
		{"missing", "b/other"},  // dangling, not a manifest name: ignored
		{"ns.yaml", "a/z.yaml"}, // a second name for a file: read once
	} {
		if err := os.Symlink(l.target, filepath.Join(dir, l.link)); err != nil {
			t.Fatal(err)
		}
	}
	res := run(t, engine.Options{Paths: []string{dir}, Root: dir})
	wantObjects := []string{"a/ns.yaml#0 Namespace a (*v1.Namespace)", "b/ns.yaml#0 Namespace b (*v1.Namespace)"}
	if diff := cmp.Diff(wantObjects, objectsOf(dir, res)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	wantFindings := []string{"b/x.yaml:1:1: AMB001: cannot read " + filepath.Join(dir, "b/x.yaml") + ": no such file or directory"}
	if diff := cmp.Diff(wantFindings, brief(dir, res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestRunFailsOnUnreadableArguments(t *testing.T) {
	dir := writeTree(t, map[string]string{"ns.yaml": nsDoc("a")})
	_, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir, filepath.Join(dir, "nope.yaml")}})
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("Run = %v, want an error naming nope.yaml", err)
	}
	_, err = engine.Run(context.Background(), engine.Options{Paths: []string{filepath.Join(dir, "ns.yaml", "x")}})
	if err == nil {
		t.Errorf("Run on a path below a file succeeded")
	}
}

func TestRunIsDeterministic(t *testing.T) {
	files := map[string]string{}
	for i := range 200 {
		name := "bad-" + strings.Repeat("x", i%7) + string(rune('a'+i%26))
		files[filepath.Join("d"+string(rune('a'+i%5)), "f"+strings.Repeat("0", i%3)+string(rune('a'+i%26))+".yaml")] += nsDoc(name) + "---\n"
	}
	files["broken.yaml"] = "a: [\n"
	dir := writeTree(t, files)
	first := run(t, engine.Options{Paths: []string{dir}, Root: dir})
	for range 3 {
		again := run(t, engine.Options{Paths: []string{dir}, Root: dir})
		if diff := cmp.Diff(brief(dir, first.Findings), brief(dir, again.Findings)); diff != "" {
			t.Fatalf("findings differ between runs (-first +again):\n%s", diff)
		}
		if diff := cmp.Diff(objectsOf(dir, first), objectsOf(dir, again)); diff != "" {
			t.Fatalf("objects differ between runs (-first +again):\n%s", diff)
		}
	}
}

func TestRunReportsUnreadableFiles(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode; the dangling symlink case covers this path")
	}
	dir := writeTree(t, map[string]string{"secret.yaml": nsDoc("x"), "ok.yaml": nsDoc("ok")})
	p := filepath.Join(dir, "secret.yaml")
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	res := run(t, engine.Options{Paths: []string{dir}, Root: dir})
	want := []string{"secret.yaml:1:1: AMB001: cannot read " + p + ": permission denied"}
	if diff := cmp.Diff(want, brief(dir, res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if _, err := engine.Run(context.Background(), engine.Options{Paths: []string{p}}); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("Run on the unreadable file named explicitly = %v, want an error naming it", err)
	}
}
