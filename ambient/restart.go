package ambient

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// OptOut returns a copy of t labelled istio.io/dataplane-mode: none, which keeps its pods out
// of ambient even in an enrolled namespace. t is not changed; a nil t gives nil.
func OptOut(t *corev1.PodTemplateSpec) *corev1.PodTemplateSpec {
	if t == nil {
		return nil
	}
	out := t.DeepCopy()
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	out.Labels[LabelDataplaneMode] = DataplaneModeNone
	return out
}

// Restart returns a copy of t with the annotation kubectl.kubernetes.io/restartedAt set to
// at, as `kubectl rollout restart` does: the changed template makes the controller replace
// every pod, so that pods created before their namespace moved to ambient lose their
// sidecars. The time is written in RFC 3339 in at's own zone (kubectl uses the local time);
// pass at.UTC() for output that does not depend on the machine. t is not changed; a nil t
// gives nil.
func Restart(t *corev1.PodTemplateSpec, at time.Time) *corev1.PodTemplateSpec {
	if t == nil {
		return nil
	}
	out := t.DeepCopy()
	if out.Annotations == nil {
		out.Annotations = map[string]string{}
	}
	out.Annotations[AnnotationRestartedAt] = at.Format(time.RFC3339)
	return out
}

// RestartPatchType is the patch type of [RestartPatch]'s patches, the type kubectl sends.
const RestartPatchType = types.StrategicMergePatchType

// RestartPatch returns the strategic-merge patch `kubectl rollout restart` sends to a
// Deployment, StatefulSet or DaemonSet to restart it at the given time:
//
//	{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"..."}}}}}
//
// The time is formatted as in [Restart]. A zero time is an error: it would roll out a
// template that claims a restart in the year 1.
func RestartPatch(at time.Time) ([]byte, error) {
	if at.IsZero() {
		return nil, errors.New("restart patch: the restart time is zero")
	}
	patch := map[string]any{
		"spec": map[string]any{
			"template": map[string]any{
				"metadata": map[string]any{
					"annotations": map[string]string{
						AnnotationRestartedAt: at.Format(time.RFC3339),
					},
				},
			},
		},
	}
	b, err := json.Marshal(patch)
	if err != nil {
		return nil, fmt.Errorf("restart patch: %w", err)
	}
	return b, nil
}
