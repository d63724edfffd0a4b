package rules

import "github.com/ambientkit/ambientkit/lint"

// All returns the full catalogue, in ID order. The slice is new on every call; the rules
// are shared and must not be modified.
func All() []*lint.Rule {
	return []*lint.Rule{
		InvalidYAML,
		UnknownIstioKey,
		InvalidIstioValue,
		UnusedIgnore,
		EnrollmentBeforeDataplane,
		GatewayBeforeCRDs,
		IstioResourceBeforeCRDs,
		ControlPlaneOrder,
		AppOfAppsNotGated,
		DependencyCycle,
		AmbientProfileMissing,
		InvalidSyncWave,
		DataplaneComponentMissing,
		CNIChainingConflict,
		CNIPlatformPaths,
		ZtunnelTrustMismatch,
		DataplaneVersionSkew,
		DiscoverySelectorsExclude,
		MissingRestart,
		SidecarAmbientConflict,
		WaypointNotFound,
		WaypointTrafficMismatch,
		WaypointCrossNamespaceDenied,
		MalformedWaypoint,
		L7PolicyWithoutWaypoint,
		IneffectiveInAmbient,
		NetworkPolicyBlocksHBONE,
		StrictMTLSBlocksNonMeshCallers,
		WaypointIdentityNotAllowed,
		UnusedWaypoint,
		WildcardEgress,
		InvalidServiceEntry,
		UnclassifiedEgress,
		ServiceEntryNeedsAddresses,
		KialiExposed,
		KialiAnonymous,
		RawIstioKey,
	}
}
