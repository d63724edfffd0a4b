package rawkey

// This file has no imports at all; the fix adds one declaration for two fixes.
func waypointOf(labels map[string]string) (string, string) {
	return labels["istio.io/use-waypoint"], labels["istio.io/use-waypoint-namespace"] // want `AMB501: use ambient.LabelUseWaypoint ` `AMB501: use ambient.LabelUseWaypointNamespace `
}
