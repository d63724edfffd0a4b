package load_test

import (
	"testing"

	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/manifest/load"
)

// FuzzParse parses any bytes: nothing panics, and every object's and problem's position is a
// place in the file.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: {istio.io/dataplane-mode: ambient}\n",
		"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n",
		"kind: ConfigMap\napiVersion: v1\nkind: ServiceEntry\nmetadata: {name: x, name: y}\n",
		"a: &a [*a]\n",
		"a: \"x\u2028y\"\r\nb: [1,\n",
		"{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"j\"}}",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${NAME}\ndata: {k: {{ .Values.x }}}\n",
		"apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: e}\nx: &p {number: \"443\", target_port: 1}\n" +
			"spec:\n  hosts: [a.example]\n  export_to: [.]\n  resolution: 2\n  ports: [{<<: *p, name: h}]\n",
		"apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: p}\n" +
			"spec: {action: DENY, rules: [{from: [{source: {not_principals: [a]}}], to: [{operation: {ports: [\"80\"]}}]}]}\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file := &manifest.File{Path: "f.yaml", Data: data}
		objects, problems := load.Parse(file)
		inside := func(what string, p manifest.Position) {
			if p.Line == 0 {
				return
			}
			if _, err := manifest.Offset(data, p.Line, p.Column); err != nil {
				t.Fatalf("%s at %d:%d is not in the file: %v", what, p.Line, p.Column, err)
			}
		}
		for _, o := range objects {
			inside(o.Ref.String(), o.Pos())
			inside(o.Ref.String()+" metadata.name", o.Pos("metadata", "name"))
		}
		for _, p := range problems {
			inside("problem "+p.Message, p.Pos)
		}
	})
}
