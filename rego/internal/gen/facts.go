package gen

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"path"
	"slices"
	"strconv"

	"golang.org/x/tools/go/packages"
	networking "istio.io/api/networking/v1alpha3"
	networkingv1 "istio.io/client-go/pkg/apis/networking/v1"

	"github.com/ambientkit/ambientkit/ambient"
	"github.com/ambientkit/ambientkit/egress"
	"github.com/ambientkit/ambientkit/internal/istiocharts"
	"github.com/ambientkit/ambientkit/internal/kiali"
	"github.com/ambientkit/ambientkit/lint/rules"
	"github.com/ambientkit/ambientkit/waypoint"
)

func sortStrings(s []string) { slices.Sort(s) }

// dataFacts returns the facts of data.rego by their rule names.
func dataFacts(dir string) (map[string]any, error) {
	src, err := sourceTables(dir)
	if err != nil {
		return nil, err
	}
	f := map[string]any{}

	catalogue := map[string]any{}
	for _, r := range rules.All() {
		catalogue[r.ID] = map[string]string{"name": r.Name, "severity": r.Severity.String()}
	}
	f["rules"] = catalogue

	f["known_keys"] = ambient.KnownKeys()
	f["enrollment_keys"] = ambient.EnrollmentKeys()
	allowed := map[string][]string{}
	for _, k := range append(ambient.KnownKeys(), ambient.LabelInjection) {
		if v := ambient.AllowedValues(k); v != nil {
			allowed[k] = v
		}
	}
	f["allowed_values"] = allowed
	f["labels"] = map[string]string{
		"dataplane_mode":         ambient.LabelDataplaneMode,
		"use_waypoint":           ambient.LabelUseWaypoint,
		"use_waypoint_namespace": ambient.LabelUseWaypointNamespace,
		"waypoint_for":           ambient.LabelWaypointFor,
		"ingress_use_waypoint":   ambient.LabelIngressUseWaypoint,
		"rev":                    ambient.LabelRev,
		"injection":              ambient.LabelInjection,
		"sidecar_inject":         ambient.LabelSidecarInject,
	}
	f["annotations"] = map[string]string{
		"sidecar_status": ambient.AnnotationSidecarStatus,
		"sidecar_inject": ambient.AnnotationSidecarInject,
		"redirection":    ambient.AnnotationRedirection,
	}
	f["values"] = map[string]any{
		"dataplane_mode":    map[string]string{"ambient": ambient.DataplaneModeAmbient, "none": ambient.DataplaneModeNone},
		"use_waypoint_none": ambient.UseWaypointNone,
		"injection":         map[string]string{"enabled": ambient.InjectionEnabled, "disabled": ambient.InjectionDisabled},
		"waypoint_for": map[string]waypoint.Traffic{
			"service": waypoint.ServiceTraffic, "workload": waypoint.WorkloadTraffic,
			"all": waypoint.AllTraffic, "none": waypoint.NoTraffic,
		},
	}
	f["namespaces"] = map[string]any{
		"kube_system":      ambient.KubeSystemNamespace,
		"root":             ambient.RootNamespace,
		"injector_ignored": src.injectorIgnored,
	}
	f["meta_bases"] = src.metaBases
	f["workload_kinds"] = src.workloadKinds

	// Which binding kinds each traffic type serves, asked of waypoint.Traffic.Serves ("" is a
	// label written empty).
	serves := map[string]map[string]bool{}
	for _, tt := range append([]string{""}, ambient.AllowedValues(ambient.LabelWaypointFor)...) {
		serves[tt] = map[string]bool{}
		for _, kind := range []string{"Namespace", "Service", "ServiceEntry", "WorkloadEntry", "Pod"} {
			serves[tt][kind] = waypoint.Traffic(tt).Serves(kind)
		}
	}
	f["waypoint"] = map[string]any{
		"gateway_class":        ambient.WaypointGatewayClass,
		"hbone_port":           ambient.HBONEPort,
		"hbone_protocol":       ambient.HBONEProtocol,
		"default_traffic_type": waypoint.TrafficType(nil, nil),
		"serves":               serves,
	}

	eg, err := egressFacts(src.protocols)
	if err != nil {
		return nil, err
	}
	f["egress"] = eg

	f["kiali"] = map[string]any{
		"name":           kiali.Name,
		"selector_keys":  []string{kiali.LabelApp, kiali.LabelAppName},
		"server_chart":   kiali.ServerChart,
		"operator_chart": kiali.OperatorChart,
		"config_map_key": kiali.ConfigMapKey,
		"auth_anonymous": kiali.AuthAnonymous,
		"cr_group":       kiali.CRGroupKind.Group,
		"cr_kind":        kiali.CRGroupKind.Kind,
		"route_group":    kiali.OpenShiftRouteGVK.Group,
		"port":           src.kialiPort,
	}
	f["l7"] = map[string]any{"l4_when_keys": src.l4WhenKeys}

	// AMB002's chart values: the keys each Istio chart reads per minor version, and the test
	// gitops.ChartComponent makes of an install (istioChartKind's chart names, the substrings
	// isIstioChartRepo looks for in a repository's address).
	f["istio_charts"] = map[string]any{
		"keys":            istiocharts.Table(),
		"charts":          src.istioCharts,
		"repo_substrings": src.istioChartRepos,
	}

	if err := platformFacts(dir, f); err != nil {
		return nil, err
	}
	tlds, err := publicTLDs(dir)
	if err != nil {
		return nil, err
	}
	f["hosts"] = map[string]any{
		"public_tlds":        tlds,
		"documentation_tlds": src.documentationTLDs,
		"internal_suffixes":  src.internalSuffixes,
		"url_pattern":        src.urlPattern,
		"line_key_pattern":   src.lineKeyPattern,
		"browser_link_words": src.browserLinkWords,
		"browser_url_words":  src.browserURLWords,
		"url_words":          src.urlWords,
		"comment_prefixes":   src.commentPrefixes,
	}
	return f, nonMeshFacts(dir, f) // AMB209's and AMB210's constants
}

// egressFacts returns what the ServiceEntry rules need of package egress: the protocols
// Istio knows, and, asked of egress.Validate, the ones that tell several hosts apart (HTTP
// and TLS kinds) and the ones DYNAMIC_DNS allows.
func egressFacts(protocols []string) (map[string]any, error) {
	if len(protocols) == 0 {
		return nil, fmt.Errorf("no protocols in package egress")
	}
	has := func(ps []ambient.Problem, code ambient.Code, p string) bool {
		return slices.ContainsFunc(ps, func(pr ambient.Problem) bool { return pr.Code == code && pr.Path == p })
	}
	var hostAware, dynamic []string
	for _, p := range protocols {
		port := &networking.ServicePort{Number: 443, Name: "p", Protocol: p}
		multi := &networkingv1.ServiceEntry{}
		multi.Spec.Hosts = []string{"a.example.com", "b.example.com"}
		multi.Spec.Resolution = networking.ServiceEntry_DNS
		multi.Spec.Ports = []*networking.ServicePort{port}
		if !has(egress.Validate(multi), egress.CodeMultipleHostsOpaque, "spec.ports[0]") {
			hostAware = append(hostAware, p)
		}
		dyn := &networkingv1.ServiceEntry{}
		dyn.Spec.Hosts = []string{"*.example.com"}
		dyn.Spec.Resolution = networking.ServiceEntry_DYNAMIC_DNS
		dyn.Spec.Ports = []*networking.ServicePort{port}
		if !has(egress.Validate(dyn), egress.CodeDynamicDNS, "spec.ports[0]") {
			dynamic = append(dynamic, p)
		}
	}
	return map[string]any{
		"protocols":             protocols,
		"host_aware_protocols":  hostAware,
		"dynamic_dns_protocols": dynamic,
		"resolutions":           enumNames(networking.ServiceEntry_Resolution_name),
		"locations":             enumNames(networking.ServiceEntry_Location_name),
	}, nil
}

func enumNames(m map[int32]string) []string {
	out := make([]string, 0, len(m))
	for i := range int32(len(m)) {
		out = append(out, m[i])
	}
	return out
}

// tables are the unexported Go tables data.rego carries.
type tables struct {
	protocols, injectorIgnored, workloadKinds, l4WhenKeys []string
	metaBases                                             [][]string

	// AMB303's: the documentation TLDs, the suffixes of in-cluster names, the patterns of a
	// URL and of a configuration line's key, the words of browser-link keys, the words that
	// name a URL after them, and the prefixes of comment lines.
	documentationTLDs, internalSuffixes, browserLinkWords, browserURLWords, urlWords, commentPrefixes []string
	urlPattern, lineKeyPattern                                                                        string

	kialiPort int64 // the port Kiali serves on, for AMB401's port-forward hint

	// gitops' names of Istio's charts and the substrings of its chart repositories' addresses.
	istioCharts, istioChartRepos []string
}

// sourceTables reads the unexported tables from the Go source with go/types: each is a
// package-level variable whose value is a composite literal of constants.
func sourceTables(dir string) (tables, error) {
	const mod = "github.com/ambientkit/ambientkit/"
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo, Dir: dir}
	pkgs, err := packages.Load(cfg, mod+"egress", mod+"ambient", mod+"lint/rules", mod+"gitops")
	if err != nil {
		return tables{}, err
	}
	byPath := map[string]*packages.Package{}
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			return tables{}, fmt.Errorf("%s: %v", p.PkgPath, p.Errors[0])
		}
		byPath[p.PkgPath] = p
	}
	var t tables
	var errs []error
	strs := func(pkg, name string) []string {
		v, err := literal(byPath[mod+pkg], name)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		out, err := asStrings(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s.%s: %w", pkg, name, err))
		}
		return out
	}
	t.protocols = strs("egress", "protocols")
	t.injectorIgnored = strs("ambient", "injectorIgnoredNamespaces")
	t.workloadKinds = strs("lint/rules", "workloadKinds")
	t.l4WhenKeys = strs("lint/rules", "l4WhenKeys")
	t.documentationTLDs = strs("lint/rules", "documentationTLDs")
	t.browserLinkWords = strs("lint/rules", "browserLinkWords")
	t.browserURLWords = strs("lint/rules", "browserURLWords")
	inFunc := func(pkg, fn string) []string {
		out, err := funcLiteral(byPath[mod+pkg], fn)
		if err != nil {
			errs = append(errs, err)
		}
		return out
	}
	t.internalSuffixes = inFunc("lint/rules", "isExternalHost")
	t.urlWords = inFunc("lint/rules", "browserLinkKey")
	t.commentPrefixes = inFunc("lint/rules", "commentLine")
	constants := func(pkg, fn string) []string {
		out, err := funcStrings(byPath[mod+pkg], fn)
		if err != nil {
			errs = append(errs, err)
		}
		return out
	}
	t.istioCharts = constants("gitops", "istioChartKind")
	t.istioChartRepos = constants("gitops", "isIstioChartRepo")
	pattern := func(pkg, name string) string {
		v, err := literal(byPath[mod+pkg], name)
		if err != nil {
			errs = append(errs, err)
			return ""
		}
		s, ok := v.(string)
		if !ok {
			errs = append(errs, fmt.Errorf("%s.%s: not a pattern", pkg, name))
		}
		return s
	}
	if c, ok := byPath[mod+"lint/rules"].Types.Scope().Lookup("kialiPort").(*types.Const); !ok {
		errs = append(errs, fmt.Errorf("lint/rules.kialiPort: no such constant"))
	} else if t.kialiPort, ok = constant.Int64Val(c.Val()); !ok {
		errs = append(errs, fmt.Errorf("lint/rules.kialiPort: not an integer"))
	}
	t.urlPattern = pattern("lint/rules", "urlPattern")
	t.lineKeyPattern = pattern("lint/rules", "lineKeyPattern")
	if v, err := literal(byPath[mod+"lint/rules"], "metaBases"); err != nil {
		errs = append(errs, err)
	} else if list, ok := v.([]any); ok {
		for _, e := range list {
			s, err := asStrings(e)
			if err != nil {
				errs = append(errs, fmt.Errorf("rules.metaBases: %w", err))
			}
			t.metaBases = append(t.metaBases, s)
		}
	}
	if len(errs) > 0 {
		return tables{}, errs[0]
	}
	slices.Sort(t.l4WhenKeys)
	return t, nil
}

// literal evaluates the composite literal that initialises the package-level variable name
// of pkg: lists and maps of constants, as []any (map keys whose value is true, sorted, for a
// set written as map[string]bool).
func literal(pkg *packages.Package, name string) (any, error) {
	if pkg == nil {
		return nil, fmt.Errorf("%s: package not loaded", name)
	}
	for _, f := range pkg.Syntax {
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if id.Name == name && i < len(vs.Values) {
						return eval(pkg, vs.Values[i])
					}
				}
			}
		}
	}
	return nil, fmt.Errorf("%s.%s: no such variable", path.Base(pkg.PkgPath), name)
}

func eval(pkg *packages.Package, e ast.Expr) (any, error) {
	if tv, ok := pkg.TypesInfo.Types[e]; ok && tv.Value != nil {
		if tv.Value.Kind() == constant.String {
			return constant.StringVal(tv.Value), nil
		}
		if tv.Value.Kind() == constant.Bool {
			return constant.BoolVal(tv.Value), nil
		}
		return nil, fmt.Errorf("%s: constant %v is neither string nor bool", pkg.Fset.Position(e.Pos()), tv.Value)
	}
	if call, ok := e.(*ast.CallExpr); ok && isMustCompile(pkg, call) && len(call.Args) == 1 {
		// A pattern compiled from a constant: Rego's regular expressions are Go's (RE2).
		return eval(pkg, call.Args[0])
	}
	cl, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil, fmt.Errorf("%s: not a composite literal of constants", pkg.Fset.Position(e.Pos()))
	}
	var list []any
	var set []string
	for _, el := range cl.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			k, err := eval(pkg, kv.Key)
			if err != nil {
				return nil, err
			}
			v, err := eval(pkg, kv.Value)
			if err != nil {
				return nil, err
			}
			ks, kok := k.(string)
			if b, bok := v.(bool); !kok || !bok {
				return nil, fmt.Errorf("%s: only map[string]bool sets are read", pkg.Fset.Position(kv.Pos()))
			} else if b {
				set = append(set, ks)
			}
			continue
		}
		v, err := eval(pkg, el)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	if set != nil {
		slices.Sort(set)
		for _, s := range set {
			list = append(list, s)
		}
	}
	return list, nil
}

func asStrings(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("not a list")
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("element %s is not a string", strconv.Quote(fmt.Sprint(e)))
		}
		out = append(out, s)
	}
	return out, nil
}

// isMustCompile reports whether call is regexp.MustCompile.
func isMustCompile(pkg *packages.Package, call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	fn, ok := pkg.TypesInfo.Uses[sel.Sel].(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == "regexp" && fn.Name() == "MustCompile"
}

// funcLiteral returns the list of string constants that the function name of pkg spells as
// its only []string composite literal: a table the function keeps inline.
func funcLiteral(pkg *packages.Package, name string) ([]string, error) {
	if pkg == nil {
		return nil, fmt.Errorf("%s: package not loaded", name)
	}
	var found []*ast.CompositeLit
	for _, f := range pkg.Syntax {
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || fd.Name.Name != name || fd.Body == nil {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if cl, ok := n.(*ast.CompositeLit); ok {
					if t, ok := pkg.TypesInfo.Types[cl].Type.(*types.Slice); ok && types.Identical(t.Elem(), types.Typ[types.String]) {
						found = append(found, cl)
					}
				}
				return true
			})
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("%s.%s: %d []string literals, want one", path.Base(pkg.PkgPath), name, len(found))
	}
	v, err := eval(pkg, found[0])
	if err != nil {
		return nil, err
	}
	return asStrings(v)
}

// funcStrings returns the string constants that the function name of pkg spells in its body,
// in source order, each once: the cases of a switch or the substrings it looks for, a table
// kept as code rather than as a variable.
func funcStrings(pkg *packages.Package, name string) ([]string, error) {
	if pkg == nil {
		return nil, fmt.Errorf("%s: package not loaded", name)
	}
	var out []string
	for _, f := range pkg.Syntax {
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || fd.Name.Name != name || fd.Body == nil {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				e, ok := n.(ast.Expr)
				if !ok {
					return true
				}
				tv, ok := pkg.TypesInfo.Types[e]
				if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
					return true
				}
				if s := constant.StringVal(tv.Value); !slices.Contains(out, s) {
					out = append(out, s)
				}
				return false
			})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s.%s: no string constants", path.Base(pkg.PkgPath), name)
	}
	return out, nil
}
