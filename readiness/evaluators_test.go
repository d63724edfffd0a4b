package readiness

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
)

const gatewayInstall = "kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.3/standard-install.yaml"

func TestGatewayAPICRDs(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		istio   string
		want    Result
	}{
		{"v1.6.3 CRDs satisfy Istio 1.31", "crds/gateway-api-v1.6.3.yaml", "1.31.0",
			Result{Status: Ready, Reason: "Gateway API CRDs v1.6.3 established"}},
		{"v1.4.0 CRDs satisfy Istio 1.29", "crds/gateway-api-v1.4.0.yaml", "1.29.3",
			Result{Status: Ready, Reason: "Gateway API CRDs v1.4.0 established"}},
		{"a v1.4.0 TLSRoute CRD is below what Istio 1.30 requires", "crds/gateway-api-v1.4.0.yaml", "1.30.1",
			Result{Status: NotReady, Remediation: gatewayInstall,
				Reason: "CRD tlsroutes.gateway.networking.k8s.io is at v1.4.0, below the v1.5.0 Istio 1.30 requires; istiod ignores its resources"}},
		{"an unknown Istio version is held to the newest minimums", "crds/gateway-api-v1.4.0.yaml", "",
			Result{Status: NotReady, Remediation: gatewayInstall,
				Reason: "CRD tlsroutes.gateway.networking.k8s.io is at v1.4.0, below the v1.5.0 Istio 1.31 requires; istiod ignores its resources"}},
		{"a release candidate counts as its release", "crds/gateway-api-rc.yaml", "1.31.0",
			Result{Status: Ready, Reason: "Gateway API CRDs v1.6.0-rc.1 established"}},
		{"a missing gateways CRD is NotReady with the install command", "crds/gateway-api-missing-gateways.yaml", "1.30.0",
			Result{Status: NotReady, Remediation: gatewayInstall,
				Reason: "Gateway API CRD gateways.gateway.networking.k8s.io not installed"}},
		{"a CRD not yet established is NotReady", "crds/gateway-api-not-established.yaml", "1.30.0",
			Result{Status: NotReady, Remediation: gatewayInstall,
				Reason: "CRD gateways.gateway.networking.k8s.io not established yet"}},
		{"conflicting names are NotReady", "crds/gateway-api-names-conflict.yaml", "1.30.0",
			Result{Status: NotReady, Remediation: "rename or remove the CRD whose names conflict with it",
				Reason: "CRD gateways.gateway.networking.k8s.io names not accepted: no conflicts found"}},
		{"a checked CRD without a bundle version is ignored by Istio", "crds/gateway-api-no-bundle-version.yaml", "1.30.0",
			Result{Status: NotReady, Remediation: gatewayInstall,
				Reason: "CRD grpcroutes.gateway.networking.k8s.io has no gateway.networking.k8s.io/bundle-version annotation; Istio 1.30 ignores it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := GatewayAPICRDs(load(t, tt.fixture).CRDs, tt.istio)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("GatewayAPICRDs() mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("no CRDs at all is NotReady naming both required ones", func(t *testing.T) {
		want := Result{Status: NotReady, Remediation: gatewayInstall,
			Reason: "Gateway API CRD gatewayclasses.gateway.networking.k8s.io, gateways.gateway.networking.k8s.io not installed"}
		if diff := cmp.Diff(want, GatewayAPICRDs(nil, "1.30.0")); diff != "" {
			t.Errorf("GatewayAPICRDs(nil) mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestRequiredGatewayAPICRDsIsACopy(t *testing.T) {
	want := []string{"gatewayclasses.gateway.networking.k8s.io", "gateways.gateway.networking.k8s.io"}
	got := RequiredGatewayAPICRDs()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("RequiredGatewayAPICRDs() mismatch (-want +got):\n%s", diff)
	}
	got[0] = "changed"
	if diff := cmp.Diff(want, RequiredGatewayAPICRDs()); diff != "" {
		t.Errorf("changing the returned slice changed the next result (-want +got):\n%s", diff)
	}
}

func TestIstioCRDs(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		istio   string
		want    Result
	}{
		{"Istio 1.29's base CRDs are enough for 1.29", "crds/istio-base-1.29.yaml", "1.29.0",
			Result{Status: Ready, Reason: "14 Istio CRDs established"}},
		{"Istio 1.30 also needs TrafficExtension", "crds/istio-base-1.29.yaml", "1.30.0",
			Result{Status: NotReady, Remediation: istioBaseInstall,
				Reason: "Istio 1.30 CRD trafficextensions.extensions.istio.io not installed"}},
		{"Istio 1.30's base CRDs are enough for 1.31", "crds/istio-base-1.30.yaml", "1.31.2",
			Result{Status: Ready, Reason: "15 Istio CRDs established"}},
		{"no Istio CRDs at all is NotReady with the install command", "crds/gateway-api-v1.6.3.yaml", "1.30.0",
			Result{Status: NotReady, Remediation: istioBaseInstall, Reason: "Istio CRDs not installed"}},
		{"a CRD not established is NotReady", "crds/istio-base-not-established.yaml", "1.30.0",
			Result{Status: NotReady, Reason: "CRD sidecars.networking.istio.io not established yet"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := IstioCRDs(load(t, tt.fixture).CRDs, tt.istio)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("IstioCRDs() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIstioMinor(t *testing.T) {
	for in, want := range map[string]string{
		"1.30.2": "1.30", "v1.31.0-rc.0": "1.31", "1.29.1-distroless": "1.29",
		"1.27.5": "1.28", "1.40.0": "1.31", "": "1.31", "master": "1.31",
	} {
		t.Run(in+" maps to "+want, func(t *testing.T) {
			if got := IstioMinor(in); got != want {
				t.Errorf("IstioMinor(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestIstiod(t *testing.T) {
	rollout := "kubectl -n istio-system rollout status deployment/istiod"
	tests := []struct {
		name    string
		fixture string
		want    Result
	}{
		{"a rolled-out istiod is Ready", "istiod/ready.yaml",
			Result{Status: Ready, Reason: "Deployment istio-system/istiod 2/2 replicas available"}},
		{"a generation not yet observed is NotReady", "istiod/generation-skew.yaml",
			Result{Status: NotReady, Remediation: rollout,
				Reason: "Deployment istio-system/istiod generation 4 not observed yet (observed 3)"}},
		{"desired 0 is NotReady", "istiod/desired-0.yaml",
			Result{Status: NotReady, Remediation: "kubectl -n istio-system scale deployment/istiod --replicas=1",
				Reason: "Deployment istio-system/istiod is scaled to 0 replicas"}},
		{"old replicas still running is NotReady", "istiod/old-replicas.yaml",
			Result{Status: NotReady, Remediation: rollout,
				Reason: "Deployment istio-system/istiod 1 old replicas pending termination"}},
		{"too few updated replicas is NotReady", "istiod/not-updated.yaml",
			Result{Status: NotReady, Remediation: rollout, Reason: "Deployment istio-system/istiod 1/2 replicas updated"}},
		{"too few ready replicas is NotReady", "istiod/not-ready.yaml",
			Result{Status: NotReady, Remediation: rollout, Reason: "Deployment istio-system/istiod 1/2 replicas ready"}},
		{"ready but not yet available is NotReady", "istiod/not-available.yaml",
			Result{Status: NotReady, Remediation: rollout, Reason: "Deployment istio-system/istiod 1/2 replicas available"}},
		{"a rollout past its deadline is NotReady", "istiod/stuck.yaml",
			Result{Status: NotReady, Remediation: "kubectl -n istio-system describe deployment/istiod",
				Reason: `Deployment istio-system/istiod rollout stuck: ReplicaSet "istiod-7d4f" has timed out progressing.`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Istiod(load(t, tt.fixture).Deployments)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Istiod() mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("no istiod is NotReady with the install command", func(t *testing.T) {
		want := Result{Status: NotReady, Remediation: istiodInstall, Reason: "no istiod Deployment (app=istiod) found"}
		if diff := cmp.Diff(want, Istiod(nil)); diff != "" {
			t.Errorf("Istiod(nil) mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want, Istiod([]*appsv1.Deployment{nil})); diff != "" {
			t.Errorf("Istiod of a nil entry mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("the Istio version is read from istiod", func(t *testing.T) {
		f := load(t, "istiod/ready.yaml")
		if got := IstioVersion(f.Deployments); got != "1.30.2" {
			t.Errorf("IstioVersion() = %q, want 1.30.2", got)
		}
		delete(f.Deployments[0].Labels, labelVersion)
		if got := IstioVersion(f.Deployments); got != "1.30.2-distroless" {
			t.Errorf("IstioVersion() from the image = %q, want 1.30.2-distroless", got)
		}
	})
}

func TestDaemonSets(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		eval    func(t *testing.T, f fixture) Result
		want    Result
	}{
		{"istio-cni on every node is Ready", "daemonset/cni-ready.yaml", cni,
			Result{Status: Ready, Reason: "3/3 nodes ready"}},
		{"istio-cni missing a node within maxUnavailable is NotReady (Helm would pass it)", "daemonset/cni-maxunavailable-slack.yaml", cni,
			Result{Status: NotReady, Remediation: "kubectl -n istio-system get pods -l k8s-app=istio-cni-node -o wide",
				Reason: "2/3 nodes ready"}},
		{"a generation not yet observed is NotReady", "daemonset/cni-generation-skew.yaml", cni,
			Result{Status: NotReady, Remediation: "kubectl -n istio-system rollout status daemonset/istio-cni-node",
				Reason: "DaemonSet istio-system/istio-cni-node generation 2 not observed yet (observed 1)"}},
		{"ztunnel on every node is Ready", "daemonset/ztunnel-ready.yaml", zt,
			Result{Status: Ready, Reason: "3/3 nodes ready"}},
		{"ztunnel scheduled on no node is NotReady", "daemonset/ztunnel-desired-0.yaml", zt,
			Result{Status: NotReady, Remediation: "check the nodeSelector, affinity and tolerations of daemonset/ztunnel in istio-system",
				Reason: "DaemonSet istio-system/ztunnel is scheduled on no node"}},
		{"ztunnel mid-rollout is NotReady", "daemonset/ztunnel-not-updated.yaml", zt,
			Result{Status: NotReady, Remediation: "kubectl -n istio-system rollout status daemonset/ztunnel",
				Reason: "2/3 nodes updated"}},
		{"ztunnel not ready on a node is NotReady", "daemonset/ztunnel-partly-ready.yaml", zt,
			Result{Status: NotReady, Remediation: "kubectl -n istio-system get pods -l app=ztunnel -o wide",
				Reason: "2/3 nodes ready"}},
		{"ztunnel without a selector lists its Pods by ztunnel's own selector", "daemonset/ztunnel-no-selector.yaml", zt,
			Result{Status: NotReady, Remediation: "kubectl -n istio-system get pods -l app=ztunnel -o wide",
				Reason: "2/3 nodes ready"}},
		{"a DaemonSet of no known component without a selector is described", "daemonset/ztunnel-no-selector.yaml", ds,
			Result{Status: NotReady, Remediation: "kubectl -n istio-system describe daemonset/ztunnel",
				Reason: "2/3 nodes ready"}},
		{"a set-based selector is quoted for the shell", "daemonset/ztunnel-set-selector.yaml", zt,
			Result{Status: NotReady, Remediation: "kubectl -n istio-system get pods -l 'app in (ztunnel,ztunnel-canary)' -o wide",
				Reason: "2/3 nodes ready"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.eval(t, load(t, tt.fixture))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("no ztunnel is NotReady with the install command", func(t *testing.T) {
		want := Result{Status: NotReady, Remediation: ztunnelInstall, Reason: "no ztunnel DaemonSet (app=ztunnel) found"}
		if diff := cmp.Diff(want, Ztunnel(nil)); diff != "" {
			t.Errorf("Ztunnel(nil) mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("no istio-cni is NotReady with the install command", func(t *testing.T) {
		want := Result{Status: NotReady, Remediation: istioCNIInstall, Reason: "no istio-cni DaemonSet (k8s-app=istio-cni-node) found"}
		if diff := cmp.Diff(want, IstioCNI([]*appsv1.DaemonSet{nil})); diff != "" {
			t.Errorf("IstioCNI of a nil entry mismatch (-want +got):\n%s", diff)
		}
	})
}

func cni(_ *testing.T, f fixture) Result { return IstioCNI(f.DaemonSets) }
func zt(_ *testing.T, f fixture) Result  { return Ztunnel(f.DaemonSets) }
func ds(_ *testing.T, f fixture) Result  { return DaemonSet(f.DaemonSets[0]) }

func TestWaypoint(t *testing.T) {
	describe := "kubectl -n shop describe gateway/waypoint"
	tests := []struct {
		name    string
		fixture string
		want    Result
	}{
		{"a programmed waypoint with an available Deployment is Ready", "waypoint/ready.yaml",
			Result{Status: Ready, Reason: "programmed; Deployment shop/waypoint 1/1 replicas available"}},
		{"Programmed without a Deployment is NotReady", "waypoint/programmed-without-deployment.yaml",
			Result{Status: NotReady, Remediation: describe,
				Reason: "programmed, but no Deployment labelled gateway.networking.k8s.io/gateway-name=waypoint"}},
		{"another Gateway's Deployment does not count", "waypoint/deployment-of-another-gateway.yaml",
			Result{Status: NotReady, Remediation: describe,
				Reason: "programmed, but no Deployment labelled gateway.networking.k8s.io/gateway-name=waypoint"}},
		{"Programmed for an older generation is NotReady", "waypoint/programmed-for-old-generation.yaml",
			Result{Status: NotReady, Remediation: describe, Reason: "generation 3 not programmed yet (status is for 2)"}},
		{"an unavailable Deployment is NotReady", "waypoint/deployment-unavailable.yaml",
			Result{Status: NotReady, Remediation: "kubectl -n shop rollout status deployment/waypoint",
				Reason: "Deployment shop/waypoint 0/1 replicas ready"}},
		{"Programmed False is NotReady with Istio's reason", "waypoint/not-programmed.yaml",
			Result{Status: NotReady, Remediation: describe,
				Reason: "not programmed: AddressNotAssigned: Resource programmed, assigned to service(s) waypoint.shop.svc.cluster.local:15008"}},
		{"no Programmed condition yet is NotReady", "waypoint/no-programmed-condition.yaml",
			Result{Status: NotReady, Remediation: describe, Reason: "not programmed yet"}},
		{"Accepted False is NotReady", "waypoint/not-accepted.yaml",
			Result{Status: NotReady, Remediation: describe, Reason: "not accepted: InvalidParameters: unsupported listener"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t, tt.fixture)
			got := Waypoint(f.Gateways[0], f.Deployments)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Waypoint() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWaypointBindings(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		want    Result
	}{
		{"accepted bindings are Ready and unbound Services ignored", "bindings/bound.yaml",
			Result{Status: Ready, Reason: "2/2 waypoint bindings accepted"}},
		{"failed bindings are NotReady naming each object", "bindings/failed.yaml",
			Result{Status: NotReady,
				Remediation: "check the istio.io/use-waypoint labels and that the waypoint exists and allows this namespace",
				Reason: "2/3 waypoint bindings failed: Service cart: WaypointNotFound: waypoint shop/missing not found; " +
					"ServiceEntry api: WaypointNotFound: waypoint shop/missing not found"}},
		{"nothing bound is Unknown, not Ready", "bindings/unbound.yaml",
			Result{Status: Unknown,
				Remediation: "label a Service or ServiceEntry istio.io/use-waypoint=<waypoint> to bind it, then check again",
				Reason:      "no Service or ServiceEntry is bound to a waypoint (none carries istio.io/WaypointBound)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t, tt.fixture)
			got := WaypointBindings(f.Services, f.ServiceEntries)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("WaypointBindings() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnrollment(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		want    EnrollmentStatus
	}{
		{"captured Pods are Ready; host-network, finished and opted-out Pods are set aside", "enrollment/captured.yaml",
			EnrollmentStatus{
				Result:    Result{Status: Ready, Reason: "2/2 pods captured, 1 host-network exempt, 1 out of mesh"},
				Namespace: "shop", Captured: []string{"cart-7d4f-a", "cart-7d4f-b"},
				HostNetwork: []string{"node-agent"}, OutOfMesh: []string{"legacy"},
			}},
		{"pending capture and starting Pods are NotReady", "enrollment/pending.yaml",
			EnrollmentStatus{
				Result: Result{Status: NotReady, Remediation: "wait for istio-cni to capture them",
					Reason: "2/3 pods pending capture: cart-7d4f-b, web-0"},
				Namespace: "shop", Captured: []string{"cart-7d4f-a"}, Pending: []string{"cart-7d4f-b", "web-0"},
			}},
		{"a running Pod without redirection is not captured", "enrollment/not-captured.yaml",
			EnrollmentStatus{
				Result: Result{Status: NotReady,
					Remediation: "check istio-cni on the Pods' nodes: kubectl -n istio-system get pods -l k8s-app=istio-cni-node -o wide",
					Reason:      "1/2 pods not captured: cart-7d4f-b"},
				Namespace: "shop", Captured: []string{"cart-7d4f-a"}, NotCaptured: []string{"cart-7d4f-b"},
			}},
		{"Pods still carrying a sidecar name their workload and its restart", "enrollment/sidecar.yaml",
			EnrollmentStatus{
				Result: Result{Status: NotReady,
					Remediation: "kubectl -n shop rollout restart deployment/cart; kubectl -n shop delete pod debug; " +
						"kubectl -n shop delete pod orphan-x; kubectl -n shop rollout restart statefulset/web",
					Reason: "5 pods still carry a sidecar: restart deployment/cart, pod/debug, replicaset/orphan, statefulset/web"},
				Namespace: "shop", Captured: []string{"api-1"},
				Restarts: []Restart{
					{Namespace: "shop", Kind: "Deployment", Name: "cart", Pods: []string{"cart-5c9b-a", "cart-5c9b-b"},
						Command: "kubectl -n shop rollout restart deployment/cart"},
					{Namespace: "shop", Kind: "Pod", Name: "debug", Pods: []string{"debug"}, Command: "kubectl -n shop delete pod debug"},
					{Namespace: "shop", Kind: "ReplicaSet", Name: "orphan", Pods: []string{"orphan-x"},
						Command: "kubectl -n shop delete pod orphan-x"},
					{Namespace: "shop", Kind: "StatefulSet", Name: "web", Pods: []string{"web-0"},
						Command: "kubectl -n shop rollout restart statefulset/web"},
				},
			}},
		{"a Pod that asked for its sidecar is out of the mesh, not a restart", "enrollment/sidecar-by-choice.yaml",
			EnrollmentStatus{
				Result:    Result{Status: Ready, Reason: "1/1 pods captured, 1 out of mesh"},
				Namespace: "shop", Captured: []string{"cart-7d4f-a"}, OutOfMesh: []string{"proxy-7d4f-a"},
			}},
		{"a namespace asking for both modes is NotReady", "enrollment/conflict.yaml",
			EnrollmentStatus{
				Result: Result{Status: NotReady,
					Remediation: "remove sidecar injection (istio-injection, istio.io/rev, sidecar.istio.io/inject) from namespace shop or its Pods",
					Reason:      "1 pods ask for both ambient mode and a sidecar: cart-7d4f-a"},
				Namespace: "shop", Conflicting: []string{"cart-7d4f-a"},
			}},
		{"an enrolled namespace without Pods is Unknown, not Ready", "enrollment/no-pods.yaml",
			EnrollmentStatus{
				Result: Result{Status: Unknown, Remediation: "deploy the workloads of namespace shop, then check again",
					Reason: "no Pods yet, so their capture cannot be checked"},
				Namespace: "shop",
			}},
		{"finished and terminating Pods alone leave capture Unknown", "enrollment/only-finished.yaml",
			EnrollmentStatus{
				Result: Result{Status: Unknown, Remediation: "deploy the workloads of namespace shop, then check again",
					Reason: "no Pods yet, so their capture cannot be checked"},
				Namespace: "shop",
			}},
		{"Pods that all stay out of ambient mode by design are Ready, saying so", "enrollment/none-meant.yaml",
			EnrollmentStatus{
				Result:    Result{Status: Ready, Reason: "no pods meant for ambient mode: 1 host-network exempt, 1 out of mesh"},
				Namespace: "shop", HostNetwork: []string{"node-agent"}, OutOfMesh: []string{"legacy"},
			}},
		{"a namespace without the label is not enrolled", "enrollment/not-enrolled.yaml",
			EnrollmentStatus{
				Result: Result{Status: NotReady, Remediation: "kubectl label namespace shop istio.io/dataplane-mode=ambient",
					Reason: "namespace not enrolled (no istio.io/dataplane-mode=ambient label)"},
				Namespace: "shop",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t, tt.fixture)
			got := Enrollment(f.Namespaces[0], f.Pods, f.ReplicaSets)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Enrollment() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKiali(t *testing.T) {
	portForward := "make Kiali's Service ClusterIP and remove its routes; reach it with kubectl -n istio-system port-forward svc/kiali 20001"
	tests := []struct {
		name    string
		fixture string
		want    Result
	}{
		{"no Kiali is Ready", "kiali/none.yaml", Result{Status: Ready, Reason: "no Kiali Service found"}},
		{"a ClusterIP Kiali is Ready", "kiali/clusterip.yaml",
			Result{Status: Ready, Reason: "Kiali (istio-system/kiali) is not exposed outside the cluster"}},
		{"a NodePort Kiali is NotReady", "kiali/nodeport.yaml",
			Result{Status: NotReady, Remediation: portForward,
				Reason: "Kiali is reachable from outside the cluster: Service istio-system/kiali: Service type NodePort opens a port on every node"}},
		{"external IPs expose Kiali", "kiali/external-ips.yaml",
			Result{Status: NotReady, Remediation: portForward,
				Reason: "Kiali is reachable from outside the cluster: Service istio-system/kiali: Service has externalIPs 192.0.2.10"}},
		{"an HTTPRoute on an ingress Gateway exposes Kiali", "kiali/httproute.yaml",
			Result{Status: NotReady, Remediation: portForward,
				Reason: "Kiali is reachable from outside the cluster: HTTPRoute istio-system/kiali via Gateway istio-ingress/public"}},
		{"routes on a waypoint or the mesh only do not expose Kiali", "kiali/mesh-only-routes.yaml",
			Result{Status: Ready, Reason: "Kiali (istio-system/kiali) is not exposed outside the cluster"}},
		{"an Ingress and a VirtualService on a Gateway expose Kiali", "kiali/ingress-and-virtualservice.yaml",
			Result{Status: NotReady, Remediation: portForward,
				Reason: "Kiali is reachable from outside the cluster: Ingress istio-system/kiali via IngressClass nginx; " +
					"VirtualService istio-system/kiali via Gateway istio-ingress/public"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t, tt.fixture)
			got := Kiali(KialiObjects{Services: f.Services, Ingresses: f.Ingresses, HTTPRoutes: f.HTTPRoutes,
				VirtualServices: f.VirtualServices, Gateways: f.Gateways})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Kiali() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReport(t *testing.T) {
	r := Report{Checks: []Check{
		{Name: "istiod", Result: Result{Status: Ready}},
		{Name: "ztunnel", Result: Result{Status: NotReady, Reason: "2/3 nodes ready"}},
		{Name: "kiali", Result: Result{Status: Ready}},
	}}
	if got, want := r.Progress(), "ready 2/3 · waiting for ztunnel: 2/3 nodes ready"; got != want {
		t.Errorf("Progress() = %q, want %q", got, want)
	}
	if r.Status() != NotReady || r.Ready() {
		t.Errorf("Status() = %v, want NotReady", r.Status())
	}
	r.Checks = append(r.Checks, Check{Name: "enrollment shop", Result: Result{Status: Unknown}})
	if r.Status() != Unknown {
		t.Errorf("Status() with an Unknown check = %v, want Unknown", r.Status())
	}
	sortChecks(r.Checks)
	var names []string
	for _, c := range r.Checks {
		names = append(names, c.Name)
	}
	if diff := cmp.Diff([]string{"istiod", "ztunnel", "enrollment shop", "kiali"}, names); diff != "" {
		t.Errorf("check order mismatch (-want +got):\n%s", diff)
	}
}
