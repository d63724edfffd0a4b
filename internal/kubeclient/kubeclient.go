// Package kubeclient holds what the two readers of a live cluster (readiness/probe and
// manifest/cluster) share about talking to the API server: the client configuration without
// a client-side rate limit, and the verb a 403 names.
package kubeclient

import (
	"fmt"
	"net/http"
	"regexp"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// Config returns the dynamic client's configuration of cfg, and an HTTP client for it that
// every client of one reader shares. When cfg sets no client-side rate limit (QPS 0 and no
// RateLimiter), neither does the result, as controller-runtime's configuration loader does:
// a reader makes a bounded number of requests and the API server's priority and fairness
// bounds them, where client-go's default of 5 per second in bursts of 10 would stretch one
// read by seconds.
func Config(cfg *rest.Config) (*rest.Config, *http.Client, error) {
	dcfg := dynamic.ConfigFor(cfg)
	if dcfg.QPS == 0 && dcfg.RateLimiter == nil {
		dcfg.QPS = -1
	}
	hc, err := rest.HTTPClientFor(dcfg)
	if err != nil {
		return nil, nil, fmt.Errorf("building the HTTP client for %s: %w", cfg.Host, err)
	}
	return dcfg, hc, nil
}

var forbiddenVerb = regexp.MustCompile(`cannot (\w+) resource`)

// ForbiddenVerb reports whether err is the API server's 403, and the verb its message says
// was denied (fallback when the message names none).
func ForbiddenVerb(err error, fallback string) (verb string, forbidden bool) {
	if !apierrors.IsForbidden(err) {
		return "", false
	}
	if m := forbiddenVerb.FindStringSubmatch(err.Error()); m != nil {
		return m[1], true
	}
	return fallback, true
}
