package readiness

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/pager"
)

// query is one list (and, when waiting, watch) the probe makes: a resource, a namespace (""
// for all) and selectors. The same query is listed once by [Probe.Check] and kept in an
// informer by [Probe.Wait].
type query struct {
	// resource is plural.group ("daemonsets.apps", "pods"), as RBAC rules name it.
	resource  string
	namespace string
	label     string
	field     string
	example   runtime.Object
	list      func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error)
	watch     func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)
}

func (q query) key() string {
	return q.resource + "|" + q.namespace + "|" + q.label + "|" + q.field
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

// listWatcher is the List and Watch half of a typed client-go client.
type listWatcher[L runtime.Object] interface {
	List(ctx context.Context, opts metav1.ListOptions) (L, error)
	Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)
}

func newQuery[L runtime.Object](resource, namespace string, c listWatcher[L], example runtime.Object, label, field string) query {
	return query{
		resource: resource, namespace: namespace, label: label, field: field, example: example,
		list: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			return c.List(ctx, opts)
		},
		watch: c.Watch,
	}
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
		return q.list(ctx, opts)
	})
	if g.pageSize > 0 {
		p.PageSize = g.pageSize
	}
	var out []runtime.Object
	err := p.EachListItem(ctx, q.options(), func(o runtime.Object) error {
		out = append(out, o)
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

// values converts objects of type *T into a slice of T.
func values[T any](objs []runtime.Object) []T {
	out := make([]T, 0, len(objs))
	for _, o := range objs {
		if t, ok := any(o).(*T); ok {
			out = append(out, *t)
		}
	}
	return out
}

// pointers converts objects of type *T into a slice of *T, for the Istio kinds whose protobuf
// fields must not be copied.
func pointers[T any](objs []runtime.Object) []*T {
	out := make([]*T, 0, len(objs))
	for _, o := range objs {
		if t, ok := any(o).(*T); ok {
			out = append(out, t)
		}
	}
	return out
}

var forbiddenVerb = regexp.MustCompile(`cannot (\w+) resource`)

// errResult turns a failed query into an Unknown result that names what is missing.
func errResult(err error, q query) Result {
	switch {
	case errors.Is(err, errPending):
		return Result{Status: Unknown, Reason: fmt.Sprintf("waiting for the first list of %s %s", q.resource, q.scope())}
	case apierrors.IsForbidden(err):
		verb := "list"
		if m := forbiddenVerb.FindStringSubmatch(err.Error()); m != nil {
			verb = m[1]
		}
		return Result{
			Status: Unknown,
			Reason: fmt.Sprintf("forbidden: cannot %s %s %s", verb, q.resource, q.scope()),
			Remediation: fmt.Sprintf("grant %q on %s to the identity running the check (see examples/ready-hook)",
				verb, q.resource),
		}
	}
	return Result{Status: Unknown, Reason: fmt.Sprintf("listing %s %s: %v", q.resource, q.scope(), err)}
}

// missingKind reports whether err says the API server does not serve the resource at all
// (its CRD is not installed).
func missingKind(err error) bool {
	return apierrors.IsNotFound(err) || meta.IsNoMatchError(err)
}
