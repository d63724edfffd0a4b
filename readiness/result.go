package readiness

import (
	"cmp"
	"fmt"
	"slices"
)

// Status is the outcome of a check.
type Status string

// The statuses a check can have, from best to worst for [Report.Status]: Unknown is worse than
// NotReady because nothing can be concluded.
const (
	// Ready: the component is in the state ambient mode needs.
	Ready Status = "Ready"
	// NotReady: the component is missing, progressing or broken.
	NotReady Status = "NotReady"
	// Unknown: there is nothing to judge yet (an enrolled namespace without Pods, no waypoint
	// binding), or the probe could not read what it needs, usually for lack of a permission.
	Unknown Status = "Unknown"
)

func (s Status) rank() int {
	switch s {
	case Ready:
		return 0
	case NotReady:
		return 1
	}
	return 2
}

// Result is what an evaluator concludes about one concern.
type Result struct {
	// Status is Ready, NotReady or Unknown.
	Status Status `json:"status"`
	// Reason says why, in one line, e.g. "2/3 nodes ready".
	Reason string `json:"reason"`
	// Remediation, when the status is not Ready, is one line saying what to do, often a
	// command.
	Remediation string `json:"remediation,omitempty"`
}

func ready(format string, args ...any) Result {
	return Result{Status: Ready, Reason: fmt.Sprintf(format, args...)}
}

func notReady(remediation, format string, args ...any) Result {
	return Result{Status: NotReady, Reason: fmt.Sprintf(format, args...), Remediation: remediation}
}

// worst returns the worst of rs (Unknown over NotReady over Ready), the first of equals.
func worst(rs ...Result) Result {
	var w Result
	for i, r := range rs {
		if i == 0 || r.Status.rank() > w.Status.rank() {
			w = r
		}
	}
	return w
}

// Check is one named line of a [Report].
type Check struct {
	// Name identifies the check: "gateway-api-crds", "istio-crds", "istiod", "istio-cni",
	// "ztunnel", "waypoint NS/NAME" (or "waypoints" when they cannot be listed),
	// "waypoint-bindings NS", "enrollment NS" (or "enrollment" when no namespace is in scope),
	// "kiali".
	Name string `json:"check"`
	Result
	// Restarts, on an enrollment check, lists the workloads whose Pods still carry a sidecar.
	Restarts []Restart `json:"restarts,omitempty"`
}

// Report is the outcome of a whole readiness check.
type Report struct {
	// Checks are sorted by the order the mesh is brought up in, then by name.
	Checks []Check `json:"checks"`
}

// Status returns the worst status of the report's checks: Ready only if all are Ready. An
// empty report is Unknown.
func (r Report) Status() Status {
	if len(r.Checks) == 0 {
		return Unknown
	}
	s := Ready
	for _, c := range r.Checks {
		if c.Status.rank() > s.rank() {
			s = c.Status
		}
	}
	return s
}

// Ready reports whether every check is Ready.
func (r Report) Ready() bool { return r.Status() == Ready }

// Counts returns how many checks are Ready, and how many there are.
func (r Report) Counts() (readyChecks, total int) {
	for _, c := range r.Checks {
		if c.Status == Ready {
			readyChecks++
		}
	}
	return readyChecks, len(r.Checks)
}

// FirstPending returns the first check that is not Ready, in report order.
func (r Report) FirstPending() (Check, bool) {
	for _, c := range r.Checks {
		if c.Status != Ready {
			return c, true
		}
	}
	return Check{}, false
}

// Progress returns a one-line summary, e.g. "ready 4/6 · waiting for ztunnel: 2/3 nodes ready".
func (r Report) Progress() string {
	n, total := r.Counts()
	line := fmt.Sprintf("ready %d/%d", n, total)
	if c, ok := r.FirstPending(); ok {
		line += fmt.Sprintf(" · waiting for %s: %s", c.Name, c.Reason)
	}
	return line
}

// checkOrder ranks check kinds in the order the mesh is brought up.
var checkOrder = []string{
	"gateway-api-crds", "istio-crds", "istiod", "istio-cni", "ztunnel",
	"waypoints", "waypoint", "waypoint-bindings", "enrollment", "kiali",
}

func kindRank(name string) int {
	for i, k := range checkOrder {
		if name == k || len(name) > len(k) && name[:len(k)+1] == k+" " {
			return i
		}
	}
	return len(checkOrder)
}

// NewReport returns the report of checks: a copy of them sorted by the order the mesh is
// brought up in, then by name. checks itself is left as it is.
func NewReport(checks []Check) Report {
	checks = slices.Clone(checks)
	sortChecks(checks)
	return Report{Checks: checks}
}

func sortChecks(cs []Check) {
	slices.SortStableFunc(cs, func(a, b Check) int {
		return cmp.Or(cmp.Compare(kindRank(a.Name), kindRank(b.Name)), cmp.Compare(a.Name, b.Name))
	})
}
