package ambient

// A Problem is what the SDK's checks report about an object ([waypoint.Validate],
// [egress.Validate]): something Istio would reject, accept only with a warning, or accept
// while it does not do what it looks like it does. Every check of the SDK reports with this
// one type, and a check that finds nothing returns no Problems.
//
// [waypoint.Validate]: https://pkg.go.dev/github.com/ambientkit/ambientkit/waypoint#Validate
// [egress.Validate]: https://pkg.go.dev/github.com/ambientkit/ambientkit/egress#Validate
type Problem struct {
	// Code is a short stable identifier of the kind of problem, one of the Code constants
	// of the package that reports it. Programs compare Codes, never Messages.
	Code Code
	// Severity says whether the object is broken (Error) or works in a way that is likely
	// not meant (Warning).
	Severity Severity
	// Path is the field the problem is about, such as spec.ports[1].name: dot-separated field
	// names, [i] for list indexes and ["key"] for map keys (a quoted key may contain dots). It
	// is empty for a problem with the whole object.
	Path string
	// Message says what is wrong, in a sentence without the object's name.
	Message string
	// Suggest, when not empty, is a value (or YAML fragment) for Path that would fix it.
	Suggest string
	// Judged, when not empty, is the value the problem is about when it is not the one at
	// Path: the host that a DNS resolution was checked against.
	Judged string
}

// A Code identifies a kind of [Problem]. Codes are stable: a code is never reused for
// another kind of problem.
type Code string

// Severity is how bad a [Problem] is.
type Severity int

const (
	// Error: Istio rejects the object, or the object defeats its own purpose (a waypoint that
	// cannot serve, an egress entry that names no host in particular).
	Error Severity = iota
	// Warning: Istio accepts the object, and it works, but not as it reads.
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}
