// Package gentree generates synthetic GitOps repositories of Kubernetes and Istio manifests,
// of any size, for ambientlint's benchmarks: the tree is made on demand rather than checked
// in.
package gentree

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ObjectsPerApp is how many objects one generated application holds: a Namespace enrolled in
// ambient mode, its waypoint, a Deployment, a Service, a ServiceEntry, an
// AuthorizationPolicy and the Argo CD Application that deploys them.
const ObjectsPerApp = 7

// GenerateTree writes a GitOps repository of exactly objects objects into dir (created if
// needed), in about 0.6 files per object: apps/<name>/{namespace,workload,egress}.yaml (two
// objects each), argocd/<name>.yaml (one Application), and a kustomization.yaml (not an
// object) in every fourth application. Every fifth ServiceEntry uses a Flux post-build
// variable, as real repositories do. The output is the same for the same arguments.
func GenerateTree(dir string, objects int) error {
	if objects < 0 {
		return fmt.Errorf("gentree: negative object count %d", objects)
	}
	for i := 0; objects > 0; i++ {
		n := min(objects, ObjectsPerApp)
		if err := writeApp(dir, i, n); err != nil {
			return err
		}
		objects -= n
	}
	return nil
}

// writeApp writes the first n objects of application i.
func writeApp(dir string, i, n int) error {
	name := fmt.Sprintf("app-%04d", i)
	docs := []string{namespace(name), waypoint(name), deployment(name, i), service(name),
		serviceEntry(name, i), authorizationPolicy(name), application(name, i)}[:n]
	files := []struct {
		path string
		docs []string
	}{
		{filepath.Join("apps", name, "namespace.yaml"), docs[:min(n, 2)]},
		{filepath.Join("apps", name, "workload.yaml"), docs[min(n, 2):min(n, 4)]},
		{filepath.Join("apps", name, "egress.yaml"), docs[min(n, 4):min(n, 6)]},
		{filepath.Join("argocd", name+".yaml"), docs[min(n, 6):]},
	}
	if i%4 == 0 {
		files = append(files, struct {
			path string
			docs []string
		}{filepath.Join("apps", name, "kustomization.yaml"), []string{kustomization}})
	}
	for _, f := range files {
		if len(f.docs) == 0 {
			continue
		}
		p := filepath.Join(dir, f.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("gentree: %w", err)
		}
		if err := os.WriteFile(p, []byte(strings.Join(f.docs, "---\n")), 0o644); err != nil {
			return fmt.Errorf("gentree: %w", err)
		}
	}
	return nil
}

const kustomization = `resources:
  - namespace.yaml
  - workload.yaml
  - egress.yaml
`

func namespace(name string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Namespace
metadata:
  name: %[1]s
  labels:
    istio.io/dataplane-mode: ambient
    istio.io/use-waypoint: waypoint
    team: team-%[1]s
`, name)
}

func waypoint(name string) string {
	return fmt.Sprintf(`apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: waypoint
  namespace: %s
  labels:
    istio.io/waypoint-for: service
spec:
  gatewayClassName: istio-waypoint
  listeners:
    - name: mesh
      port: 15008
      protocol: HBONE
`, name)
}

func deployment(name string, i int) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
  namespace: %[1]s
  labels:
    app.kubernetes.io/name: %[1]s
    app.kubernetes.io/version: "1.%[2]d.0"
spec:
  replicas: %[3]d
  selector:
    matchLabels:
      app.kubernetes.io/name: %[1]s
  template:
    metadata:
      labels:
        app.kubernetes.io/name: %[1]s
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
    spec:
      serviceAccountName: %[1]s
      containers:
        - name: app
          image: registry.example.com/%[1]s:1.%[2]d.0
          ports:
            - name: http
              containerPort: 8080
            - name: metrics
              containerPort: 9090
          env:
            - name: UPSTREAM
              value: https://api-%[2]d.vendor.example.com
            - name: LOG_LEVEL
              value: info
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: 256Mi
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 10
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
`, name, i, 2+i%3)
}

func service(name string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Service
metadata:
  name: %[1]s
  namespace: %[1]s
spec:
  selector:
    app.kubernetes.io/name: %[1]s
  ports:
    - name: http
      port: 80
      targetPort: http
`, name)
}

func serviceEntry(name string, i int) string {
	host := fmt.Sprintf("api-%d.vendor.example.com", i)
	if i%5 == 0 {
		host = fmt.Sprintf("api-%d.${VENDOR_DOMAIN}", i)
	}
	return fmt.Sprintf(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: vendor-api
  namespace: %s
spec:
  hosts:
    - %s
  location: MESH_EXTERNAL
  resolution: DNS
  ports:
    - number: 443
      name: https
      protocol: TLS
`, name, host)
}

func authorizationPolicy(name string) string {
	return fmt.Sprintf(`apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-ingress
  namespace: %[1]s
spec:
  targetRefs:
    - kind: Gateway
      group: gateway.networking.k8s.io
      name: waypoint
  action: ALLOW
  rules:
    - from:
        - source:
            principals:
              - cluster.local/ns/ingress/sa/gateway
      to:
        - operation:
            methods: ["GET", "POST"]
            paths: ["/api/*"]
`, name)
}

func application(name string, i int) string {
	return fmt.Sprintf(`apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: %[1]s
  namespace: argocd
  annotations:
    argocd.argoproj.io/sync-wave: "%[2]d"
spec:
  project: default
  source:
    repoURL: https://git.example.com/platform/gitops.git
    targetRevision: main
    path: apps/%[1]s
  destination:
    server: https://kubernetes.default.svc
    namespace: %[1]s
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
    syncOptions:
      - CreateNamespace=true
`, name, 10+i%3)
}
