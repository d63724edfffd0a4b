package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/manifest"
)

// maxExpandedNodes bounds the nodes a document may reach through aliases: past it the
// document is an alias bomb ("billion laughs") and is reported instead of expanded.
const maxExpandedNodes = 1_000_000

// maxRunAliasNodes bounds the nodes the aliases of all files of one load may add.
const maxRunAliasNodes = 10_000_000

// ordinal returns n as "1st", "2nd", "3rd", "4th", ….
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// fileResult is what reading one file produced.
type fileResult struct {
	file     *manifest.File
	objects  []*manifest.Object
	findings []Problem
	err      error // an error that stops the run (an unreadable explicit path)
	stop     bool  // the rest of the file is not read (its alias budget is spent)
}

// decoder turns a file's bytes into objects. Each worker goroutine owns one, so its scratch
// buffers are reused without locking.
type decoder struct {
	fileAliases int                  // nodes the aliases of the file being parsed add
	runAliases  *atomic.Int64        // nodes the aliases of the whole load add; nil: unbounded
	want        func(gk string) bool // kinds to decode into Go types; nil: every known kind
	buf         []byte               // JSON of the object being decoded
	spans       []span               // where each node's JSON lies in buf, recorded only to locate an error
	rec         bool
	count       int                 // nodes emitted into buf, bounded by maxExpandedNodes
	seen        map[string]int      // scratch for dropDuplicates: key → index of its first pair
	skip        map[*yaml.Node]bool // map keys whose entries the JSON leaves out (see protoSchema)
	release     bool                // release the trees of the objects decoded (see release)
}

// Problem is a file or object that could not be read, parsed or decoded. ambientlint
// reports each as an AMB001 (invalid-yaml) finding.
type Problem struct {
	Pos     manifest.Position
	Object  manifest.ObjectRef // the object, when the problem is about one
	Message string
	// Note marks what the load left out on purpose rather than failed to read (a symbolic
	// link out of the tree): reported, but not as an error.
	Note bool
}

// loadFinding returns a Problem.
func loadFinding(pos manifest.Position, obj manifest.ObjectRef, format string, args ...any) Problem {
	return Problem{Message: fmt.Sprintf(format, args...), Pos: pos, Object: obj}
}

// parseFile parses every document of f and returns its objects and problems.
func (d *decoder) parseFile(f *manifest.File, lang string) fileResult {
	res := fileResult{file: f}
	d.fileAliases = 0
	data := f.Data
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line, col := manifest.LineCol(data, i)
		res.findings = append(res.findings, loadFinding(manifest.Position{File: f.Path, Line: line, Column: col}, manifest.ObjectRef{},
			"%s is a binary file (NUL byte at %d:%d), not %s", f.Path, line, col, lang))
		return res
	}
	templated := bytes.Contains(data, []byte("{{"))
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for doc := 0; ; doc++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if templated && bytes.Contains(data, []byte("}}")) {
				own, ownErr := templatedManifestError(data)
				if !own {
					// A template (Go, Helm, Jinja) rather than a manifest: nothing to lint,
					// and nothing the author can fix by quoting.
					break
				}
				err = ownErr
			}
			if safe, ok := unbraceVariables(data); ok && !bytes.Equal(safe, data) {
				// Flux substitutes ${VAR} in the text before anything parses it, so a file
				// whose only syntax error is a variable in a flow collection ([a.${X}:80])
				// is valid once applied: parse it with the same-length $(VAR), which is
				// just as opaque, and keep every position.
				// Its own syntax errors, if any, are the file's real ones.
				retry := d.parseFile(&manifest.File{Path: f.Path, Data: safe}, lang)
				for _, o := range retry.objects {
					o.File = f
				}
				retry.file = f
				return retry
			}
			line, col, msg := yamlErrorPos(err, data)
			res.findings = append(res.findings, loadFinding(manifest.Position{File: f.Path, Line: line, Column: col}, manifest.ObjectRef{},
				"invalid %s: %s", lang, msg))
			break
		}
		root := &n
		if root.Kind == yaml.DocumentNode {
			if len(root.Content) == 0 {
				continue
			}
			root = root.Content[0]
		}
		if root.Kind != yaml.MappingNode {
			continue
		}
		if templated {
			unparseTemplateActions(root)
		}
		d.document(&res, root, doc)
		if res.stop {
			break
		}
	}
	return res
}

// document turns one YAML document into objects: itself, or the items of a List.
func (d *decoder) document(res *fileResult, root *yaml.Node, doc int) {
	f := res.file
	bad, msg, surplus := checkAliases(root)
	if bad != nil {
		res.findings = append(res.findings, loadFinding(posIn(f, bad), manifest.ObjectRef{}, "%s", msg))
		return
	}
	// The bound of one document is not enough: a thousand documents just under it would take
	// minutes. Aliases share one budget per file and one per run.
	d.fileAliases += surplus
	if surplus > 0 && d.fileAliases > maxExpandedNodes {
		res.findings = append(res.findings, loadFinding(manifest.Position{File: f.Path, Line: 1, Column: 1}, manifest.ObjectRef{},
			"the aliases of %s expand to more than %d nodes (an alias bomb): its documents from the %s on are not read", f.Path, maxExpandedNodes, ordinal(doc+1)))
		res.stop = true
		return
	}
	if surplus > 0 && d.runAliases != nil && d.runAliases.Add(int64(surplus)) > maxRunAliasNodes {
		res.findings = append(res.findings, loadFinding(manifest.Position{File: f.Path, Line: 1, Column: 1}, manifest.ObjectRef{},
			"the aliases of this run's files expand to more than %d nodes (alias bombs): %s is not read from its %s document on", maxRunAliasNodes, f.Path, ordinal(doc+1)))
		res.stop = true
		return
	}
	// Before anything is read, so that every value read is the one the cluster gets.
	dups := d.dropDuplicateKeys(root)
	before := len(res.findings)
	apiVersion, kind, ok := d.typeMeta(res, root)
	if !ok {
		if len(res.findings) > before {
			reportDuplicates(res, dups, manifest.ObjectRef{}) // an object, if a broken one
		}
		return
	}
	encrypted := mapValue(root, "sops") != nil
	if items := mapValue(root, "items"); items != nil && items.Kind == yaml.SequenceNode &&
		(kind == "List" || strings.HasSuffix(kind, "List")) {
		itemKind := strings.TrimSuffix(kind, "List")
		var isObject []bool // by item number, kept only when there are duplicates to place
		if len(dups) > 0 {
			isObject = make([]bool, len(items.Content)+1)
		}
		for i, it := range items.Content {
			it = deref(it)
			if it.Kind != yaml.MappingNode {
				continue
			}
			av, k := apiVersion, itemKind
			if mapValue(it, "apiVersion") != nil || mapValue(it, "kind") != nil || kind == "List" {
				if av, k, ok = d.typeMeta(res, it); !ok {
					continue
				}
			}
			if k == "" {
				continue
			}
			var own []duplicate
			if isObject != nil {
				isObject[i+1] = true
				own = itemDuplicates(dups, i+1)
			}
			d.object(res, it, av, k, doc, i+1, encrypted, own)
		}
		// Keys outside the objects of the List: in its own fields, or in items that are
		// not objects.
		for _, dup := range dups {
			if dup.item == 0 || !isObject[dup.item] {
				reportDuplicates(res, []duplicate{dup}, manifest.ObjectRef{})
			}
		}
		return
	}
	d.object(res, root, apiVersion, kind, doc, 0, encrypted, dups)
}

// typeMeta returns the apiVersion and kind of a mapping node. A node without them is no
// object (ok false, quietly); one whose apiVersion or kind is not a string is reported.
func (d *decoder) typeMeta(res *fileResult, n *yaml.Node) (apiVersion, kind string, ok bool) {
	av, k := mapValue(n, "apiVersion"), mapValue(n, "kind")
	if av == nil || k == nil {
		return "", "", false
	}
	for _, x := range []struct {
		name string
		n    *yaml.Node
	}{{"apiVersion", av}, {"kind", k}} {
		if x.n.Kind != yaml.ScalarNode || x.n.ShortTag() != "!!str" || x.n.Value == "" {
			res.findings = append(res.findings, loadFinding(posIn(res.file, x.n), manifest.ObjectRef{},
				"%s must be a non-empty string, not %s", x.name, describe(x.n)))
			return "", "", false
		}
	}
	return av.Value, k.Value, true
}

// object makes the Object of node n, reads its metadata, and decodes known kinds.
// dups are the repeated keys found in n, reported about the object once its name is known.
func (d *decoder) object(res *fileResult, n *yaml.Node, apiVersion, kind string, doc, item int, encrypted bool, dups []duplicate) {
	f := res.file
	o := &manifest.Object{File: f, Doc: doc, Item: item,
		Ref: manifest.ObjectRef{APIVersion: apiVersion, Kind: kind}, Encrypted: encrypted}
	o.SetRoot(yaml.NewRNode(n))
	if i := strings.LastIndexByte(apiVersion, '/'); i >= 0 {
		o.Group = apiVersion[:i]
	}
	before := len(res.findings)
	if meta := mapValue(n, "metadata"); meta != nil && meta.ShortTag() != "!!null" {
		if meta.Kind != yaml.MappingNode {
			res.findings = append(res.findings, loadFinding(posIn(f, meta), o.Ref,
				"%s: metadata must be a map, not %s", o.Ref, describe(meta)))
		} else {
			o.Ref.Name = d.metaString(res, o, meta, "name")
			o.Ref.Namespace = d.metaString(res, o, meta, "namespace")
			o.Labels = d.metaMap(res, o, meta, "labels")
			o.Annotations = d.metaMap(res, o, meta, "annotations")
		}
	}
	if !clusterScoped[o.GK()] {
		o.Namespace = o.Ref.Namespace
	}
	res.objects = append(res.objects, o)
	if newTyped := knownKinds[apiVersion+"/"+kind]; newTyped != nil && len(res.findings) == before && (d.want == nil || d.want(o.GK())) {
		if fd := d.decodeTyped(o, newTyped); fd != nil {
			res.findings = append(res.findings, *fd)
		}
	}
	// After the typed decoding, which a repeated key does not prevent: the object is
	// judged as it is applied.
	reportDuplicates(res, dups, o.Ref)
}

// metaString returns the string at metadata.<key>, reporting a value that is not one.
func (d *decoder) metaString(res *fileResult, o *manifest.Object, meta *yaml.Node, key string) string {
	v := mapValue(meta, key)
	if v == nil || v.ShortTag() == "!!null" {
		return ""
	}
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		res.findings = append(res.findings, loadFinding(posIn(res.file, v), o.Ref,
			"%s: metadata.%s must be a string, not %s", o.Ref, key, describe(v)))
		return ""
	}
	return v.Value
}

// metaMap reads metadata.labels or metadata.annotations from the nodes, reporting values
// that Kubernetes rejects (a list, an unquoted number or boolean).
func (d *decoder) metaMap(res *fileResult, o *manifest.Object, meta *yaml.Node, key string) map[string]string {
	m := mapValue(meta, key)
	if m == nil || m.ShortTag() == "!!null" {
		return nil
	}
	singular := strings.TrimSuffix(key, "s")
	if m.Kind != yaml.MappingNode {
		res.findings = append(res.findings, loadFinding(posIn(res.file, m), o.Ref,
			"%s: metadata.%s must be a map of strings, not %s", o.Ref, key, describe(m)))
		return nil
	}
	out := make(map[string]string, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := deref(m.Content[i]), deref(m.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			res.findings = append(res.findings, loadFinding(posIn(res.file, k), o.Ref,
				"%s: a %s key must be a string, not %s", o.Ref, singular, describe(k)))
			continue
		}
		switch {
		case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null":
			out[k.Value] = ""
		case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str":
			out[k.Value] = v.Value
		default:
			hint := ""
			if v.Kind == yaml.ScalarNode {
				hint = fmt.Sprintf(" (quote it: %q)", v.Value)
			}
			res.findings = append(res.findings, loadFinding(posIn(res.file, v), o.Ref,
				"%s: %s %q must be a string, not %s%s", o.Ref, singular, k.Value, describe(v), hint))
		}
	}
	return out
}

// mapValue returns the value of key in mapping n (following aliases), or nil. Were the
// key repeated (dropDuplicateKeys leaves none in a document), the last one would count, as
// in sigs.k8s.io/yaml.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := len(n.Content) - len(n.Content)%2 - 2; i >= 0; i -= 2 {
		if n.Content[i].Kind == yaml.ScalarNode && n.Content[i].Value == key {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

// deref follows an alias to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// describe names the kind of a node's value for messages: "a list", "a number", ….
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!null":
		return "null"
	case "!!str":
		return "a string"
	}
	return "a " + strings.TrimPrefix(n.ShortTag(), "!!")
}

// posIn returns the position of node n in file f.
func posIn(f *manifest.File, n *yaml.Node) manifest.Position {
	p := manifest.Position{File: f.Path}
	if n != nil {
		p.Line, p.Column = f.Position(n.Line, n.Column)
	}
	return p
}

// checkAliases walks a document once and returns the node at fault and a message when its
// aliases form a cycle or expand to more than maxExpandedNodes nodes, and how many nodes
// more than written the aliases make. Sizes of anchored
// nodes are memoized, so the walk is linear in the document.
func checkAliases(root *yaml.Node) (*yaml.Node, string, int) {
	var memo map[*yaml.Node]int // anchored node → expanded size; -1 while being walked
	var bad *yaml.Node
	var msg string
	surplus := 0 // nodes reached through aliases beyond the alias nodes themselves
	var size func(n *yaml.Node) int
	size = func(n *yaml.Node) int {
		if bad != nil {
			return 0
		}
		if n.Kind == yaml.AliasNode {
			t := n.Alias
			if t == nil {
				return 1
			}
			if memo != nil {
				switch s, ok := memo[t]; {
				case ok && s < 0:
					bad, msg = n, fmt.Sprintf("alias *%s refers to a node that contains it: the document is infinite", n.Value)
					return 0
				case ok:
					surplus += s - 1
					return s
				}
			}
			s := size(t)
			surplus += s - 1
			return s
		}
		if n.Anchor != "" {
			if memo == nil {
				memo = map[*yaml.Node]int{}
			}
			if s, ok := memo[n]; ok && s >= 0 {
				return s
			}
			memo[n] = -1
		}
		total := 1
		for _, c := range n.Content {
			total += size(c)
			if total > maxExpandedNodes && memo != nil {
				if bad == nil {
					bad, msg = n, fmt.Sprintf("its aliases expand to more than %d nodes (an alias bomb)", maxExpandedNodes)
				}
				return total
			}
		}
		if n.Anchor != "" {
			memo[n] = total
		}
		return total
	}
	size(root)
	return bad, msg, surplus
}

// templatedManifestError tells a manifest with template placeholders that has a syntax error
// of its own from a template. It is the former when the file is a manifest (an apiVersion at
// the start of a line), its actions only fill in values (none stands on a line of its own,
// where it can shape the YAML around it), and with every action blanked out ({{ x }} as
// xxxxxx, which keeps the positions) it still fails to parse, on a line that holds no action:
// that error is returned.
func templatedManifestError(data []byte) (bool, error) {
	lines := bytes.Split(data, []byte("\n"))
	manifest := false
	for _, l := range lines {
		t := bytes.TrimSpace(l)
		if bytes.HasPrefix(t, []byte("{{")) && bytes.HasSuffix(t, []byte("}}")) {
			return false, nil
		}
		manifest = manifest || bytes.HasPrefix(l, []byte("apiVersion:"))
	}
	if !manifest {
		return false, nil
	}
	blanked := templateActionRE.ReplaceAllFunc(data, func(m []byte) []byte { return bytes.Repeat([]byte("x"), len(m)) })
	dec := yaml.NewDecoder(bytes.NewReader(blanked))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil {
			line, _, _ := yamlErrorPos(err, blanked)
			if line >= 1 && line <= len(lines) && templateActionRE.Match(lines[line-1]) {
				return false, nil
			}
			return true, err
		}
	}
}

// templateActionRE matches a template action within one line.
var templateActionRE = regexp.MustCompile(`\{\{.*?\}\}`)

// parserErrors are the messages of yaml's parser (as opposed to its scanner), whose line
// numbers are 0-based.
var parserErrors = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// yamlErrorPos extracts the position of a yaml parse error from its text (the parser reports
// a line, never a column) and returns it with the message. Errors without a line are placed
// where the offending bytes are, when the message says what they are.
func yamlErrorPos(err error, data []byte) (line, col int, msg string) {
	msg = strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, m, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				line, msg = n, m
			}
		}
	}
	switch {
	case line == 0 && strings.Contains(msg, "control characters"):
		line, col = manifest.LineCol(data, firstControl(data))
		return line, col, msg
	case line == 0 && strings.Contains(msg, "UTF-8"):
		line, col = manifest.LineCol(data, firstInvalidUTF8(data))
		return line, col, msg
	case line == 0 && strings.HasPrefix(msg, "unknown anchor '"):
		name, _, _ := strings.Cut(strings.TrimPrefix(msg, "unknown anchor '"), "'")
		if i := bytes.Index(data, []byte("*"+name)); i >= 0 {
			line, col = manifest.LineCol(data, i)
			return line, col, msg
		}
	}
	if parserErrors[msg] && line > 0 {
		line++
	}
	if line == 0 {
		line = 1
	}
	// The parser counts lines its way (U+2028, U+2029 and NEL end them too), and may name
	// the line after the last at the end of the file.
	line, _ = (&manifest.File{Data: data}).Position(line, 1)
	if _, err := manifest.Offset(data, line, 1); err != nil {
		last, col := manifest.LineCol(data, len(data))
		return last, col, msg
	}
	return line, firstColumn(data, line), msg
}

// firstColumn returns the column of the first non-blank byte of line (1 when blank or past
// the end).
func firstColumn(data []byte, line int) int {
	start, err := manifest.Offset(data, line, 1)
	if err != nil {
		return 1
	}
	for i, c := range data[start:] {
		if c != ' ' && c != '\t' {
			if c == '\n' || c == '\r' {
				return 1
			}
			return i + 1
		}
	}
	return 1
}

// firstControl returns the offset of the first byte YAML does not allow (a C0 control other
// than tab and line breaks, or DEL).
func firstControl(data []byte) int {
	for i, c := range data {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
			return i
		}
	}
	return 0
}

// firstInvalidUTF8 returns the offset of the first byte that is not valid UTF-8.
func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}

// unbraceVariables rewrites every ${…} of data as $(…), of the same length, and reports
// whether there was one.
func unbraceVariables(data []byte) ([]byte, bool) {
	if !bytes.Contains(data, []byte("${")) {
		return nil, false
	}
	out := bytes.Clone(data)
	for i := 0; i+1 < len(out); i++ {
		if out[i] != '$' || out[i+1] != '{' {
			continue
		}
		j := bytes.IndexAny(out[i+2:], "}\n")
		if j < 0 || out[i+2+j] != '}' {
			continue
		}
		out[i+1], out[i+2+j] = '(', ')'
		i += 2 + j
	}
	return out, true
}

// unparseTemplateActions turns a template action written unquoted as a value, which YAML
// reads as a flow mapping in a flow mapping ({{ .name }} is {{.name: null}: null}), back
// into the opaque string it stands for, so that `name: {{ .app_namespace }}` in a template
// kept outside a chart is not reported as a map where a string belongs.
func unparseTemplateActions(n *yaml.Node) {
	for _, c := range n.Content {
		if isTemplateAction(c) {
			inner := c.Content[0]
			c.Kind, c.Style, c.Tag, c.Content = yaml.ScalarNode, 0, "!!str", nil
			c.Value = "{{ " + inner.Content[0].Value + " }}"
			continue
		}
		unparseTemplateActions(c)
	}
}

func isTemplateAction(n *yaml.Node) bool {
	if n.Kind != yaml.MappingNode || n.Style&yaml.FlowStyle == 0 || len(n.Content) != 2 {
		return false
	}
	k, v := n.Content[0], n.Content[1]
	return k.Kind == yaml.MappingNode && k.Style&yaml.FlowStyle != 0 && len(k.Content) == 2 &&
		k.Content[0].Kind == yaml.ScalarNode && k.Content[1].ShortTag() == "!!null" && v.ShortTag() == "!!null"
}
