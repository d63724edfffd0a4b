package ambient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// WriteYAML writes objs to w as YAML a person would commit to a GitOps repository, one
// document per object, separated by "---".
//
// Each document carries apiVersion and kind, taken from the object's TypeMeta when it is set
// and otherwise from the Go type and its API package: every kind of k8s.io/api, of Istio's
// client-go and of Gateway API comes out as its clientset's scheme registers it; any other
// type must set its TypeMeta. Objects are marshalled with their own JSON
// marshalling (Istio specs through the protobuf JSON marshaller istio.io/client-go uses),
// then the noise that Go zero values produce is dropped: null fields, empty status, empty
// metadata, `resources: {}`, `strategy: {}` and an empty spec (except on an
// AuthorizationPolicy, where `spec: {}` is the documented deny-all policy). A ServiceEntry
// always states its location and resolution, even when they are protobuf defaults, because
// readers (and the linter's rules) care where the service lives and how it resolves.
//
// Keys come in a fixed order: apiVersion, kind, metadata, spec, the remaining fields, then
// status; inside metadata: name, generateName, namespace, labels, annotations; inside specs,
// the order the field declarations give, with the orders Istio's and Kubernetes' own
// documentation use for Service and ServiceEntry. Map keys (labels, selectors) are sorted.
// Sequences are indented under their key and the indentation is two spaces.
//
// WriteYAML writes nothing when one object fails; the error names the object.
func WriteYAML(w io.Writer, objs ...runtime.Object) error {
	if len(objs) == 0 {
		return nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	for i, obj := range objs {
		doc, err := objectNode(obj)
		if err != nil {
			return fmt.Errorf("write YAML: object %d (%s): %w", i+1, describe(obj), err)
		}
		if err := enc.Encode(doc); err != nil {
			return fmt.Errorf("write YAML: object %d (%s): %w", i+1, describe(obj), err)
		}
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write YAML: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write YAML: %w", err)
	}
	return nil
}

// isNil reports whether obj is nil or a nil pointer, which json.Marshal would write as null.
func isNil(obj runtime.Object) bool {
	if obj == nil {
		return true
	}
	v := reflect.ValueOf(obj)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// describe names obj for error messages: its kind (or Go type) and namespace/name.
func describe(obj runtime.Object) string {
	if isNil(obj) {
		return "nil"
	}
	kind := obj.GetObjectKind().GroupVersionKind().Kind
	if kind == "" {
		kind = reflect.Indirect(reflect.ValueOf(obj)).Type().Name()
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return kind
	}
	switch {
	case m.GetName() == "":
		return kind + " without a name"
	case m.GetNamespace() == "":
		return fmt.Sprintf("%s %q", kind, m.GetName())
	default:
		return fmt.Sprintf("%s %q", kind, m.GetNamespace()+"/"+m.GetName())
	}
}

// kindOf returns obj's apiVersion and kind: its TypeMeta when set, else what its Go type's
// package says (see typeKind).
func kindOf(obj runtime.Object) (schema.GroupVersionKind, error) {
	set := obj.GetObjectKind().GroupVersionKind()
	if set.Kind != "" && set.Version != "" {
		return set, nil
	}
	if gvk, ok := typeKind(obj); ok {
		return gvk, nil
	}
	return schema.GroupVersionKind{}, fmt.Errorf("cannot tell its apiVersion and kind: set its TypeMeta (%T is not a type of k8s.io/api, Istio's client-go or Gateway API)", obj)
}

// objectNode turns obj into the YAML document WriteYAML writes.
func objectNode(obj runtime.Object) (*yaml.Node, error) {
	if isNil(obj) {
		return nil, errors.New("object is nil")
	}
	gvk, err := kindOf(obj)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("marshal to JSON: %w", err)
	}
	tree, err := decodeOrdered(raw)
	if err != nil {
		return nil, fmt.Errorf("read back its JSON: %w", err)
	}
	root, ok := tree.(*object)
	if !ok {
		return nil, fmt.Errorf("its JSON is not an object but %s", raw)
	}
	_, isUnstructured := obj.(runtime.Unstructured)
	root.set("apiVersion", gvk.GroupVersion().String())
	root.set("kind", gvk.Kind)
	tidy(root, gvk.GroupKind(), !isUnstructured)
	order(root, gvk.GroupKind(), nil)
	return toNode(root), nil
}

// object is a JSON object that remembers the order of its keys.
type object struct {
	keys []string
	vals map[string]any
}

func (o *object) get(k string) (any, bool) {
	v, ok := o.vals[k]
	return v, ok
}

func (o *object) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func (o *object) del(k string) {
	if _, ok := o.vals[k]; !ok {
		return
	}
	delete(o.vals, k)
	o.keys = slices.DeleteFunc(o.keys, func(s string) bool { return s == k })
}

// decodeOrdered decodes JSON into *object, []any, string, json.Number, bool and nil values,
// keeping the key order the marshaller chose: for Go structs and protobuf messages that is
// the order of the field declarations, which is the order their authors document them in.
func decodeOrdered(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &object{vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key %v is not a string", kt)
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o.set(k, v)
			}
			if _, err := dec.Token(); err != nil { // '}'
				return nil, err
			}
			return o, nil
		case '[':
			list := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			if _, err := dec.Token(); err != nil { // ']'
				return nil, err
			}
			return list, nil
		}
		return nil, fmt.Errorf("unexpected delimiter %v", t)
	default:
		return t, nil
	}
}

// noiseWhenEmpty are fields that Go zero values write as `{}` although an empty value means
// the same as no value: a person would not commit them.
var noiseWhenEmpty = map[string]bool{
	"metadata":       true,
	"resources":      true,
	"strategy":       true,
	"updateStrategy": true,
}

// explicitDefaults are fields written even when protobuf JSON omits them as defaults.
var explicitDefaults = map[schema.GroupKind][]struct{ key, value string }{
	{Group: "networking.istio.io", Kind: "ServiceEntry"}: {
		{"location", "MESH_EXTERNAL"},
		{"resolution", "NONE"},
	},
}

// tidy drops the noise described in WriteYAML from the object root of kind gk. dropNulls
// is false for unstructured objects, whose nulls someone wrote on purpose.
func tidy(root *object, gk schema.GroupKind, dropNulls bool) {
	if st, ok := root.get("status"); ok && isEmpty(st) {
		root.del("status")
	}
	spec, hasSpec := root.get("spec")
	if defaults := explicitDefaults[gk]; defaults != nil {
		s, ok := spec.(*object)
		if !hasSpec || !ok {
			s = &object{vals: map[string]any{}}
			root.set("spec", s)
		}
		for _, d := range defaults {
			if _, ok := s.get(d.key); !ok {
				s.set(d.key, d.value)
			}
		}
	}
	prune(root, dropNulls)
	if spec, ok := root.get("spec"); ok && isEmpty(spec) &&
		gk != (schema.GroupKind{Group: "security.istio.io", Kind: "AuthorizationPolicy"}) {
		root.del("spec")
	}
}

// prune removes null fields (when dropNulls), `creationTimestamp: null` and empty noise
// fields from v and everything below it.
func prune(v any, dropNulls bool) {
	switch t := v.(type) {
	case *object:
		for _, k := range slices.Clone(t.keys) {
			val := t.vals[k]
			prune(val, dropNulls)
			switch {
			case val == nil && (dropNulls || k == "creationTimestamp"):
				t.del(k)
			case noiseWhenEmpty[k] && isEmptyObject(val):
				t.del(k)
			}
		}
	case []any:
		for _, e := range t {
			prune(e, dropNulls)
		}
	}
}

func isEmptyObject(v any) bool {
	o, ok := v.(*object)
	return ok && len(o.keys) == 0
}

// isEmpty reports whether v holds no information: null, or objects and lists that hold only
// empty values.
func isEmpty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case *object:
		for _, k := range t.keys {
			if !isEmpty(t.vals[k]) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range t {
			if !isEmpty(e) {
				return false
			}
		}
		return true
	}
	return false
}

// Key orders. A listed key comes before unlisted ones, in list order; unlisted keys keep the
// marshaller's order; keys in lastKeys come at the very end.
var (
	topKeys      = []string{"apiVersion", "kind", "metadata", "spec"}
	lastKeys     = []string{"status"}
	metadataKeys = []string{"name", "generateName", "namespace", "labels", "annotations"}

	// specKeys gives, per kind, the key order inside the spec and the objects below it.
	// Paths use "*" for the elements of a list. The orders are the ones the Kubernetes,
	// Gateway API and Istio documentation write these objects in.
	specKeys = map[schema.GroupKind]map[string][]string{
		{Kind: "Service"}: {
			"spec":         {"selector", "ports"},
			"spec.ports.*": {"name", "port", "targetPort"},
		},
		{Group: "networking.istio.io", Kind: "ServiceEntry"}: {
			"spec": {"hosts", "addresses", "location", "ports", "resolution", "endpoints",
				"workloadSelector", "exportTo", "subjectAltNames"},
			"spec.ports.*": {"number", "name", "protocol", "targetPort"},
		},
		{Group: "gateway.networking.k8s.io", Kind: "Gateway"}: {
			"spec":             {"gatewayClassName", "listeners"},
			"spec.listeners.*": {"name", "hostname", "port", "protocol", "tls", "allowedRoutes"},
		},
	}
)

// order sorts the keys of v, found at path inside an object of kind gk, recursively.
func order(v any, gk schema.GroupKind, path []string) {
	switch t := v.(type) {
	case *object:
		var first, last []string
		switch {
		case len(path) == 0:
			first, last = topKeys, lastKeys
		case path[len(path)-1] == "metadata":
			first = metadataKeys
		default:
			first = specKeys[gk][joinPath(path)]
		}
		t.keys = orderKeys(t.keys, first, last)
		for _, k := range t.keys {
			order(t.vals[k], gk, append(slices.Clip(path), k))
		}
	case []any:
		for _, e := range t {
			order(e, gk, append(slices.Clip(path), "*"))
		}
	}
}

func joinPath(path []string) string {
	var b bytes.Buffer
	for i, p := range path {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// orderKeys returns keys with those in first at the front (in first's order), those in last
// at the back, and the rest in between in their original order.
func orderKeys(keys, first, last []string) []string {
	rank := func(k string) int {
		if i := slices.Index(first, k); i >= 0 {
			return i - len(first)
		}
		if i := slices.Index(last, k); i >= 0 {
			return 1 + i
		}
		return 0
	}
	out := slices.Clone(keys)
	slices.SortStableFunc(out, func(a, b string) int { return rank(a) - rank(b) })
	return out
}

// toNode converts a decoded JSON value into a YAML node.
func toNode(v any) *yaml.Node {
	switch t := v.(type) {
	case *object:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, k := range t.keys {
			n.Content = append(n.Content, stringNode(k), toNode(t.vals[k]))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, e := range t {
			n.Content = append(n.Content, toNode(e))
		}
		return n
	case string:
		return stringNode(t)
	case json.Number:
		tag := "!!float"
		if _, err := strconv.ParseInt(t.String(), 10, 64); err == nil {
			tag = "!!int"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: t.String()}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}
	default:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
}

// stringNode returns a string scalar quoted the way the YAML encoder quotes Go strings: plain
// unless a YAML 1.1 or 1.2 reader would take it for something else ("on", "yes", "0755",
// "1:20", "true"). kubectl reads YAML 1.1, so quoting only for YAML 1.2 is not enough.
func stringNode(s string) *yaml.Node {
	var n yaml.Node
	if err := n.Encode(s); err != nil || n.Kind != yaml.ScalarNode {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.DoubleQuotedStyle}
	}
	return &n
}
