// Command chartkeys writes package internal/istiocharts's table of the top-level values that
// Istio's Helm charts (base, istiod, cni, ztunnel) accept, per minor version: the keys under
// _internal_defaults_do_not_set in each chart's values.yaml, the keys its templates read
// (valuesRef), and the keys every chart's profile template reads (profile,
// compatibilityVersion, platform, global). Helm passes any other key through silently, so a
// misspelt one ("proflie: ambient") changes nothing.
//
// The charts come from the istio.io/istio module at the version this project pins (the one
// istioctl is built from, PinnedModule), downloaded from the module proxy, and from the
// release tags of a clone of istio/istio for the other minor versions:
//
//	go -C hack run ./chartkeys -istio DIR 1.28.10 1.29.6 1.30.3 HEAD=1.32 > internal/istiocharts/keys_gen.go
//
// Each argument is a git revision of the clone (a release tag, whose minor version keys the
// table), or REV=MINOR for a branch. The test of this package holds the table's entry for the
// pinned module's minor version to the module's charts.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// PinnedModule is the istio.io/istio version this project pins (hack/peers.sh builds istioctl
// from it).
const PinnedModule = "istio.io/istio@v0.0.0-20260827124520-eed52ebb66ad"

// charts maps the chart names ambientlint knows (gitops.ChartComponent) to their directory.
var charts = map[string]string{
	"base":    "manifests/charts/base",
	"istiod":  "manifests/charts/istio-control/istio-discovery",
	"cni":     "manifests/charts/istio-cni",
	"ztunnel": "manifests/charts/ztunnel",
}

// profileKeys are read by every chart's zzz_profile.yaml template.
var profileKeys = []string{"_internal_defaults_do_not_set", "compatibilityVersion", "global", "platform", "profile"}

// notKeys are read by the profile template but are not values to set: it fails on defaults,
// and sets _original itself.
var notKeys = map[string]bool{"defaults": true, "_original": true}

// valuesRef finds the top-level values a template reads: .Values.KEY, and index .Values "KEY"
// (the istiod and cni charts' zzy_descope_legacy.yaml copy everything under pilot and cni up
// a level that way).
var valuesRef = regexp.MustCompile(`\.Values\.([A-Za-z_][A-Za-z0-9_]*)|index \$?\.Values "([A-Za-z_][A-Za-z0-9_]*)"`)

func main() {
	istio := flag.String("istio", "", "a clone of istio/istio with the release tags")
	flag.Parse()
	if *istio == "" {
		fmt.Fprintln(os.Stderr, "usage: chartkeys -istio DIR REV[=MINOR]...")
		os.Exit(2)
	}
	if err := run(*istio, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "chartkeys:", err)
		os.Exit(1)
	}
}

// A source reads the files of one revision of Istio's charts.
type source interface {
	read(path string) ([]byte, error)
	templates(chartDir string) ([]string, error)
}

type gitRev struct{ dir, rev string }

func (g gitRev) git(args ...string) ([]byte, error) {
	out, err := exec.Command("git", append([]string{"-C", g.dir}, args...)...).Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return out, nil
}

func (g gitRev) read(path string) ([]byte, error) { return g.git("show", g.rev+":"+path) }

func (g gitRev) templates(chartDir string) ([]string, error) {
	out, err := g.git("ls-tree", "-r", "--name-only", g.rev, chartDir+"/templates")
	return strings.Fields(string(out)), err
}

// moduleDir is the extracted istio.io/istio module.
type moduleDir string

func (m moduleDir) read(path string) ([]byte, error) {
	return os.ReadFile(filepath.Join(string(m), filepath.FromSlash(path)))
}

func (m moduleDir) templates(chartDir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(filepath.Join(string(m), filepath.FromSlash(chartDir), "templates"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(string(m), p)
		out = append(out, filepath.ToSlash(rel))
		return err
	})
	return out, err
}

// downloadPinned returns the directory of the pinned module (go mod download) and the minor
// version its VERSION file names.
func downloadPinned() (moduleDir, string, error) {
	out, err := exec.Command("go", "mod", "download", "-json", PinnedModule).Output()
	if err != nil {
		return "", "", fmt.Errorf("go mod download %s: %w", PinnedModule, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		return "", "", fmt.Errorf("go mod download %s: %s %v", PinnedModule, info.Error, err)
	}
	v, err := os.ReadFile(filepath.Join(info.Dir, "VERSION"))
	if err != nil {
		return "", "", err
	}
	return moduleDir(info.Dir), strings.TrimSpace(string(v)), nil
}

// table returns, per chart name, the keys src's charts accept.
func table(src source) (map[string][]string, error) {
	out := map[string][]string{}
	for name, dir := range charts {
		ks, err := chartKeys(src, dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = ks
	}
	return out, nil
}

func run(dir string, revs []string) error {
	tables := map[string]map[string][]string{}
	mod, minor, err := downloadPinned()
	if err != nil {
		return err
	}
	if tables[minor], err = table(mod); err != nil {
		return fmt.Errorf("%s: %w", PinnedModule, err)
	}
	for _, arg := range revs {
		rev, minor, ok := strings.Cut(arg, "=")
		if !ok {
			minor = strings.Join(strings.SplitN(rev, ".", 3)[:2], ".")
		}
		if tables[minor] != nil {
			return fmt.Errorf("%s: minor %s is already the pinned module's", arg, minor)
		}
		if tables[minor], err = table(gitRev{dir, rev}); err != nil {
			return fmt.Errorf("%s: %w", rev, err)
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by \"go -C hack run ./chartkeys -istio DIR %s\" from istio/istio and %s; DO NOT EDIT.\n\n",
		strings.Join(revs, " "), PinnedModule)
	b.WriteString("package istiocharts\n\n// keys holds, per minor version and chart, the top-level values the chart accepts.\nvar keys = map[string]map[string][]string{\n")
	minors := make([]string, 0, len(tables))
	for m := range tables {
		minors = append(minors, m)
	}
	slices.Sort(minors)
	for _, m := range minors {
		fmt.Fprintf(&b, "\t%q: {\n", m)
		names := make([]string, 0, len(tables[m]))
		for n := range tables[m] {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			fmt.Fprintf(&b, "\t\t%q: {", n)
			for _, k := range tables[m][n] {
				fmt.Fprintf(&b, "%q, ", k)
			}
			b.WriteString("},\n")
		}
		b.WriteString("\t},\n")
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(src)
	return err
}

func chartKeys(src source, chart string) ([]string, error) {
	set := map[string]bool{}
	for _, k := range profileKeys {
		set[k] = true
	}
	data, err := src.read(chart + "/values.yaml")
	if err != nil {
		return nil, err
	}
	var values map[string]any
	if err := yaml.Unmarshal(data, &values); err != nil {
		return nil, err
	}
	defaults, _ := values["_internal_defaults_do_not_set"].(map[string]any)
	if defaults == nil {
		defaults = values
	}
	for k := range defaults {
		set[k] = true
	}
	files, err := src.templates(chart)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		text, err := src.read(f)
		if err != nil {
			return nil, err
		}
		for _, m := range valuesRef.FindAllSubmatch(text, -1) {
			k := string(m[1]) + string(m[2])
			if !notKeys[k] {
				set[k] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out, nil
}
