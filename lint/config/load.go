package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ambientkit/ambientkit/lint"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ConfigFileNames are the names Find looks for, in order of preference.
var ConfigFileNames = []string{".ambientlint.yaml", ".ambientlint.yml"}

// Error is a problem in a configuration file, at a line and column when known.
type Error struct {
	File   string
	Line   int // 1-based; 0 when the problem is not at one place
	Column int
	Msg    string
	Err    error // the underlying error, if any
}

// Error formats the problem as file:line:col: message (file:line: or file: when the place is
// less precise).
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Err != nil {
		if e.Msg != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Find looks for a configuration file in start's directory (start itself when it is a
// directory) and each parent up to and including root, and returns the first it finds, or ""
// when there is none. An empty root, or a start outside root, searches up to the filesystem
// root. A start of "-" (stdin) searches from the working directory.
func Find(start, root string) (string, error) {
	if start == "" || start == "-" {
		start = "."
	}
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", fmt.Errorf("finding the configuration from %s: %w", start, err)
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		dir = filepath.Dir(dir)
	}
	if root != "" {
		if root, err = filepath.Abs(root); err != nil {
			return "", fmt.Errorf("finding the configuration up to %s: %w", root, err)
		}
	}
	for {
		for _, name := range ConfigFileNames {
			p := filepath.Join(dir, name)
			fi, err := os.Stat(p)
			switch {
			case err == nil && !fi.IsDir():
				return p, nil
			case err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission):
				return "", fmt.Errorf("finding the configuration: %w", err)
			}
		}
		parent := filepath.Dir(dir)
		if dir == root || parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// Load reads the configuration file at path over the defaults. Rules are named by ID or
// name among known. Unknown keys, unknown rules and bad values are a *Error naming the
// file and line.
//
// The file's sections:
//
//	rules:            # severity per rule, by ID or name: error, warning, info or off
//	  AMB301: warning
//	  unused-ignore: off
//	exclude:          # path globs relative to the repository root (see MatchGlob)
//	  - "charts/**"
//	egress:
//	  allowWildcards: ["*.googleapis.com"]
//	maxFileSize: 16MiB # bytes, or a size with a unit (see ParseSize)
//	argocd:
//	  repoURLs: ["https://github.com/example/gitops.git"]
//	restarts: changed # or always
//	unreached: skip   # or lint: files that no Application or Flux Kustomization applies
func Load(path string, known []*lint.Rule) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "reading the configuration", Err: err}
	}
	cfg, err := Parse(path, data, known)
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// Parse parses configuration data as Load does; path is used in errors and kept in
// Config.Path.
func Parse(path string, data []byte, known []*lint.Rule) (*Config, error) {
	cfg := Default()
	cfg.Path = path
	p := &configParser{file: path, known: known, cfg: cfg}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{File: path, Line: yamlErrorLine(err), Msg: "not valid YAML", Err: err}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return cfg, nil // empty file or comments only
	}
	if err := p.top(doc.Content[0]); err != nil {
		return nil, err
	}
	return cfg, nil
}

// configParser walks the configuration's YAML nodes, keeping their lines for errors.
type configParser struct {
	file  string
	known []*lint.Rule
	cfg   *Config
}

func (p *configParser) errf(n *yaml.Node, format string, args ...any) error {
	e := &Error{File: p.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	return e
}

// mapping calls fn for each key of the mapping n, in order, after checking that n is a
// mapping (or null, which is empty) whose keys are unique strings.
func (p *configParser) mapping(n *yaml.Node, what string, fn func(k, v *yaml.Node) error) error {
	if isNull(n) {
		return nil
	}
	if n.Kind == yaml.AliasNode || n.Kind != yaml.MappingNode {
		return p.errf(n, "%s must be a mapping", what)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
			return p.errf(k, "%s: keys must be plain strings", what)
		}
		if seen[k.Value] {
			return p.errf(k, "%s: duplicate key %q", what, k.Value)
		}
		seen[k.Value] = true
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

func (p *configParser) top(n *yaml.Node) error {
	return p.mapping(n, "the configuration", func(k, v *yaml.Node) error {
		switch k.Value {
		case "rules":
			return p.rules(v)
		case "exclude":
			globs, err := p.strings(v, "exclude")
			if err != nil {
				return err
			}
			for i, g := range globs {
				if err := ValidateGlob(g); err != nil {
					return p.errf(v.Content[i], "exclude: %v", err)
				}
			}
			p.cfg.Exclude = globs
			return nil
		case "egress":
			return p.mapping(v, "egress", func(k, v *yaml.Node) error {
				switch k.Value {
				case "allowWildcards":
					hosts, err := p.strings(v, "egress.allowWildcards")
					p.cfg.Egress.AllowWildcards = hosts
					return err
				}
				return p.errf(k, "egress: unknown key %q (known: allowWildcards)", k.Value)
			})
		case "argocd":
			return p.mapping(v, "argocd", func(k, v *yaml.Node) error {
				switch k.Value {
				case "repoURLs":
					urls, err := p.strings(v, "argocd.repoURLs")
					p.cfg.ArgoCD.RepoURLs = urls
					return err
				}
				return p.errf(k, "argocd: unknown key %q (known: repoURLs)", k.Value)
			})
		case "maxFileSize":
			if v.Kind != yaml.ScalarNode || isNull(v) {
				return p.errf(v, "maxFileSize must be a size such as 16777216 or 16MiB")
			}
			size, err := ParseSize(v.Value)
			if err != nil {
				return p.errf(v, "maxFileSize: %v", err)
			}
			p.cfg.MaxFileSize = size
			return nil
		case "restarts":
			if v.Kind != yaml.ScalarNode || (v.Value != lint.RestartsChanged && v.Value != lint.RestartsAlways) {
				return p.errf(v, "restarts must be %q or %q", lint.RestartsChanged, lint.RestartsAlways)
			}
			p.cfg.Restarts = v.Value
			return nil
		case "unreached":
			if v.Kind != yaml.ScalarNode || (v.Value != UnreachedSkip && v.Value != UnreachedLint) {
				return p.errf(v, "unreached must be %q or %q", UnreachedSkip, UnreachedLint)
			}
			p.cfg.LintUnreached = v.Value == UnreachedLint
			return nil
		}
		return p.errf(k, "unknown key %q (known: rules, exclude, egress, maxFileSize, argocd, restarts, unreached)", k.Value)
	})
}

func (p *configParser) rules(n *yaml.Node) error {
	byID := map[string]*yaml.Node{}
	return p.mapping(n, "rules", func(k, v *yaml.Node) error {
		r, err := LookupRule(p.known, k.Value)
		if err != nil {
			return p.errf(k, "rules: %v", err)
		}
		if prev, ok := byID[r.ID]; ok {
			return p.errf(k, "rules: %s (%s) is already configured on line %d", r.ID, r.Name, prev.Line)
		}
		byID[r.ID] = k
		// YAML 1.1 readers turn a bare off into false; accept the value as written.
		if v.Kind != yaml.ScalarNode || isNull(v) {
			return p.errf(v, "rules: %s: severity must be error, warning, info or off", k.Value)
		}
		s, err := lint.ParseSeverity(v.Value)
		if err != nil {
			return p.errf(v, "rules: %s: %v", k.Value, err)
		}
		p.cfg.Severity[r.ID] = s
		return nil
	})
}

// strings reads a sequence of strings (null is empty).
func (p *configParser) strings(n *yaml.Node, what string) ([]string, error) {
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, "%s must be a list of strings", what)
	}
	out := make([]string, 0, len(n.Content))
	for _, item := range n.Content {
		if item.Kind != yaml.ScalarNode || isNull(item) || item.Value == "" {
			return nil, p.errf(item, "%s: each item must be a non-empty string", what)
		}
		out = append(out, item.Value)
	}
	return out, nil
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == yaml.NodeTagNull)
}

// yamlErrorLine extracts the line from a yaml.v3 error ("yaml: line 3: ..."), 0 if none.
func yamlErrorLine(err error) int {
	s := err.Error()
	_, rest, ok := strings.Cut(s, "line ")
	if !ok {
		return 0
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(rest)
	}
	n, _ := strconv.Atoi(rest[:end])
	return n
}

// sizeUnits maps the unit suffixes ParseSize accepts to their multipliers.
var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1000, "kb": 1000, "ki": 1 << 10, "kib": 1 << 10,
	"m": 1000 * 1000, "mb": 1000 * 1000, "mi": 1 << 20, "mib": 1 << 20,
	"g": 1000 * 1000 * 1000, "gb": 1000 * 1000 * 1000, "gi": 1 << 30, "gib": 1 << 30,
}

// ParseSize parses a positive size in bytes: a whole number, optionally followed by a unit —
// B; KB, MB, GB (powers of 1000); KiB, MiB, GiB or Ki, Mi, Gi (powers of 1024). Units are
// case-insensitive. A size over MaxSize is an error: no manifest is that large, and a
// limit near the largest int64 overflows in a reader that reads one byte past it.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	unit, ok := sizeUnits[strings.ToLower(strings.TrimSpace(t[i:]))]
	if i == 0 || !ok {
		return 0, fmt.Errorf("invalid size %q (want a positive number of bytes, or one like 16MiB)", s)
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err == nil && n <= 0 {
		return 0, fmt.Errorf("invalid size %q (want a positive number of bytes, or one like 16MiB)", s)
	}
	if err != nil || n > MaxSize/unit {
		return 0, fmt.Errorf("size %q is over the limit of %dGiB (%d bytes)", s, MaxSize>>30, int64(MaxSize))
	}
	return n * unit, nil
}

// ValidateGlob reports whether g is a well-formed exclude glob.
func ValidateGlob(g string) error {
	if g == "" {
		return errors.New("empty glob")
	}
	for _, seg := range strings.Split(strings.Trim(g, "/"), "/") {
		if seg == "**" {
			continue
		}
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("bad glob %q: %w", g, err)
		}
	}
	return nil
}

// MatchGlob reports whether the slash-separated path rel (relative to the repository root)
// matches the exclude glob pattern. Each path segment matches as in path.Match (*, ?,
// [class]); a "**" segment matches any number of segments, none included. As in .gitignore, a
// pattern without a slash matches a file or directory of that name at any depth, and a pattern
// that matches a directory excludes everything below it. Matching takes time proportional to
// the number of pattern segments times the number of path segments, whatever the pattern.
func MatchGlob(pattern, rel string) bool {
	rel = strings.TrimPrefix(path.Clean("/"+filepath.ToSlash(rel)), "/")
	pattern = strings.TrimPrefix(pattern, "./")
	if !strings.Contains(strings.TrimSuffix(pattern, "/"), "/") {
		pattern = "**/" + pattern
	}
	return matchSegments(strings.Split(strings.Trim(pattern, "/"), "/"), strings.Split(rel, "/"))
}

// matchSegments reports whether the pattern segments match a leading part (one segment or
// more) of the path segments, "**" spanning any number of them. A backtracking matcher takes
// exponential time on patterns such as **/**/**/…/x; this one fills a table instead, one
// pattern segment at a time: reach[j] says whether the pattern so far matches segs[:j].
func matchSegments(pat, segs []string) bool {
	reach := make([]bool, len(segs)+1)
	next := make([]bool, len(segs)+1)
	reach[0] = true
	for i, p := range pat {
		if p == "**" {
			if i > 0 && pat[i-1] == "**" {
				continue // ** ** spans what one ** spans
			}
			// ** extends any match by any number of segments.
			seen := false
			for j := range reach {
				seen = seen || reach[j]
				next[j] = seen
			}
		} else {
			next[0] = false
			for j := 1; j <= len(segs); j++ {
				next[j] = false
				if reach[j-1] {
					ok, err := path.Match(p, segs[j-1])
					next[j] = ok && err == nil
				}
			}
		}
		reach, next = next, reach
	}
	// A match of any leading part of the path excludes the directory and what is below it.
	return slices.Contains(reach[1:], true)
}
