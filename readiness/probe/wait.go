package probe

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/cache"

	"github.com/ambientkit/ambientkit/readiness"
)

// settleDelay batches the bursts of events a rollout produces into one evaluation.
const settleDelay = 50 * time.Millisecond

// Wait watches the cluster until every check is Ready or ctx ends. It keeps each query of
// [Probe.Check] in an informer (one list, then a watch) and re-evaluates from the informers'
// caches whenever an object changes, so it makes no request per evaluation and never polls.
// progress, when not nil, is called with each new report once every informer has listed.
//
// It returns the Ready report, or, when ctx ends first (a timeout, a cancellation), the last
// report seen together with an error wrapping ctx.Err(). A query the identity may not make
// stays Unknown in the report while Wait goes on waiting, and so does an enrolled namespace
// without Pods: Wait returns once its Pods exist and are captured, not before they are
// created.
func (p *Probe) Wait(ctx context.Context, progress func(readiness.Report)) (readiness.Report, error) {
	if err := p.ping(ctx); err != nil {
		return readiness.Report{}, err
	}
	ictx, stop := context.WithCancel(ctx)
	g := newInformerGetter(ictx, p.c.Dynamic)
	defer func() {
		stop()
		g.wait()
	}()
	var last readiness.Report
	for {
		select {
		case <-g.changed:
		default:
		}
		r, err := p.collect(ctx, g)
		if err != nil {
			return last, fmt.Errorf("waiting for readiness: %w", err)
		}
		if g.settled() {
			if !reflect.DeepEqual(r, last) && progress != nil {
				progress(r)
			}
			last = r
			if r.Ready() {
				return r, nil
			}
		} else if len(last.Checks) == 0 {
			last = r
		}
		select {
		case <-ctx.Done():
			return last, fmt.Errorf("waiting for readiness: %w", ctx.Err())
		case <-g.changed:
		}
		select {
		case <-ctx.Done():
			return last, fmt.Errorf("waiting for readiness: %w", ctx.Err())
		case <-time.After(settleDelay):
		}
	}
}

// informerGetter answers queries from informer caches, starting an informer the first time a
// query is asked for.
type informerGetter struct {
	ctx context.Context
	// client is the dynamic client the queries use; it tells the informers whether it
	// supports streaming lists.
	client  dynamic.Interface
	mu      sync.Mutex
	sources map[string]*source
	changed chan struct{}
	running sync.WaitGroup
}

// source is one informer, the last error its list or watch returned, and the typed objects
// converted from its cache so far.
type source struct {
	q     query
	inf   cache.SharedIndexInformer
	mu    sync.Mutex
	err   error
	typed map[cache.ObjectName]typedObject
}

// typedObject is the typed form of one version of a cached object.
type typedObject struct {
	uid             types.UID
	resourceVersion string
	obj             runtime.Object
}

func (s *source) setErr(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// A 403 stays: the informer retries, but the check cannot be trusted until it succeeds.
	if s.err != nil && apierrors.IsForbidden(s.err) && !apierrors.IsForbidden(err) {
		return
	}
	s.err = err
}

func (s *source) lastErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func newInformerGetter(ctx context.Context, client dynamic.Interface) *informerGetter {
	return &informerGetter{ctx: ctx, client: client, sources: map[string]*source{}, changed: make(chan struct{}, 1)}
}

func (g *informerGetter) notify() {
	select {
	case g.changed <- struct{}{}:
	default:
	}
}

func (g *informerGetter) get(_ context.Context, q query) ([]runtime.Object, error) {
	g.mu.Lock()
	s, ok := g.sources[q.key()]
	if !ok {
		s = g.start(q)
		g.sources[q.key()] = s
	}
	g.mu.Unlock()
	synced := s.inf.HasSynced()
	if err := s.lastErr(); err != nil && (!synced || apierrors.IsForbidden(err)) {
		return nil, err
	}
	if !synced {
		return nil, errPending
	}
	out, err := s.objects()
	if err != nil {
		return nil, err
	}
	sortObjects(out)
	return out, nil
}

// objects returns the typed objects of the informer's cache. An object is converted once per
// version: Wait re-evaluates on every change, and most objects have not changed.
func (s *source) objects() ([]runtime.Object, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items := s.inf.GetStore().List()
	out := make([]runtime.Object, 0, len(items))
	typed := make(map[cache.ObjectName]typedObject, len(items))
	for _, it := range items {
		u, ok := it.(*unstructured.Unstructured)
		if !ok {
			continue
		}
		name := cache.NewObjectName(u.GetNamespace(), u.GetName())
		t, ok := s.typed[name]
		if !ok || t.uid != u.GetUID() || t.resourceVersion != u.GetResourceVersion() {
			obj, err := s.q.convert(u)
			if err != nil {
				return nil, err
			}
			t = typedObject{uid: u.GetUID(), resourceVersion: u.GetResourceVersion(), obj: obj}
		}
		typed[name] = t
		out = append(out, t.obj)
	}
	s.typed = typed
	return out, nil
}

func (g *informerGetter) start(q query) *source {
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			opts.LabelSelector, opts.FieldSelector = q.label, q.field
			return q.client.List(ctx, opts)
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			opts.LabelSelector, opts.FieldSelector = q.label, q.field
			return q.client.Watch(ctx, opts)
		},
	}
	// The wrapper lets a client that cannot stream lists (a fake) turn streaming off, as
	// client-go's own informers do.
	s := &source{q: q, inf: cache.NewSharedIndexInformer(cache.ToListWatcherWithWatchListSemantics(lw, g.client),
		&unstructured.Unstructured{}, 0, cache.Indexers{})}
	// Errors are data here: they surface as Unknown checks rather than log lines.
	_ = s.inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
		s.setErr(err)
		g.notify()
	})
	notify := func(any) { g.notify() }
	_, _ = s.inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    notify,
		UpdateFunc: func(_, o any) { notify(o) },
		DeleteFunc: notify,
	})
	g.running.Add(2)
	go func() {
		defer g.running.Done()
		s.inf.RunWithContext(g.ctx)
	}()
	go func() {
		defer g.running.Done()
		if cache.WaitForCacheSync(g.ctx.Done(), s.inf.HasSynced) {
			g.notify()
		}
	}()
	return s
}

// settled reports whether every informer started so far has listed or failed, so that a
// report built now reflects the cluster rather than informers still starting.
func (g *informerGetter) settled() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, s := range g.sources {
		if !s.inf.HasSynced() && s.lastErr() == nil {
			return false
		}
	}
	return true
}

// wait blocks until every informer has stopped; the caller cancels their context first.
func (g *informerGetter) wait() { g.running.Wait() }
