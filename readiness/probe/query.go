package probe

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/pager"

	"github.com/ambientkit/ambientkit/internal/kubeclient"
	"github.com/ambientkit/ambientkit/readiness"
)

// query is one list (and, when waiting, watch) the probe makes: a resource, a namespace (""
// for all) and selectors. The same query is listed once by [Probe.Check] and kept in an
// informer by [Probe.Wait].
type query struct {
	gvr       schema.GroupVersionResource
	namespace string
	label     string
	field     string
	client    dynamic.ResourceInterface
	// convert makes the typed object the evaluators take out of one the dynamic client
	// returned.
	convert func(*unstructured.Unstructured) (runtime.Object, error)
}

// newQuery returns the query of the objects of kind T, served as gvr, in namespace ("" for all
// namespaces, or for a cluster-scoped kind) and matching the selectors.
func newQuery[T any, P interface {
	*T
	runtime.Object
}](p *Probe, gvr schema.GroupVersionResource, namespace, label, field string) query {
	q := query{
		gvr: gvr, namespace: namespace, label: label, field: field,
		convert: func(u *unstructured.Unstructured) (runtime.Object, error) {
			obj := P(new(T))
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.UnstructuredContent(), obj); err != nil {
				return nil, fmt.Errorf("decoding %s: %w", cache.NewObjectName(u.GetNamespace(), u.GetName()), err)
			}
			return obj, nil
		},
	}
	if p.c.Dynamic != nil {
		q.client = p.c.Dynamic.Resource(gvr).Namespace(namespace)
	}
	return q
}

// resource is plural.group ("daemonsets.apps", "pods"), as RBAC rules name it.
func (q query) resource() string {
	return q.gvr.GroupResource().String()
}

func (q query) key() string {
	return q.gvr.String() + "|" + q.namespace + "|" + q.label + "|" + q.field
}

func (q query) options() metav1.ListOptions {
	return metav1.ListOptions{LabelSelector: q.label, FieldSelector: q.field}
}

func (q query) scope() string {
	if q.namespace == "" {
		return "at the cluster scope"
	}
	return "in namespace " + q.namespace
}

// getter returns the objects a query selects, sorted by namespace and name.
type getter interface {
	get(ctx context.Context, q query) ([]runtime.Object, error)
}

// errPending is returned by the informer getter for a query whose first list has not
// completed yet.
var errPending = errors.New("not listed yet")

// listGetter lists each query through the API server, in pages.
type listGetter struct {
	pageSize int64
}

func (g listGetter) get(ctx context.Context, q query) ([]runtime.Object, error) {
	p := pager.New(func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		return q.client.List(ctx, opts)
	})
	if g.pageSize > 0 {
		p.PageSize = g.pageSize
	}
	var out []runtime.Object
	err := p.EachListItem(ctx, q.options(), func(o runtime.Object) error {
		u, ok := o.(*unstructured.Unstructured)
		if !ok {
			return fmt.Errorf("listing %s: got a %T, not an object", q.resource(), o)
		}
		t, err := q.convert(u)
		if err != nil {
			return err
		}
		out = append(out, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortObjects(out)
	return out, nil
}

func sortObjects(objs []runtime.Object) {
	slices.SortFunc(objs, func(a, b runtime.Object) int {
		ma, errA := meta.Accessor(a)
		mb, errB := meta.Accessor(b)
		if errA != nil || errB != nil {
			return 0
		}
		return cmp.Or(cmp.Compare(ma.GetNamespace(), mb.GetNamespace()), cmp.Compare(ma.GetName(), mb.GetName()))
	})
}

// pointers converts objects of type *T into a slice of *T, the shape the evaluators take. The
// objects are shared, not copied: the evaluators do not modify them, and Istio's kinds, whose
// protobuf fields must not be copied, could not be copied anyway.
func pointers[T any](objs []runtime.Object) []*T {
	out := make([]*T, 0, len(objs))
	for _, o := range objs {
		if t, ok := any(o).(*T); ok {
			out = append(out, t)
		}
	}
	return out
}

// errResult turns a failed query into an Unknown result that names what is missing.
func errResult(err error, q query) readiness.Result {
	if errors.Is(err, errPending) {
		return readiness.Result{Status: readiness.Unknown, Reason: fmt.Sprintf("waiting for the first list of %s %s", q.resource(), q.scope())}
	}
	if verb, forbidden := kubeclient.ForbiddenVerb(err, "list"); forbidden {
		return readiness.Result{
			Status: readiness.Unknown,
			Reason: fmt.Sprintf("forbidden: cannot %s %s %s", verb, q.resource(), q.scope()),
			Remediation: fmt.Sprintf("grant %q on %s to the identity running the check (see examples/ready-hook)",
				verb, q.resource()),
		}
	}
	return readiness.Result{Status: readiness.Unknown, Reason: fmt.Sprintf("listing %s %s: %v", q.resource(), q.scope(), err)}
}

// missingKind reports whether err says the API server does not serve the resource at all
// (its CRD is not installed).
func missingKind(err error) bool {
	return apierrors.IsNotFound(err) || meta.IsNoMatchError(err)
}
