package egress

import (
	"strings"

	"github.com/ambientkit/ambientkit/internal/textdist"
)

// protocols are the port protocols Istio knows, spelled as Istio spells them
// (istio/istio pkg/config/protocol). Istio parses them case-insensitively. HBONE is not among
// them: Istio uses it internally and a ServiceEntry cannot declare it.
var protocols = []string{
	"GRPC", "GRPC-Web", "HTTP", "HTTP_PROXY", "HTTP2", "HTTPS", "Mongo", "MySQL", "Redis", "TCP", "TLS", "UDP",
}

// parseProtocol returns Istio's spelling of protocol p, or "" when Istio does not know it
// (the empty protocol included).
func parseProtocol(p string) string {
	for _, k := range protocols {
		if strings.EqualFold(p, k) {
			return k
		}
	}
	return ""
}

// isHTTP reports whether the parsed protocol p runs over HTTP.
func isHTTP(p string) bool {
	switch p {
	case "HTTP", "HTTP2", "HTTP_PROXY", "GRPC", "GRPC-Web":
		return true
	}
	return false
}

// isTLS reports whether the parsed protocol p runs over TLS.
func isTLS(p string) bool { return p == "HTTPS" || p == "TLS" }

// isTCP reports whether the parsed protocol p runs over TCP without HTTP.
func isTCP(p string) bool {
	switch p {
	case "TCP", "HTTPS", "TLS", "Mongo", "Redis", "MySQL":
		return true
	}
	return false
}

// suggestProtocol returns the known protocol nearest to p when p looks like a typo of it.
func suggestProtocol(p string) string {
	best, bestD := "", 3
	for _, k := range protocols {
		if d := textdist.Distance(strings.ToUpper(strings.TrimSpace(p)), strings.ToUpper(k)); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}
