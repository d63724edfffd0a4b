package vet

import (
	"fmt"
	"go/ast"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/waypoint"
)

// gatewayPaths are the Gateway API packages whose Gateway and GatewaySpec the analyzer
// judges (v1beta1's GatewaySpec is an alias of v1's).
var gatewayPaths = map[string]bool{
	"sigs.k8s.io/gateway-api/apis/v1":      true,
	"sigs.k8s.io/gateway-api/apis/v1beta1": true,
}

// waypointSpec reports AMB206 on a GatewaySpec literal of class istio-waypoint, with
// waypoint.Validate, on what is certain: the listeners when every listener of a Listeners
// literal is a literal whose port and protocol are constants (or absent), and the name when
// the enclosing Gateway literal gives it as a constant. Problems with the listeners'
// allowedRoutes are left to ambientlint.
func (r *reporter) waypointSpec(cur inspector.Cursor, lit *ast.CompositeLit) {
	info := r.pass.TypesInfo
	fields, ok := structFields(lit)
	if !ok {
		return
	}
	if class, ok := constString(info, fields["GatewayClassName"]); !ok || class != ambient.WaypointGatewayClass {
		return
	}
	gw := &gatewayv1.Gateway{}
	gw.Spec.GatewayClassName = ambient.WaypointGatewayClass
	at := map[string]ast.Expr{} // the expression of each field path
	listenersKnown := false
	if le, ok := ast.Unparen(fields["Listeners"]).(*ast.CompositeLit); ok {
		listenersKnown = true
		at["spec.listeners"] = le
		for i, el := range le.Elts {
			l, ok := r.listener(el, fmt.Sprintf("spec.listeners[%d]", i), at)
			if !ok {
				listenersKnown = false
				continue
			}
			gw.Spec.Listeners = append(gw.Spec.Listeners, l)
		}
	}
	nameKnown := false
	if meta := enclosingObjectMeta(cur, func(path, name string) bool { return gatewayPaths[path] && name == "Gateway" }, info); meta != nil {
		if e := meta["Name"]; e != nil {
			gw.Name, nameKnown = constString(info, e)
			at["metadata.name"] = e
		}
		gw.Namespace, _ = constString(info, meta["Namespace"])
	}
	for _, pr := range waypoint.Validate(gw) {
		switch pr.Code {
		case waypoint.CodeHBONEListener:
			if !listenersKnown {
				continue
			}
		case waypoint.CodeReservedName, waypoint.CodeInvalidName:
			if !nameKnown {
				continue
			}
		default:
			continue
		}
		node := exprAt(at, pr.Path, lit)
		var fixes []analysis.SuggestedFix
		if e, ok := at[pr.Path]; ok && pr.Suggest != "" && pr.Code == waypoint.CodeHBONEListener && !isConstRef(info, e) {
			text := pr.Suggest
			if strings.HasSuffix(pr.Path, ".protocol") {
				text = strconv.Quote(text)
			}
			if strings.HasSuffix(pr.Path, ".port") || strings.HasSuffix(pr.Path, ".protocol") {
				fixes = []analysis.SuggestedFix{{
					Message:   fmt.Sprintf("Set %s to %s", pr.Path, pr.Suggest),
					TextEdits: []analysis.TextEdit{{Pos: e.Pos(), End: e.End(), NewText: []byte(text)}},
				}}
			}
		}
		r.report(malformedWaypoint, node, fixes, "%s: %s", objectName("waypoint Gateway", gw.Namespace, gw.Name), pr.Message)
	}
}

// listener returns the Listener an element of a Listeners literal spells, recording where
// its fields are under path, and false when its port or protocol is not a constant.
func (r *reporter) listener(el ast.Expr, path string, at map[string]ast.Expr) (gatewayv1.Listener, bool) {
	info := r.pass.TypesInfo
	var l gatewayv1.Listener
	lit, ok := ast.Unparen(el).(*ast.CompositeLit)
	if !ok {
		return l, false
	}
	fields, ok := structFields(lit)
	if !ok {
		return l, false
	}
	at[path] = lit
	if e := fields["Port"]; e != nil {
		port, ok := constInt(info, e)
		if !ok {
			return l, false
		}
		l.Port = gatewayv1.PortNumber(port)
		at[path+".port"] = e
	}
	if e := fields["Protocol"]; e != nil {
		proto, ok := constString(info, e)
		if !ok {
			return l, false
		}
		l.Protocol = gatewayv1.ProtocolType(proto)
		at[path+".protocol"] = e
	}
	if e := fields["Name"]; e != nil {
		name, ok := constString(info, e)
		if !ok {
			name = types.ExprString(e)
		}
		l.Name = gatewayv1.SectionName(name)
	}
	return l, true
}

// enclosingObjectMeta returns the fields of the ObjectMeta literal of the object literal
// whose Spec is the literal at cur, when that object's type satisfies isObject; else nil.
func enclosingObjectMeta(cur inspector.Cursor, isObject func(path, name string) bool, info *types.Info) map[string]ast.Expr {
	kv, ok := cur.Parent().Node().(*ast.KeyValueExpr)
	if !ok {
		return nil
	}
	if id, ok := kv.Key.(*ast.Ident); !ok || id.Name != "Spec" {
		return nil
	}
	obj, ok := cur.Parent().Parent().Node().(*ast.CompositeLit)
	if !ok || !isObject(namedType(info.TypeOf(obj))) {
		return nil
	}
	fields, ok := structFields(obj)
	if !ok {
		return nil
	}
	meta, ok := ast.Unparen(fields["ObjectMeta"]).(*ast.CompositeLit)
	if !ok {
		return nil
	}
	out, _ := structFields(meta)
	return out
}

// exprAt returns the expression of the field path, or of the nearest enclosing path that
// the literal spells, or else the literal itself.
func exprAt(at map[string]ast.Expr, path string, lit ast.Expr) ast.Expr {
	for p := path; p != ""; {
		if e, ok := at[p]; ok {
			return e
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return lit
}

// objectName names an object in a message: "waypoint Gateway ns/name", or without the
// parts that are not constants.
func objectName(what, namespace, name string) string {
	switch {
	case name == "":
		return what
	case namespace == "":
		return what + " " + name
	}
	return what + " " + namespace + "/" + name
}
