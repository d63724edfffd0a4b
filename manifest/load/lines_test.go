package load_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/manifest/load"
)

// Problems are placed as editors count lines: the YAML parser's extra line after U+2028 does
// not push them down.
func TestProblemsCountLinesAsEditorsDo(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		line       int
	}{
		{"a syntax error", "a: \"x\u2028y\"\nb: [1,\nc: }\n", 3},
		{"a duplicate key", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: {d: \"x\u2028y\"}\n  name: b\n", 6},
		{"a control character", "a: \"x\u2028y\"\nb: \x01\n", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := load.Parse(&manifest.File{Path: "f.yaml", Data: []byte(tt.data)})
			if len(problems) == 0 {
				t.Fatal("no problem")
			}
			if got := problems[0].Pos.Line; got != tt.line {
				t.Errorf("problem %q at line %d, want %d", problems[0].Message, got, tt.line)
			}
		})
	}
}

// Issue 12: any {{ … }} in a file silenced a real syntax error elsewhere in it. A manifest
// whose template actions only fill in values has its own syntax errors reported; a template
// that shapes the YAML, an error on a line with an action, and a file that is no manifest
// (an Ansible task list with Jinja) stay quiet.
func TestTemplatedManifestsKeepTheirOwnSyntaxErrors(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		want       int
	}{
		{"an error far from a value placeholder is reported",
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .name }}\ndata:\n  a: 1\n  b: [1,\n  c: }\n", 1},
		{"an error on a line with an action is the template's",
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ .a }}: {{ .b }}\n", 0},
		{"a template with control flow is not a manifest",
			"{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [1,\n{{- end }}\n", 0},
		{"a file that is no manifest",
			"- name: task\n  command: echo {{ x }}\n- name: other\n  command: a ::\n", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := load.Parse(&manifest.File{Path: "t.yaml", Data: []byte(tt.data)})
			if len(problems) != tt.want {
				t.Errorf("problems %v, want %d", problems, tt.want)
			}
		})
	}
}
