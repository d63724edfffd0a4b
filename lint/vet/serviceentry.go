package vet

import (
	"fmt"
	"go/ast"
	"slices"
	"strings"

	"golang.org/x/tools/go/ast/inspector"
	networking "istio.io/api/networking/v1alpha3"
	networkingv1 "istio.io/client-go/pkg/apis/networking/v1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/egress"
	"github.com/ambientkit/ambientkit/internal/egressrules"
)

// istioNetworkingPath is the package of the ServiceEntry spec; istio.io/api/networking/v1
// and v1beta1 alias its types.
const istioNetworkingPath = "istio.io/api/networking/v1alpha3"

// serviceEntryPaths are the istio.io/client-go packages of the ServiceEntry object.
var serviceEntryPaths = map[string]bool{
	"istio.io/client-go/pkg/apis/networking/v1":       true,
	"istio.io/client-go/pkg/apis/networking/v1beta1":  true,
	"istio.io/client-go/pkg/apis/networking/v1alpha3": true,
}

// localCodes are the egress.Validate problems that one host, address or port shows by itself
// (or a pair of ports, or CIDR addresses with a constant resolution): certain from the
// elements a literal spells, whatever else the code adds later. Problems that depend on the
// whole entry (no hosts, endpoints, exportTo) are left to ambientlint.
var localCodes = map[ambient.Code]bool{
	egress.CodeHostStar:            true,
	egress.CodeMisplacedWildcard:   true,
	egress.CodeInvalidHost:         true,
	egress.CodeInvalidAddress:      true,
	egress.CodeCIDRResolution:      true,
	egress.CodeDuplicatePortName:   true,
	egress.CodeDuplicatePortNumber: true,
	egress.CodeInvalidPort:         true,
	egress.CodeInvalidPortName:     true,
	egress.CodeUnknownProtocol:     true,
}

// modelledFields are the fields of a ServiceEntry spec literal the analyzer reads.
var modelledFields = map[string]bool{"Hosts": true, "Addresses": true, "Ports": true, "Resolution": true, "Location": true}

// serviceEntrySpec reports AMB301 and AMB302 on a ServiceEntry spec literal, as
// egress.Validate finds them and package egressrules assigns them to rules. The hosts,
// addresses and ports that it spells as constants are checked; the other elements are
// skipped. A complete literal (it names hosts, every field it sets is one the analyzer
// models, and every value and element is a constant) is judged whole, as ambientlint judges the same entry in
// YAML; of another, only the problems one element shows by itself are reported (localCodes).
func (r *reporter) serviceEntrySpec(cur inspector.Cursor, lit *ast.CompositeLit) {
	info := r.pass.TypesInfo
	fields, ok := structFields(lit)
	if !ok {
		return
	}
	se := &networkingv1.ServiceEntry{}
	at := map[string]ast.Expr{}
	complete := true
	for name := range fields {
		complete = complete && modelledFields[name]
	}
	strs := func(field, path string) []string {
		e := fields[field]
		if e == nil {
			return nil
		}
		sl, ok := ast.Unparen(e).(*ast.CompositeLit)
		if !ok {
			complete = false
			return nil
		}
		var out []string
		for _, el := range sl.Elts {
			if s, ok := constString(info, el); ok {
				at[fmt.Sprintf("%s[%d]", path, len(out))] = el
				out = append(out, s)
			} else {
				complete = false
			}
		}
		return out
	}
	se.Spec.Hosts = strs("Hosts", "spec.hosts")
	se.Spec.Addresses = strs("Addresses", "spec.addresses")
	if e := fields["Ports"]; e != nil {
		sl, ok := ast.Unparen(e).(*ast.CompositeLit)
		complete = complete && ok
		if ok {
			for _, el := range sl.Elts {
				if p, ok := r.servicePort(el, fmt.Sprintf("spec.ports[%d]", len(se.Spec.Ports)), at); ok {
					se.Spec.Ports = append(se.Spec.Ports, p)
				} else {
					complete = false
				}
			}
		}
	}
	for _, name := range []string{"Resolution", "Location"} {
		e := fields[name]
		if e == nil {
			continue
		}
		v, ok := constInt(info, e)
		if !ok {
			complete = false
			continue
		}
		if name == "Resolution" {
			se.Spec.Resolution = networking.ServiceEntry_Resolution(v)
			at["spec.resolution"] = e
		} else {
			se.Spec.Location = networking.ServiceEntry_Location(v)
		}
	}
	if meta := enclosingObjectMeta(cur, func(path, name string) bool { return serviceEntryPaths[path] && name == "ServiceEntry" }, info); meta != nil {
		se.Name, _ = constString(info, meta["Name"])
		se.Namespace, _ = constString(info, meta["Namespace"])
	}
	// An entry without hosts is being built (the hosts come later), not complete.
	complete = complete && len(se.Spec.Hosts) > 0
	what := objectName("ServiceEntry", se.Namespace, se.Name)
	for _, pr := range egress.Validate(se) {
		switch egressrules.Rule(pr) {
		case egressrules.WildcardEgress:
			host := at[pr.Path]
			var h string
			if host != nil {
				h, _ = constString(info, host)
			}
			if host == nil || slices.Contains(r.cfg.allowWildcards, h) {
				continue
			}
			r.report(wildcardEgress, host, nil,
				"%s has wildcard host %q: list explicit hosts, or allow it with -allow-wildcards", what, h)
		case egressrules.InvalidServiceEntry:
			if !complete && !localCodes[pr.Code] {
				continue
			}
			r.report(invalidServiceEntry, exprAt(at, pr.Path, lit), nil, "%s: %s", what, pr.Message)
		}
	}
}

// servicePort returns the ServicePort an element of a Ports literal spells, recording where
// its fields are under path, and false when a field it sets is not a constant.
func (r *reporter) servicePort(el ast.Expr, path string, at map[string]ast.Expr) (*networking.ServicePort, bool) {
	info := r.pass.TypesInfo
	e := ast.Unparen(el)
	if u, ok := e.(*ast.UnaryExpr); ok {
		e = ast.Unparen(u.X)
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil, false
	}
	fields, ok := structFields(lit)
	if !ok {
		return nil, false
	}
	p := &networking.ServicePort{}
	for name, e := range fields {
		switch name {
		case "Number", "TargetPort":
			n, ok := constInt(info, e)
			if !ok || n < 0 || n > 1<<32-1 {
				return nil, false
			}
			if name == "Number" {
				p.Number = uint32(n)
			} else {
				p.TargetPort = uint32(n)
			}
		case "Name", "Protocol":
			s, ok := constString(info, e)
			if !ok {
				return nil, false
			}
			if name == "Name" {
				p.Name = s
			} else {
				p.Protocol = s
			}
		default:
			return nil, false // a field the analyzer does not model
		}
	}
	at[path] = el
	for name, e := range fields {
		at[path+"."+fieldPathName(name)] = e
	}
	return p, true
}

// fieldPathName is the name of a ServicePort field in egress.Problem paths.
func fieldPathName(goName string) string {
	return strings.ToLower(goName[:1]) + goName[1:]
}
