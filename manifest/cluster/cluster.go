package cluster

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/pager"

	"github.com/ambientkit/ambientkit/internal/kubeclient"
	"github.com/ambientkit/ambientkit/manifest"
	"github.com/ambientkit/ambientkit/manifest/load"
)

// DefaultPageSize is the number of objects a list request asks for when Options.PageSize is 0.
const DefaultPageSize = 500

// Options say what Read lists.
type Options struct {
	// Kinds are the kinds to read, as "group/Kind" ("/Namespace" for the core group), the
	// form lint.Rule.Kinds uses. A kind the API server does not serve is skipped.
	Kinds []string
	// Namespaces limits the namespaced kinds to these namespaces, and Namespaces to these
	// (read with get); empty reads every namespace. Other cluster-scoped kinds are listed
	// whole.
	Namespaces []string
	// PageSize is the number of objects per list request (Limit, then Continue); 0 means
	// DefaultPageSize.
	PageSize int64
}

// Clients are what a Reader reads the cluster with.
type Clients struct {
	// Dynamic lists the objects of every kind.
	Dynamic dynamic.Interface
	// Discovery maps kinds to the resources that serve them, and tells an unreachable
	// cluster (its /version) from missing permissions.
	Discovery discovery.DiscoveryInterface
}

// Reader reads the objects of a live cluster.
type Reader struct {
	c    Clients
	host string
}

// New returns a Reader of the cluster cfg points at. As readiness/probe does, it sets no
// client-side rate limit when cfg sets none: a read makes one paginated list per kind and
// namespace, and the API server's priority and fairness bounds it.
func New(cfg *rest.Config) (*Reader, error) {
	dcfg, hc, err := kubeclient.Config(cfg)
	if err != nil {
		return nil, err
	}
	var c Clients
	if c.Dynamic, err = dynamic.NewForConfigAndClient(dcfg, hc); err != nil {
		return nil, fmt.Errorf("building the Kubernetes client for %s: %w", cfg.Host, err)
	}
	if c.Discovery, err = discovery.NewDiscoveryClientForConfigAndClient(dcfg, hc); err != nil {
		return nil, fmt.Errorf("building the discovery client for %s: %w", cfg.Host, err)
	}
	r := NewForClients(c)
	r.host = cfg.Host
	return r, nil
}

// NewForClients returns a Reader that reads through c; both clients are required.
func NewForClients(c Clients) *Reader { return &Reader{c: c} }

// Result is what Read found.
type Result struct {
	// Objects are the objects read, sorted by group, kind, namespace and name; their origin
	// is Object.Live, and File is nil.
	Objects []*manifest.Object
	// Problems are the lists the identity may not make (403) and the objects that did not
	// decode, each placed at the kind (or object) it is about.
	Problems []load.Problem
	// Requests are the requests Read made, in order, one per kind and namespace (a
	// paginated list is one); Denied those that were forbidden.
	Requests []Request
	Denied   []Request
}

// Request is one kind of request Read makes, named as an RBAC rule names what it allows.
type Request struct {
	Verb      string // list, or get for a named Namespace
	Group     string // the API group, "" for the core group
	Resource  string // the resource, plural ("serviceentries")
	Namespace string // "" at the cluster scope
	Name      string // the object a get names
}

// GroupResource is the resource as RBAC rules and kubectl name it: resource.group
// ("serviceentries.networking.istio.io"), or the resource alone for the core group.
func (q Request) GroupResource() string {
	return schema.GroupResource{Group: q.Group, Resource: q.Resource}.String()
}

// scope says where the request reads, for messages.
func (q Request) scope() string {
	if q.Namespace == "" {
		return "at the cluster scope"
	}
	return "in namespace " + q.Namespace
}

// Read lists the objects of opts.Kinds. It fails only when the API server cannot be reached
// (the error names its address) or ctx ends; a forbidden list is a Problem.
func (r *Reader) Read(ctx context.Context, opts Options) (*Result, error) {
	if r.c.Dynamic == nil || r.c.Discovery == nil {
		return nil, errors.New("reading the cluster: the reader has no dynamic or discovery client")
	}
	if _, err := discovery.ToDiscoveryInterfaceWithContext(r.c.Discovery).ServerVersionWithContext(ctx); err != nil {
		return nil, fmt.Errorf("reaching the API server%s: %w", r.at(), err)
	}
	groups, err := restmapper.GetAPIGroupResourcesWithContext(ctx, discovery.ToDiscoveryInterfaceWithContext(r.c.Discovery))
	if groups == nil {
		return nil, fmt.Errorf("discovering the API server's resources%s: %w", r.at(), err)
	}
	// A group whose discovery failed (an aggregated API that is down) is not listed; the
	// others are.
	pageSize := cmp.Or(opts.PageSize, DefaultPageSize)
	res := &Result{}
	kinds := slices.Clone(opts.Kinds)
	slices.Sort(kinds)
	kinds = slices.Compact(kinds)
	for _, gk := range kinds {
		m, ok := resourceOf(groups, gk)
		if !ok {
			continue // not served: its CRD is not installed
		}
		if err := r.readKind(ctx, m, opts.Namespaces, pageSize, res); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(res.Objects, func(a, b *manifest.Object) int {
		return cmp.Or(cmp.Compare(a.GK(), b.GK()), cmp.Compare(a.Ref.Namespace, b.Ref.Namespace), cmp.Compare(a.Ref.Name, b.Ref.Name))
	})
	return res, nil
}

// at names the API server for messages, or nothing when the reader does not know it.
func (r *Reader) at() string {
	if r.host == "" {
		return ""
	}
	return " " + r.host
}

// mapping is how one kind is served.
type mapping struct {
	gvr        schema.GroupVersionResource
	kind       string
	namespaced bool
}

// resourceOf finds the resource that serves gk. Of the versions served it takes the first,
// in the server's order of preference, that the loader decodes into a Go type, so that the
// rules read the typed value they read from a file; else the preferred version.
func resourceOf(groups []*restmapper.APIGroupResources, gk string) (mapping, bool) {
	group, kind, ok := strings.Cut(gk, "/")
	if !ok {
		return mapping{}, false
	}
	for _, g := range groups {
		if g.Group.Name != group {
			continue
		}
		versions := []string{g.Group.PreferredVersion.Version}
		for _, v := range g.Group.Versions {
			versions = append(versions, v.Version)
		}
		var found []mapping
		for _, v := range versions {
			for _, res := range g.VersionedResources[v] {
				if res.Kind == kind && !strings.Contains(res.Name, "/") && slices.Contains(res.Verbs, "list") {
					found = append(found, mapping{gvr: schema.GroupVersionResource{Group: group, Version: v, Resource: res.Name},
						kind: kind, namespaced: res.Namespaced})
				}
			}
		}
		for _, m := range found {
			if load.IsKnownKind(m.gvr.GroupVersion().String(), kind) {
				return m, true
			}
		}
		if len(found) > 0 {
			return found[0], true
		}
	}
	return mapping{}, false
}

// readKind reads the objects of one kind: in each namespace asked for, or all at once.
func (r *Reader) readKind(ctx context.Context, m mapping, namespaces []string, pageSize int64, res *Result) error {
	var reqs []Request
	switch {
	case len(namespaces) == 0 || (!m.namespaced && m.gvr.GroupResource() != namespacesResource):
		reqs = append(reqs, Request{Verb: "list", Group: m.gvr.Group, Resource: m.gvr.Resource})
	case !m.namespaced:
		for _, ns := range namespaces {
			reqs = append(reqs, Request{Verb: "get", Group: m.gvr.Group, Resource: m.gvr.Resource, Name: ns})
		}
	default:
		for _, ns := range namespaces {
			reqs = append(reqs, Request{Verb: "list", Group: m.gvr.Group, Resource: m.gvr.Resource, Namespace: ns})
		}
	}
	for _, q := range reqs {
		res.Requests = append(res.Requests, q)
		items, err := r.do(ctx, m, q, pageSize)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if apierrors.IsNotFound(err) {
				continue // a named Namespace that does not exist, or a resource gone since discovery
			}
			if apierrors.IsForbidden(err) {
				res.Denied = append(res.Denied, q)
			}
			res.Problems = append(res.Problems, requestProblem(m, q, err))
			continue
		}
		for _, u := range items {
			if ownedCopy(m.gvr.GroupResource(), u) {
				continue
			}
			o, problems := object(u)
			res.Problems = append(res.Problems, problems...)
			if o != nil {
				res.Objects = append(res.Objects, o)
			}
		}
	}
	return nil
}

var namespacesResource = schema.GroupResource{Resource: "namespaces"}

// do makes one request: a paginated list, or a get.
func (r *Reader) do(ctx context.Context, m mapping, q Request, pageSize int64) ([]*unstructured.Unstructured, error) {
	client := r.c.Dynamic.Resource(m.gvr).Namespace(q.Namespace)
	if q.Verb == "get" {
		u, err := client.Get(ctx, q.Name, metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		return []*unstructured.Unstructured{u}, nil
	}
	p := pager.New(func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		return client.List(ctx, opts)
	})
	p.PageSize = pageSize
	var out []*unstructured.Unstructured
	err := p.EachListItem(ctx, metav1.ListOptions{}, func(o runtime.Object) error {
		u, ok := o.(*unstructured.Unstructured)
		if !ok {
			return fmt.Errorf("listing %s: got a %T, not an object", q.GroupResource(), o)
		}
		out = append(out, u)
		return nil
	})
	return out, err
}

// requestProblem turns a failed request into a Problem placed at the kind it could not
// read: for a 403, one that names the verb, resource and group, and namespace to grant.
func requestProblem(m mapping, q Request, err error) load.Problem {
	at := manifest.ObjectRef{APIVersion: m.gvr.GroupVersion().String(), Kind: m.kind, Namespace: q.Namespace, Name: q.Name}
	p := load.Problem{Pos: manifest.Position{Object: at}, Object: at}
	if verb, forbidden := kubeclient.ForbiddenVerb(err, q.Verb); forbidden {
		what := q.GroupResource()
		if q.Name != "" {
			what += " " + q.Name
		}
		p.Message = fmt.Sprintf("forbidden: cannot %s %s %s: grant %q on %s to the identity running ambientlint (see examples/cluster-rbac); these objects were not linted",
			verb, what, q.scope(), verb, q.GroupResource())
		return p
	}
	p.Message = fmt.Sprintf("cannot %s %s %s: %v; these objects were not linted", q.Verb, q.GroupResource(), q.scope(), err)
	return p
}

// ownedCopy reports whether u is a Pod, ReplicaSet or Job that a controller owns: made from
// a template its owner carries, which the rules judge at the owner.
func ownedCopy(gr schema.GroupResource, u *unstructured.Unstructured) bool {
	switch gr {
	case schema.GroupResource{Resource: "pods"}, schema.GroupResource{Group: "apps", Resource: "replicasets"},
		schema.GroupResource{Group: "batch", Resource: "jobs"}:
	default:
		return false
	}
	for _, ref := range u.GetOwnerReferences() {
		if ref.Controller != nil && *ref.Controller {
			return true
		}
	}
	return false
}

// object makes the manifest.Object of a live object, as the loader makes one of a file:
// the object is written as JSON (without managedFields and status, which no manifest
// holds) and parsed by load.Parse, so it has the nodes, metadata and typed value of a
// loaded object; its origin is then the live reference instead of the file.
func object(u *unstructured.Unstructured) (*manifest.Object, []load.Problem) {
	ref := manifest.ObjectRef{APIVersion: u.GetAPIVersion(), Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName()}
	c := u.DeepCopy()
	unstructured.RemoveNestedField(c.Object, "metadata", "managedFields")
	unstructured.RemoveNestedField(c.Object, "status")
	data, err := json.Marshal(c.Object)
	if err != nil {
		return nil, []load.Problem{{Pos: manifest.Position{Object: ref}, Object: ref,
			Message: fmt.Sprintf("%s: cannot be written as JSON: %v", ref, err)}}
	}
	f := &manifest.File{Path: ref.String() + ".json", Data: data}
	objects, problems := load.Parse(f)
	for i := range problems {
		problems[i].Pos = manifest.Position{Object: ref}
		problems[i].Object = ref
	}
	if len(objects) != 1 {
		return nil, problems
	}
	o := objects[0]
	o.File, o.Live = nil, &ref
	return o, problems
}
