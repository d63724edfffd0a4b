package cluster

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	fakediscovery "k8s.io/client-go/discovery/fake"
	"k8s.io/client-go/dynamic"
	fakedynamic "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"
)

// fakeCluster serves Namespaces, Secrets, Services and ServiceEntries (v1, preferred, and
// v1beta1) with n
// Services in namespace shop, and records the options of every list; ServiceEntries are
// forbidden.
func fakeCluster(t *testing.T, services int) (*Reader, *[]listCall) {
	t.Helper()
	svc := schema.GroupVersionResource{Version: "v1", Resource: "services"}
	ns := schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	se := schema.GroupVersionResource{Group: "networking.istio.io", Version: "v1", Resource: "serviceentries"}
	var objs []runtime.Object
	for i := range services {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion("v1")
		u.SetKind("Service")
		u.SetNamespace("shop")
		u.SetName(fmt.Sprintf("svc-%04d", i))
		objs = append(objs, u)
	}
	dyn := fakedynamic.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{svc: "ServiceList", ns: "NamespaceList", se: "ServiceEntryList"}, objs...)
	dyn.PrependReactor("list", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.GetResource() == se {
			return true, nil, apierrors.NewForbidden(se.GroupResource(), "", fmt.Errorf(`User "x" cannot list resource "serviceentries" in API group "networking.istio.io" at the cluster scope`))
		}
		return false, nil, nil
	})
	disc := &fakediscovery.FakeDiscovery{Fake: &k8stesting.Fake{}}
	disc.Resources = []*metav1.APIResourceList{
		{GroupVersion: "v1", APIResources: []metav1.APIResource{
			{Name: "services", Kind: "Service", Namespaced: true, Verbs: []string{"get", "list"}},
			{Name: "services/status", Kind: "Service", Namespaced: true, Verbs: []string{"get"}},
			{Name: "namespaces", Kind: "Namespace", Verbs: []string{"get", "list"}},
			{Name: "secrets", Kind: "Secret", Namespaced: true, Verbs: []string{"get", "list"}},
		}},
		{GroupVersion: "networking.istio.io/v1", APIResources: []metav1.APIResource{
			{Name: "serviceentries", Kind: "ServiceEntry", Namespaced: true, Verbs: []string{"get", "list"}},
		}},
		{GroupVersion: "networking.istio.io/v1beta1", APIResources: []metav1.APIResource{
			{Name: "serviceentries", Kind: "ServiceEntry", Namespaced: true, Verbs: []string{"get", "list"}},
		}},
	}
	rec := &recorder{Interface: dyn}
	return NewForClients(Clients{Dynamic: rec, Discovery: disc}), &rec.lists
}

// recorder records the options of every list, and serves a list in pages of opts.Limit
// objects, with the index of the next one as the continue token, as the API server does.
type recorder struct {
	dynamic.Interface
	lists []listCall
}

type listCall struct {
	gvr  schema.GroupVersionResource
	opts metav1.ListOptions
}

func (r *recorder) Resource(gvr schema.GroupVersionResource) dynamic.NamespaceableResourceInterface {
	return recordedResource{r.Interface.Resource(gvr), r, gvr, ""}
}

type recordedResource struct {
	dynamic.NamespaceableResourceInterface
	r   *recorder
	gvr schema.GroupVersionResource
	ns  string
}

func (rr recordedResource) Namespace(ns string) dynamic.ResourceInterface {
	rr.NamespaceableResourceInterface, rr.ns = rr.NamespaceableResourceInterface.Namespace(ns).(dynamic.NamespaceableResourceInterface), ns
	return rr
}

func (rr recordedResource) List(ctx context.Context, opts metav1.ListOptions) (*unstructured.UnstructuredList, error) {
	rr.r.lists = append(rr.r.lists, listCall{rr.gvr, opts})
	all, err := rr.r.Interface.Resource(rr.gvr).Namespace(rr.ns).List(ctx, metav1.ListOptions{})
	if err != nil || opts.Limit == 0 {
		return all, err
	}
	from, _ := strconv.Atoi(cmp.Or(opts.Continue, "0"))
	to := min(from+int(opts.Limit), len(all.Items))
	page := all.DeepCopy()
	page.Items = page.Items[from:to]
	page.SetContinue("")
	if to < len(all.Items) {
		page.SetContinue(strconv.Itoa(to))
	}
	return page, nil
}

func TestRead(t *testing.T) {
	t.Run("only the kinds asked for are listed, in pages of the default size", func(t *testing.T) {
		r, lists := fakeCluster(t, 3)
		res, err := r.Read(t.Context(), Options{Kinds: []string{"/Service", "networking.istio.io/ServiceEntry", "kiali.io/Kiali"}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range *lists {
			got = append(got, fmt.Sprintf("%s limit=%d", l.gvr.String(), l.opts.Limit))
		}
		want := []string{"/v1, Resource=services limit=500", "networking.istio.io/v1, Resource=serviceentries limit=500"}
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("lists (-want +got):\n%s", diff)
		}
		if len(res.Objects) != 3 || res.Objects[0].Live == nil || res.Objects[0].File != nil || res.Objects[0].Typed == nil {
			t.Errorf("objects = %+v", res.Objects)
		}
	})
	t.Run("a forbidden list is a problem that names the permission", func(t *testing.T) {
		r, _ := fakeCluster(t, 0)
		res, err := r.Read(t.Context(), Options{Kinds: []string{"networking.istio.io/ServiceEntry"}, Namespaces: []string{"shop"}})
		if err != nil {
			t.Fatal(err)
		}
		want := `forbidden: cannot list serviceentries.networking.istio.io in namespace shop: grant "list" on serviceentries.networking.istio.io to the identity running ambientlint (see examples/cluster-rbac); these objects were not linted`
		if len(res.Problems) != 1 || res.Problems[0].Message != want || res.Problems[0].Pos.String() != "ServiceEntry shop/*" {
			t.Errorf("problems = %+v", res.Problems)
		}
		if diff := gocmp.Diff([]Request{{Verb: "list", Group: "networking.istio.io", Resource: "serviceentries", Namespace: "shop"}}, res.Denied); diff != "" {
			t.Errorf("denied (-want +got):\n%s", diff)
		}
	})
	t.Run("a list goes on page by page until the server has no more", func(t *testing.T) {
		r, lists := fakeCluster(t, 5)
		res, err := r.Read(t.Context(), Options{Kinds: []string{"/Service"}, PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range *lists {
			got = append(got, fmt.Sprintf("limit=%d continue=%q", l.opts.Limit, l.opts.Continue))
		}
		if diff := gocmp.Diff([]string{`limit=2 continue=""`, `limit=2 continue="2"`, `limit=2 continue="4"`}, got); diff != "" {
			t.Errorf("lists (-want +got):\n%s", diff)
		}
		if len(res.Objects) != 5 || res.Objects[4].Ref.Name != "svc-0004" {
			t.Errorf("read %d objects, want the 5 Services", len(res.Objects))
		}
	})
}
