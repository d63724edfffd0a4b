package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestAppendJSONReadsYAMLAsKubernetesDoes(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"scalars keep their resolved types", `{s: x, i: 42, neg: -7, f: 1.5, b: true, B: False, n: null, t: ~, q: "42"}`,
			`{"s":"x","i":42,"neg":-7,"f":1.5,"b":true,"B":false,"n":null,"t":null,"q":"42"}`},
		{"integers in other bases become decimal", `{h: 0x1F, o: 0o17, u: 1_000}`, `{"h":31,"o":15,"u":1000}`},
		{"infinity is not a JSON number", `{x: .inf}`, `{"x":".inf"}`},
		{"strings are escaped", "{s: \"a\\\"b\\\\c\\n\\td\\u0001é\"}", `{"s":"a\"b\\c\n\td\u0001é"}`},
		{"keys that YAML types are strings in JSON", `{80: http, true: yes}`, `{"80":"http","true":"yes"}`},
		{"aliases are expanded", "a: &x {k: v}\nb: *x\n", `{"a":{"k":"v"},"b":{"k":"v"}}`},
		{"merge keys give way to the map's own keys, and earlier sources win", "base: &b {x: 1, y: 1}\nover: &o {y: 2, z: 2}\nm:\n  <<: [*o, *b]\n  z: 3\n",
			`{"base":{"x":1,"y":1},"over":{"y":2,"z":2},"m":{"x":1,"y":1,"y":2,"z":2,"z":3}}`},
		{"timestamps stay strings", `{t: 2024-01-02}`, `{"t":"2024-01-02"}`},
		{"lists", `[1, [a], {}]`, `[1,["a"],{}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(tt.in), &n); err != nil {
				t.Fatal(err)
			}
			var d decoder
			if err := d.appendJSON(&n); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(d.buf)); diff != "" {
				t.Errorf("JSON (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAppendJSONRejectsComplexKeys(t *testing.T) {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte("x: {{ .Values.y }}\n"), &n); err != nil {
		t.Fatal(err)
	}
	var d decoder
	if err := d.appendJSON(&n); !errors.Is(err, errComplexKey) {
		t.Errorf("appendJSON = %v, want errComplexKey", err)
	}
}

func TestYAMLErrorPos(t *testing.T) {
	tests := []struct {
		name      string
		err, data string
		line, col int
		msg       string
	}{
		{"a scanner error's line is kept, and the column is the line's first non-blank", "yaml: line 3: mapping values are not allowed in this context",
			"a: b\nc: d\n  e: f\n", 3, 3, "mapping values are not allowed in this context"},
		{"a parser error's line is zero-based", "yaml: line 1: did not find expected key", "a: b\n  - c\n", 2, 3, "did not find expected key"},
		{"an error without a line is on line 1", "yaml: did not find expected node content", "{{ x }}\n", 1, 1, "did not find expected node content"},
		{"a line past the end is the end of the file", "yaml: line 9: found unexpected end of stream", "a: \"b\n", 2, 1, "found unexpected end of stream"},
		{"invalid UTF-8 is found", "yaml: invalid leading UTF-8 octet", "a: b\nc: \xff\n", 2, 4, "invalid leading UTF-8 octet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, col, msg := yamlErrorPos(errors.New(tt.err), []byte(tt.data))
			if line != tt.line || col != tt.col || msg != tt.msg {
				t.Errorf("yamlErrorPos = %d:%d %q, want %d:%d %q", line, col, msg, tt.line, tt.col, tt.msg)
			}
		})
	}
}

// Scalar is the typed decoding's JSON of a scalar, as a Go value.
func TestScalarIsTheJSONOfTheScalar(t *testing.T) {
	for _, src := range []string{"~", "null", "true", "False", "yes", "42", "-7", "0x1F", "1_000", "0o17", "1e3", ".5",
		".inf", "99999999999999999999999", `"42"`, "'true'", "plain", "bad \xff byte", `"esc\tape"`} {
		// The parser refuses what is not UTF-8; a node can still hold it.
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: src}
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte("v: "+src), &doc); err == nil {
			n = doc.Content[0].Content[1]
		}
		js, err := AppendJSON(nil, n)
		if err != nil {
			t.Fatal(err)
		}
		var want any
		dec := json.NewDecoder(bytes.NewReader(js))
		dec.UseNumber()
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("%q: %s: %v", src, js, err)
		}
		if got := Scalar(n); got != want {
			t.Errorf("Scalar(%q) = %#v, want %#v (JSON %s)", src, got, want, js)
		}
	}
}
