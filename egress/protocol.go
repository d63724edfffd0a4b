package egress

import "strings"

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
		if d := distance(strings.ToUpper(strings.TrimSpace(p)), strings.ToUpper(k)); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the optimal string alignment distance between a and b: the Levenshtein
// distance, with a swap of two neighbouring characters ("TSL" for "TLS") counting as one edit.
func distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
