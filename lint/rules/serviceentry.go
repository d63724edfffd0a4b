package rules

import (
	"strconv"
	"strings"

	networkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	networkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	networkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/egress"
	"github.com/ambientkit/ambientkit/internal/egressrules"
	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/manifest"
)

const serviceEntryGK = "networking.istio.io/ServiceEntry"

// serviceEntry returns o's ServiceEntry as the v1 type, whatever version the manifest used
// (the spec is the same message in every version), or nil when o was not decoded (an opaque
// value stood where a typed one belongs).
func serviceEntry(o *manifest.Object) *networkingv1.ServiceEntry {
	switch x := o.Typed.(type) {
	case *networkingv1.ServiceEntry:
		return x
	case *networkingv1beta1.ServiceEntry:
		se := &networkingv1.ServiceEntry{TypeMeta: x.TypeMeta, ObjectMeta: x.ObjectMeta}
		x.Spec.DeepCopyInto(&se.Spec)
		return se
	case *networkingv1alpha3.ServiceEntry:
		se := &networkingv1.ServiceEntry{TypeMeta: x.TypeMeta, ObjectMeta: x.ObjectMeta}
		x.Spec.DeepCopyInto(&se.Spec)
		return se
	}
	return nil
}

// serviceEntryProblems is what egress.Validate finds in each ServiceEntry of the run, in
// inventory order, computed once for the three rules that report its problems (AMB301, AMB302,
// AMB304).
var serviceEntryProblems = &lint.Fact[[]seProblem]{
	Name: "ServiceEntry problems",
	Compute: func(p *lint.Pass) []seProblem {
		var out []seProblem
		for _, o := range p.Inventory.Kind(serviceEntryGK) {
			se := serviceEntry(o)
			if se == nil {
				continue
			}
			for _, pr := range egress.Validate(se) {
				out = append(out, seProblem{Obj: o, SE: se, Rule: egressrules.Rule(pr), Problem: pr})
			}
		}
		return out
	},
}

// seProblem is one problem egress.Validate found in the ServiceEntry Obj (decoded as SE),
// and the rule that reports it.
type seProblem struct {
	Obj  *manifest.Object
	SE   *networkingv1.ServiceEntry
	Rule string
	ambient.Problem
}

// fieldPath turns a field path as the SDK writes it (`spec.ports[1].name`,
// `metadata.labels["istio.io/rev"]`) into node path elements ("spec", "ports", "1", "name").
func fieldPath(p string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '.':
			flush()
		case '[':
			flush()
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				cur.WriteString(p[i+1:])
				i = len(p)
				break
			}
			inner := p[i+1 : i+j]
			if q, err := strconv.Unquote(inner); err == nil {
				inner = q
			}
			// A quoted key may itself hold ']': find the closing quote first.
			if strings.HasPrefix(p[i+1:], `"`) {
				if k := strings.Index(p[i+2:], `"]`); k >= 0 {
					if q, err := strconv.Unquote(p[i+1 : i+3+k]); err == nil {
						inner, j = q, k+3
					}
				}
			}
			out = append(out, inner)
			i += j
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return out
}

// listIndex returns the list index that ends path (3 for spec.hosts[3]), or -1.
func listIndex(path []string) int {
	if len(path) == 0 {
		return -1
	}
	i, err := strconv.Atoi(path[len(path)-1])
	if err != nil {
		return -1
	}
	return i
}
