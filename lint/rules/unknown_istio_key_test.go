package rules_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ambientkit/ambientkit/lint"
	"github.com/ambientkit/ambientkit/lint/linttest"
	"github.com/ambientkit/ambientkit/lint/rules"
)

// Renaming a misspelt key to one its map already has, or renaming two keys of a map to one,
// would make a duplicate key, so those findings offer no fix, while the others keep theirs.
func TestUnknownIstioKeyOffersNoDuplicatingFix(t *testing.T) {
	res := linttest.Run(t, testdata("unknown-istio-key"), rules.UnknownIstioKey)
	seen := 0
	for _, f := range res.Findings {
		switch filepath.Base(f.Pos.File) {
		case "both-spellings.yaml":
			seen++
			if len(f.Fixes) != 0 {
				t.Errorf("%s: a fix that duplicates a key: %+v", f.Pos, f.Fixes)
			}
		case "keys.yaml":
			if strings.Contains(f.Message, "did you mean") && len(f.Fixes) == 0 {
				t.Errorf("%s: no fix for %s", f.Pos, f.Message)
			}
		}
	}
	if seen != 3 {
		t.Errorf("%d findings in both-spellings.yaml, want 3", seen)
	}
}

// A near miss of a key that enrolls or binds fails the run by default (an error); other
// unknown keys, near misses included, stay warnings.
func TestUnknownIstioKeySeverity(t *testing.T) {
	res := linttest.Run(t, testdata("unknown-istio-key"), rules.UnknownIstioKey)
	if res == nil {
		t.FailNow()
	}
	got := map[string]lint.Severity{}
	for _, f := range res.Findings {
		key := f.Message[strings.Index(f.Message, `"`)+1:]
		got[key[:strings.Index(key, `"`)]] = f.Severity
	}
	want := map[string]lint.Severity{
		"istio.io/dataplane_mode":                  lint.Error,
		"istio.io/dataplane-mod":                   lint.Error,
		"istio.io/use-waypoints":                   lint.Error,
		"istio.io/Use-Waypoint":                    lint.Error,
		"istio.io/use-waypoint-namespce":           lint.Error,
		"istio.io/ingress-use-waypiont":            lint.Error,
		"istio.io/waypoint_for":                    lint.Error,
		"istio.io/revv":                            lint.Warning,
		"sidecar.istio.io/totally-made-up-setting": lint.Warning,
		// Keys of Istio charts' values (chart-values.yaml).
		"proflie":     lint.Warning,
		"pilto":       lint.Warning,
		"resouceName": lint.Warning,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("severities by key (-want +got):\n%s", diff)
	}
}
