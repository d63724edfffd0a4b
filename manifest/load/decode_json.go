package load

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ambientkit/ambientkit/manifest"
)

// span is where one node's JSON lies in decoder.buf.
type span struct {
	start, end int
	node       *yaml.Node
}

// errComplexKey is returned by appendJSON for a mapping key that is not a scalar (as an
// unquoted {{ … }} template action parses), which JSON cannot express.
var errComplexKey = errors.New("a map key must be a scalar")

// complexKeyError carries the offending key node.
type complexKeyError struct{ node *yaml.Node }

func (e *complexKeyError) Error() string { return errComplexKey.Error() }
func (e *complexKeyError) Unwrap() error { return errComplexKey }

// decodeTyped decodes o into the Go type newTyped makes, by way of JSON (the Kubernetes and
// Istio types define their JSON form). It returns an AMB001 finding when the object does not
// decode, unless the failure is due to an opaque value (then Typed stays nil quietly).
func (d *decoder) decodeTyped(o *manifest.Object, newTyped func() any) *Problem {
	root := o.Root().YNode()
	v := newTyped()
	spec := protoSpec(v)
	if spec != nil {
		// An Istio spec as the API server reads it (protoSchema): a value it rejects is a
		// finding, a key it drops is left out of the JSON.
		var w protoSchema
		w.message(mapValue(root, "spec"), spec.ProtoReflect().Descriptor(), 0)
		if w.bad != nil && !o.Encrypted {
			path, _ := pathTo(root, w.bad)
			f := loadFinding(posIn(o.File, w.bad), o.Ref, "%s does not decode: %s is %s, want %s", o.Ref, path, describe(w.bad), w.want)
			return &f
		}
		if w.skip != nil {
			d.skip = w.skip
			defer func() { d.skip = nil }()
		}
	}
	d.buf, d.rec, d.count = d.buf[:0], false, 0
	if err := d.appendJSON(root); err != nil {
		var ck *complexKeyError
		if errors.As(err, &ck) {
			if o.Encrypted || hasOpaque(root) || strings.Contains(string(o.File.Data), "{{") {
				return nil
			}
			f := loadFinding(posIn(o.File, ck.node), o.Ref, "%s does not decode: %v", o.Ref, err)
			return &f
		}
		f := loadFinding(o.Pos(), o.Ref, "%s does not decode: %v", o.Ref, err)
		return &f
	}
	var err error
	if spec != nil {
		err = unmarshalProtoObject(d.buf, v, spec)
	} else {
		err = unmarshalK8s(d.buf, v)
	}
	if err == nil {
		o.Typed = v
		return nil
	}
	n, _, what := d.locate(root, err)
	if o.Encrypted || (n != nil && hasOpaque(n)) || (n == nil && hasOpaque(root)) {
		return nil
	}
	pos := o.Pos()
	if n != nil {
		pos = posIn(o.File, n)
		if k := keyOf(root, n); k != nil && n.Kind != yaml.ScalarNode && n.Style&yaml.FlowStyle == 0 {
			pos = posIn(o.File, k) // a block map or list starts on the line after its key
		}
	}
	f := loadFinding(pos, o.Ref, "%s does not decode: %s", o.Ref, what)
	return &f
}

// locate finds the node that a JSON decoding error is about, and describes the error.
// precise is false when the error does not say exactly where it is: the node is then the
// deepest one the error's field path reaches, or nil.
func (d *decoder) locate(root *yaml.Node, err error) (n *yaml.Node, precise bool, msg string) {
	var pe *protoError
	if errors.As(err, &pe) {
		return d.locateProto(root, pe)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		d.buf, d.spans, d.rec, d.count = d.buf[:0], d.spans[:0], true, 0
		_ = d.appendJSON(root) // the same JSON again, now with spans
		d.rec = false
		fields := strings.Split(te.Field, ".")
		last := fields[len(fields)-1]
		got := valueWord(te.Value)
		want := typeWord(te.Type)
		// The offset is where the decoder stopped: just past a scalar, or just inside a
		// list or map.
		var best *span
		for i := range d.spans {
			s := &d.spans[i]
			if (s.end == int(te.Offset) || s.start+1 == int(te.Offset)) && (best == nil || s.end-s.start < best.end-best.start) {
				best = s
			}
		}
		if best != nil && jsonKind(best.node) == te.Value {
			if path, key := pathTo(root, best.node); key == last {
				return best.node, true, fmt.Sprintf("%s is %s, want %s", path, got, want)
			}
		}
		// A type error from inside a custom decoder (the Istio specs) has offsets relative
		// to that value, and a field path that stops at it: walk the path as far as it goes.
		n, path := walkFields(root, fields, te.Value)
		// A map of strings (labels and annotations of a pod template, a ConfigMap's data)
		// that holds another scalar: the error names the map; point at the value.
		if n != nil && deref(n).Kind == yaml.MappingNode && jsonKind(n) != te.Value {
			m := deref(n)
			for i := 0; i+1 < len(m.Content); i += 2 {
				if v := deref(m.Content[i+1]); v.Kind == yaml.ScalarNode && jsonKind(v) == te.Value {
					hint := ""
					if te.Type != nil && te.Type.Kind() == reflect.String {
						hint = fmt.Sprintf(" (quote it: %q)", v.Value)
					}
					key := "." + m.Content[i].Value
					if strings.ContainsAny(key[1:], ".[]\" ") {
						key = "[" + strconv.Quote(m.Content[i].Value) + "]"
					}
					return v, true, fmt.Sprintf("%s%s is %s, want %s%s", path, key, got, want, hint)
				}
			}
		}
		switch {
		case n != nil && jsonKind(n) == te.Value:
			return n, true, fmt.Sprintf("%s is %s, want %s", path, got, want)
		case n != nil:
			return n, false, fmt.Sprintf("%s holds %s where %s belongs", path, got, want)
		}
		return nil, false, fmt.Sprintf("%s where %s belongs", got, want)
	}
	msg = err.Error()
	// Enum and similar errors quote the offending value: find it.
	if i := strings.IndexByte(msg, '"'); i >= 0 {
		if q, qerr := strconv.QuotedPrefix(msg[i:]); qerr == nil {
			v, _ := strconv.Unquote(q)
			if u, uerr := strconv.Unquote(v); uerr == nil {
				v = u // protobuf quotes the JSON text of the value
				msg = strings.Replace(msg, q, strconv.Quote(v), 1)
			}
			if n := findScalar(root, v); n != nil && v != "" {
				path, _ := pathTo(root, n)
				return n, true, fmt.Sprintf("%s: %s", path, msg)
			}
		}
	}
	return nil, false, msg
}

// lenientProto decodes Istio specs that have fields the API does not define: the generated
// UnmarshalJSON methods of the Istio types ignore them, so ambientlint does too. It is only
// the fallback, since it also ignores enum values the API does not define, which the
// cluster rejects.
var lenientProto = protojson.UnmarshalOptions{DiscardUnknown: true}

// protoError is an error of protojson decoding an object's spec.
type protoError struct{ err error }

func (e *protoError) Error() string { return e.err.Error() }
func (e *protoError) Unwrap() error { return e.err }

// protoSpec returns the Spec field of an Istio client-go object (a protobuf message), or nil
// for other types.
func protoSpec(v any) proto.Message {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return nil
	}
	f := rv.Elem().FieldByName("Spec")
	if !f.IsValid() || !f.CanAddr() {
		return nil
	}
	m, _ := f.Addr().Interface().(proto.Message)
	return m
}

// unmarshalK8s decodes data into v as the API server does (apimachinery's serializer, with
// sigs.k8s.io/json): a key must match a field's JSON name case-sensitively, else it is an
// unknown field and dropped (spec: is a Deployment's spec, Spec: is not), and a number
// decoded into an interface value stays an integer when it is one. That package's errors
// are of its own types, so on an error v is decoded again with encoding/json, whose errors
// say where the problem is (locate); its error is returned when it finds one.
func unmarshalK8s(data []byte, v any) error {
	err := kjson.UnmarshalCaseSensitivePreserveInts(data, v)
	if err == nil {
		return nil
	}
	if e := json.Unmarshal(data, reflect.New(reflect.TypeOf(v).Elem()).Interface()); e != nil {
		return e
	}
	return err
}

// protoSchema reads an Istio spec's nodes against its message type as the API server reads
// them against the Istio CRDs' schemas, which protojson does not. The schemas name each field
// by its JSON name only, so a key that names one by its protobuf name (export_to for
// exportTo) is an unknown field, which the API server drops (skip): protojson, like Istio's
// own JSON decoding, takes both names. And they type numbers as integers or numbers and enums
// as strings, so a number written as a string (number: "443") or an enum written as a number
// (action: 1) makes the API server reject the object (bad, want): protojson takes both.
type protoSchema struct {
	skip map[*yaml.Node]bool
	bad  *yaml.Node
	want string
}

// message reads the mapping n as a message md.
func (w *protoSchema) message(n *yaml.Node, md protoreflect.MessageDescriptor, depth int) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode || depth > maxProtoDepth || strings.HasPrefix(string(md.FullName()), "google.protobuf.") {
		return // not a message, or a well-known type, whose JSON form is its own
	}
	fields := md.Fields()
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.ShortTag() == "!!merge" {
			merged := deref(v)
			if merged != nil && merged.Kind == yaml.SequenceNode {
				for _, m := range merged.Content {
					w.message(m, md, depth+1)
				}
			} else {
				w.message(merged, md, depth+1)
			}
			continue
		}
		kk := deref(k)
		if kk == nil || kk.Kind != yaml.ScalarNode {
			continue
		}
		fd := fields.ByJSONName(kk.Value)
		if fd == nil {
			if fd = fields.ByTextName(kk.Value); fd != nil && fd.JSONName() != kk.Value {
				if w.skip == nil {
					w.skip = map[*yaml.Node]bool{}
				}
				w.skip[k] = true
			}
			continue
		}
		v = deref(v)
		switch {
		case v == nil:
		case fd.IsMap():
			if v.Kind == yaml.MappingNode {
				for j := 1; j < len(v.Content); j += 2 {
					w.value(v.Content[j], fd.MapValue(), depth+1)
				}
			}
		case fd.IsList():
			if v.Kind == yaml.SequenceNode {
				for _, item := range v.Content {
					w.value(item, fd, depth+1)
				}
			}
		default:
			w.value(v, fd, depth+1)
		}
	}
}

// value reads v as one value of the field fd (an item, for a list).
func (w *protoSchema) value(v *yaml.Node, fd protoreflect.FieldDescriptor, depth int) {
	v = deref(v)
	if v == nil {
		return
	}
	kind := fd.Kind()
	if md := fd.Message(); md != nil {
		wrapped, ok := numberWrappers[md.FullName()]
		if !ok {
			w.message(v, md, depth)
			return
		}
		kind = wrapped // google.protobuf.UInt32Value and the like: a number, or null
	}
	if w.bad != nil || v.Kind != yaml.ScalarNode || manifest.IsOpaque(v.Value) {
		return
	}
	// Only what protojson takes: a value it rejects is reported with its own error.
	switch tag := v.ShortTag(); {
	case kind == protoreflect.EnumKind && tag == "!!int":
		w.bad, w.want = v, "a string ("+enumNames(fd.Enum())+")"
	case numberKinds[kind] && tag == "!!str" && numberText(v.Value):
		w.bad, w.want = v, "a number ("+kind.String()+")"
	}
}

// numberText reports whether protojson takes s, a JSON string, as a number.
func numberText(s string) bool {
	switch s {
	case "Infinity", "-Infinity", "NaN":
		return true
	}
	return s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') && json.Valid([]byte(s))
}

// numberKinds are the protobuf kinds that the Istio CRDs' schemas type as integer or number.
var numberKinds = map[protoreflect.Kind]bool{
	protoreflect.Int32Kind: true, protoreflect.Sint32Kind: true, protoreflect.Uint32Kind: true,
	protoreflect.Int64Kind: true, protoreflect.Sint64Kind: true, protoreflect.Uint64Kind: true,
	protoreflect.Sfixed32Kind: true, protoreflect.Fixed32Kind: true, protoreflect.Sfixed64Kind: true,
	protoreflect.Fixed64Kind: true, protoreflect.FloatKind: true, protoreflect.DoubleKind: true,
}

// numberWrappers are the well-known wrapper messages of numbers, with the kind they wrap.
var numberWrappers = map[protoreflect.FullName]protoreflect.Kind{
	"google.protobuf.Int32Value": protoreflect.Int32Kind, "google.protobuf.UInt32Value": protoreflect.Uint32Kind,
	"google.protobuf.Int64Value": protoreflect.Int64Kind, "google.protobuf.UInt64Value": protoreflect.Uint64Kind,
	"google.protobuf.FloatValue": protoreflect.FloatKind, "google.protobuf.DoubleValue": protoreflect.DoubleKind,
}

// enumNames lists an enum's value names, as the schema's enum does.
func enumNames(ed protoreflect.EnumDescriptor) string {
	values := ed.Values()
	names := make([]string, values.Len())
	for i := range names {
		names[i] = string(values.Get(i).Name())
	}
	return "one of " + strings.Join(names, ", ")
}

// maxProtoDepth bounds protoSchema's walk, as a guard against nodes nested without end.
const maxProtoDepth = 100

// unmarshalProtoObject decodes an Istio object: its metadata as unmarshalK8s does, its spec
// with protojson. The generated UnmarshalJSON methods of the Istio types go through the
// deprecated jsonpb package, an order of magnitude slower, and their errors do not say
// where the problem is; protojson's do.
func unmarshalProtoObject(data []byte, v any, spec proto.Message) error {
	var shell struct {
		metav1.TypeMeta `json:",inline"`
		Metadata        metav1.ObjectMeta `json:"metadata"`
		Spec            json.RawMessage   `json:"spec"`
	}
	if err := unmarshalK8s(data, &shell); err != nil {
		return err
	}
	rv := reflect.ValueOf(v).Elem()
	if f := rv.FieldByName("TypeMeta"); f.IsValid() {
		f.Set(reflect.ValueOf(shell.TypeMeta))
	}
	if f := rv.FieldByName("ObjectMeta"); f.IsValid() {
		f.Set(reflect.ValueOf(shell.Metadata))
	}
	if len(shell.Spec) == 0 || string(shell.Spec) == "null" {
		return nil
	}
	err := protojson.Unmarshal(shell.Spec, spec)
	if err != nil && strings.Contains(err.Error(), "unknown field") {
		proto.Reset(spec)
		err = lenientProto.Unmarshal(shell.Spec, spec)
	}
	if err != nil {
		return &protoError{err}
	}
	return nil
}

// protoPosRE finds the position protojson gives in its errors, "(line 1:45): ".
var protoPosRE = regexp.MustCompile(`\(line (\d+):(\d+)\):? ?`)

// locateProto finds the node a protojson error is about from the column it names: the spec's
// JSON is one line of buf.
func (d *decoder) locateProto(root *yaml.Node, pe *protoError) (*yaml.Node, bool, string) {
	// The protobuf module prefixes "proto:" and a space or, at random, a no-break space, so
	// that no one relies on its error text; only the position and the reason are kept.
	msg := strings.TrimLeft(strings.TrimPrefix(pe.err.Error(), "proto:"), " \u00a0")
	m := protoPosRE.FindStringSubmatchIndex(msg)
	var col int
	if m != nil {
		col, _ = strconv.Atoi(msg[m[4]:m[5]])
		msg = msg[:m[0]] + msg[m[1]:]
	}
	msg = strings.TrimPrefix(msg, "syntax error ")
	spec := mapValue(root, "spec")
	if spec == nil {
		return nil, false, msg
	}
	d.buf, d.spans, d.rec, d.count = d.buf[:0], d.spans[:0], true, 0
	_ = d.appendJSON(root)
	d.rec = false
	specStart := -1
	for _, s := range d.spans {
		if s.node == spec {
			specStart = s.start
		}
	}
	if specStart < 0 || col < 1 {
		return spec, false, "spec: " + msg
	}
	// The column counts runes; turn it into a byte offset.
	off := specStart
	for r := 1; r < col && off < len(d.buf); r++ {
		_, size := utf8.DecodeRune(d.buf[off:])
		off += size
	}
	var best *span
	for i := range d.spans {
		s := &d.spans[i]
		if s.start == off && (best == nil || s.end-s.start < best.end-best.start) {
			best = s
		}
	}
	if best == nil {
		return spec, false, "spec: " + msg
	}
	path, _ := pathTo(root, best.node)
	return best.node, true, path + ": " + msg
}

// appendJSON appends the JSON form of n to d.buf, as Kubernetes reads YAML: YAML 1.2 core
// schema scalars, merge keys, aliases expanded (checkAliases has bounded them).
func (d *decoder) appendJSON(n *yaml.Node) error {
	d.count++
	if d.count > maxExpandedNodes {
		return fmt.Errorf("more than %d nodes", maxExpandedNodes)
	}
	start := len(d.buf)
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			d.buf = append(d.buf, "null"...)
			break
		}
		return d.appendJSON(n.Content[0])
	case yaml.AliasNode:
		if n.Alias == nil {
			return fmt.Errorf("alias *%s names no anchor", n.Value)
		}
		if err := d.appendJSON(n.Alias); err != nil {
			return err
		}
	case yaml.ScalarNode:
		d.appendScalar(n)
	case yaml.SequenceNode:
		d.buf = append(d.buf, '[')
		for i, c := range n.Content {
			if i > 0 {
				d.buf = append(d.buf, ',')
			}
			if err := d.appendJSON(c); err != nil {
				return err
			}
		}
		d.buf = append(d.buf, ']')
	case yaml.MappingNode:
		d.buf = append(d.buf, '{')
		first := true
		// Merged entries go first: a later duplicate key wins in JSON decoding, so the
		// mapping's own keys override them, and earlier merge sources override later ones.
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].ShortTag() == "!!merge" {
				if err := d.appendMerge(n.Content[i+1], &first); err != nil {
					return err
				}
			}
		}
		if err := d.appendPairs(n, &first); err != nil {
			return err
		}
		d.buf = append(d.buf, '}')
	default:
		d.buf = append(d.buf, "null"...)
	}
	if d.rec {
		d.spans = append(d.spans, span{start, len(d.buf), n})
	}
	return nil
}

// appendPairs appends the entries of mapping n, merge keys excepted, to an open JSON object.
func (d *decoder) appendPairs(n *yaml.Node, first *bool) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.ShortTag() == "!!merge" {
			continue
		}
		if d.skip[k] {
			continue
		}
		kk := deref(k)
		if kk.Kind != yaml.ScalarNode {
			return &complexKeyError{k}
		}
		if !*first {
			d.buf = append(d.buf, ',')
		}
		*first = false
		d.buf = appendJSONString(d.buf, kk.Value)
		d.buf = append(d.buf, ':')
		if err := d.appendJSON(v); err != nil {
			return err
		}
	}
	return nil
}

// appendMerge appends the entries a merge key's value brings: a map, or a list of maps of
// which the first wins.
func (d *decoder) appendMerge(v *yaml.Node, first *bool) error {
	v = deref(v)
	switch v.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(v.Content); i += 2 {
			if v.Content[i].ShortTag() == "!!merge" {
				if err := d.appendMerge(v.Content[i+1], first); err != nil {
					return err
				}
			}
		}
		return d.appendPairs(v, first)
	case yaml.SequenceNode:
		for _, c := range slices.Backward(v.Content) {
			if err := d.appendMerge(c, first); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("line %d: a merge key (<<) needs a map or a list of maps", v.Line)
}

// scalarKind is what a scalar is in JSON.
type scalarKind int

const (
	scalarString scalarKind = iota
	scalarNull
	scalarTrue
	scalarFalse
	scalarNumber
)

// resolveScalar reads the scalar node n by its resolved YAML 1.2 core schema tag, as
// Kubernetes reads YAML; for a number it appends its JSON text (integers in decimal, floats
// as Go formats them) to num and returns it. A number JSON cannot hold (an overflowing
// integer, an infinite float) is a string.
func resolveScalar(n *yaml.Node, num []byte) (scalarKind, []byte) {
	v := n.Value
	switch n.ShortTag() {
	case "!!null":
		return scalarNull, num
	case "!!bool":
		if strings.EqualFold(v, "true") {
			return scalarTrue, num
		}
		return scalarFalse, num
	case "!!int":
		if isDecimal(v) {
			return scalarNumber, append(num, v...)
		}
		c := strings.ReplaceAll(v, "_", "")
		if i, err := strconv.ParseInt(c, 0, 64); err == nil {
			return scalarNumber, strconv.AppendInt(num, i, 10)
		}
		if u, err := strconv.ParseUint(c, 0, 64); err == nil {
			return scalarNumber, strconv.AppendUint(num, u, 10)
		}
	case "!!float":
		if f, err := strconv.ParseFloat(strings.ReplaceAll(v, "_", ""), 64); err == nil && !isInfNaN(f) {
			return scalarNumber, strconv.AppendFloat(num, f, 'g', -1, 64)
		}
	}
	return scalarString, num
}

// appendScalar appends a scalar as JSON according to its resolved tag.
func (d *decoder) appendScalar(n *yaml.Node) {
	kind, num := resolveScalar(n, d.buf)
	switch kind {
	case scalarNull:
		d.buf = append(d.buf, "null"...)
	case scalarTrue:
		d.buf = append(d.buf, "true"...)
	case scalarFalse:
		d.buf = append(d.buf, "false"...)
	case scalarNumber:
		d.buf = num
	default:
		d.buf = appendJSONString(d.buf, n.Value)
	}
}

// validUTF8 returns s with each byte that is not UTF-8 replaced by U+FFFD, as
// appendJSONString writes it.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func isInfNaN(f float64) bool {
	return f != f || f > 1.7976931348623157e308 || f < -1.7976931348623157e308
}

// isDecimal reports whether s is an optionally signed decimal integer without leading
// zeros, which JSON takes as it is.
func isDecimal(s string) bool {
	if s != "" && s[0] == '-' {
		s = s[1:]
	}
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonKind names the JSON type of a node's value as encoding/json's type errors do.
func jsonKind(n *yaml.Node) string {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "object"
	case yaml.SequenceNode:
		return "array"
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		return "number"
	case "!!bool":
		return "bool"
	case "!!null":
		return "null"
	}
	return "string"
}

// valueWord names a JSON value kind ("string", "array", …) as YAML authors know it.
func valueWord(v string) string {
	switch v {
	case "array":
		return "a list"
	case "object":
		return "a map"
	case "bool":
		return "a boolean"
	case "null":
		return "null"
	}
	return "a " + v
}

// typeWord names what a Go type accepts, e.g. "a number (int32)", "a map (v1.ServiceSpec)".
func typeWord(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	var w string
	switch t.Kind() {
	case reflect.String:
		w = "a string"
	case reflect.Bool:
		w = "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		w = "a number"
	case reflect.Slice, reflect.Array:
		w = "a list"
	case reflect.Map, reflect.Struct, reflect.Pointer:
		w = "a map"
	default:
		return t.String()
	}
	return w + " (" + t.String() + ")"
}

// walkFields follows a type error's dotted field path from root. Lists are not named in the
// path, so at a list it takes the first item where the rest of the path leads to a value of
// the kind the error names. It returns the deepest node reached and its path.
func walkFields(root *yaml.Node, fields []string, kind string) (*yaml.Node, string) {
	var best *yaml.Node
	var bestPath string
	var walk func(n *yaml.Node, fields []string, path string) bool
	walk = func(n *yaml.Node, fields []string, path string) bool {
		n = deref(n)
		if n.Kind == yaml.SequenceNode {
			for i, c := range n.Content {
				if walk(c, fields, fmt.Sprintf("%s[%d]", path, i)) {
					return true
				}
			}
			return false
		}
		if best == nil || len(path) > len(bestPath) {
			best, bestPath = n, path
		}
		if len(fields) == 0 {
			return jsonKind(n) == kind
		}
		v := mapValue(n, fields[0])
		if v == nil {
			return false
		}
		p := fields[0]
		if path != "" {
			p = path + "." + fields[0]
		}
		return walk(v, fields[1:], p)
	}
	if walk(root, fields, "") {
		return best, bestPath
	}
	if best == root {
		return nil, ""
	}
	return best, bestPath
}

// pathTo returns the path from root to target ("spec.ports[1].port") and the map key under
// which target sits ("" in a list).
func pathTo(root, target *yaml.Node) (string, string) {
	var path []string
	var key string
	var find func(n *yaml.Node, depth int) bool
	find = func(n *yaml.Node, depth int) bool {
		if n == target {
			return true
		}
		if depth > 64 {
			return false
		}
		n = deref(n)
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if find(n.Content[i+1], depth+1) {
					path = append(path, "."+n.Content[i].Value)
					if key == "" && len(path) == 1 {
						key = n.Content[i].Value
					}
					return true
				}
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				if find(c, depth+1) {
					path = append(path, fmt.Sprintf("[%d]", i))
					return true
				}
			}
		}
		return false
	}
	if !find(root, 0) {
		return "", ""
	}
	slices.Reverse(path)
	return strings.TrimPrefix(strings.Join(path, ""), "."), key
}

// keyOf returns the key node of the map entry whose value is target, or nil.
func keyOf(root, target *yaml.Node) *yaml.Node {
	var key *yaml.Node
	var find func(n *yaml.Node, depth int) bool
	find = func(n *yaml.Node, depth int) bool {
		if depth > 64 {
			return false
		}
		n = deref(n)
		for i, c := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 1 && c == target {
				key = n.Content[i-1]
				return true
			}
			if find(c, depth+1) {
				return true
			}
		}
		return false
	}
	find(root, 0)
	return key
}

// findScalar returns the first scalar below n whose value is v, or nil.
func findScalar(n *yaml.Node, v string) *yaml.Node {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Value == v {
			return n
		}
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			if r := findScalar(n.Content[i], v); r != nil {
				return r
			}
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for _, c := range n.Content {
			if r := findScalar(c, v); r != nil {
				return r
			}
		}
	}
	return nil
}

// hasOpaque reports whether a scalar below n (n included) is opaque (see IsOpaque).
func hasOpaque(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.ScalarNode:
		return manifest.IsOpaque(n.Value)
	case yaml.AliasNode:
		return false // the anchored node is checked where it is defined
	}
	for _, c := range n.Content {
		if hasOpaque(c) {
			return true
		}
	}
	return false
}

// Scalar returns the value of the scalar node n as Kubernetes reads it (the JSON the typed
// decoding sees): nil, a bool, a json.Number (integers in decimal, floats as Go formats them)
// or a string, by n's resolved YAML 1.2 core schema tag.
func Scalar(n *yaml.Node) any {
	switch kind, num := resolveScalar(n, nil); kind {
	case scalarNull:
		return nil
	case scalarTrue:
		return true
	case scalarFalse:
		return false
	case scalarNumber:
		return json.Number(num)
	}
	return validUTF8(n.Value)
}

// AppendJSON appends the JSON form of the YAML node n to dst, as Kubernetes reads YAML (the
// same conversion the typed decoding uses): YAML 1.2 core schema scalars, merge keys applied,
// aliases expanded, at most a million nodes.
func AppendJSON(dst []byte, n *yaml.Node) ([]byte, error) {
	d := decoder{buf: dst}
	if err := d.appendJSON(n); err != nil {
		return dst, err
	}
	return d.buf, nil
}
