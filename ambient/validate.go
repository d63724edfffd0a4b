package ambient

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ambientkit/ambientkit/internal/textdist"
)

// InvalidValueError is the error [ValidateValue] returns for a value Istio does not accept.
type InvalidValueError struct {
	// Key is the label or annotation key.
	Key string
	// Value is the value that was given.
	Value string
	// Allowed lists the values Istio accepts for Key.
	Allowed []string
	// Suggestion is the accepted value that Value spells with different case or surrounding
	// spaces ("Ambient" for "ambient"), or "" when there is none.
	Suggestion string
}

// Error says which value is wrong, which values Istio accepts and, when there is one, the
// value that was probably meant.
func (e *InvalidValueError) Error() string {
	msg := fmt.Sprintf("%s: Istio does not accept the value %q; it accepts %s",
		e.Key, e.Value, strings.Join(e.Allowed, ", "))
	if e.Suggestion != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", e.Suggestion)
	}
	return msg
}

// ValidateValue checks value against the values Istio accepts for the label or annotation
// key (see [AllowedValues]). It returns nil when value is accepted or key takes free-form
// values (keys Istio does not define included), and an *[InvalidValueError] otherwise.
// Values are compared exactly, as Istio compares them: "Ambient" does not enroll anything.
func ValidateValue(key, value string) error {
	allowed := allowedValues[key]
	if allowed == nil || slices.Contains(allowed, value) {
		return nil
	}
	err := &InvalidValueError{Key: key, Value: value, Allowed: slices.Clone(allowed)}
	for _, a := range allowed {
		if strings.EqualFold(strings.TrimSpace(value), a) {
			err.Suggestion = a
			break
		}
	}
	return err
}

// SuggestKey returns the key Istio defines that key most likely misspells, and true; or ""
// and false when key is itself defined, is not an Istio key (its prefix is neither istio.io
// nor a subdomain of it, nor is it an istio-injection look-alike) or no defined key is close.
//
// Case and underscores are forgiven first ("istio.io/dataplane_mode" gives
// "istio.io/dataplane-mode"); otherwise the nearest key by edit distance is taken
// ("istio.io/use-waypoints" gives "istio.io/use-waypoint") if it is at most 1, 2 or 3 edits
// away for names of up to 4, 10 or more characters.
func SuggestKey(key string) (string, bool) {
	if IsKnownKey(key) || key == LabelInjection {
		return "", false
	}
	norm := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(key), "_", "-"))
	if !IsIstioDomain(norm) && !strings.HasPrefix(norm, "istio") {
		return "", false
	}
	candidates := append(slices.Clip(knownKeys()), LabelInjection)
	if slices.Contains(candidates, norm) {
		return norm, true
	}
	_, name, found := strings.Cut(norm, "/")
	if !found {
		name = norm
	}
	limit := 3
	switch {
	case len(name) <= 4:
		limit = 1
	case len(name) <= 10:
		limit = 2
	}
	best, bestDist := "", limit+1
	for _, c := range candidates {
		// Candidates are sorted (istio-injection aside), so ties go to the first in order.
		if d := textdist.Distance(norm, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return "", false
	}
	return best, true
}
