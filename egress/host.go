package egress

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	networkingv1 "istio.io/client-go/pkg/apis/networking/v1"

	"github.com/ambientkit/ambientkit/internal/hosts"
)

// Istio's DNS label rules (istio/istio pkg/config/labels). Unlike Kubernetes', they allow
// upper case.
const (
	dns1123LabelMaxLength = 63
	dns1123LabelFmt       = "[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?"
	// A wildcard first label is "*", or a DNS label preceded by "*" or "*-".
	wildcardPrefixFmt = `(\*|(\*|\*-)?` + dns1123LabelFmt + `)`
)

var (
	dns1123LabelRegexp   = regexp.MustCompile("^" + dns1123LabelFmt + "$")
	wildcardPrefixRegexp = regexp.MustCompile("^" + wildcardPrefixFmt + "$")
)

func isDNS1123Label(v string) bool {
	return len(v) <= dns1123LabelMaxLength && dns1123LabelRegexp.MatchString(v)
}

func isWildcardDNS1123Label(v string) bool {
	return len(v) <= dns1123LabelMaxLength && wildcardPrefixRegexp.MatchString(v)
}

func checkDNS1123Preconditions(name string) error {
	if len(name) > 255 {
		return fmt.Errorf("domain name %q too long (max 255)", name)
	}
	if len(name) == 0 {
		return fmt.Errorf("empty domain name not allowed")
	}
	return nil
}

func validateDNS1123Labels(domain string) error {
	parts := strings.Split(domain, ".")
	tld := parts[len(parts)-1]
	if _, err := strconv.Atoi(tld); err == nil {
		return fmt.Errorf("domain name %q invalid (top level domain %q cannot be all-numeric)", domain, tld)
	}
	for i, label := range parts {
		// A trailing dot (an empty last label) is allowed, as in "istio.io.".
		if i == len(parts)-1 && label == "" {
			return nil
		}
		if !isDNS1123Label(label) {
			return fmt.Errorf("domain name %q invalid (label %q invalid)", domain, label)
		}
	}
	return nil
}

// validateFQDN checks a fully qualified domain name, wildcards refused.
func validateFQDN(fqdn string) error {
	if err := checkDNS1123Preconditions(fqdn); err != nil {
		return err
	}
	return validateDNS1123Labels(fqdn)
}

// validateWildcardDomain checks a domain name that may carry a wildcard in its first label.
func validateWildcardDomain(domain string) error {
	if err := checkDNS1123Preconditions(domain); err != nil {
		return err
	}
	first, rest, found := strings.Cut(domain, ".")
	if !isWildcardDNS1123Label(first) {
		return fmt.Errorf("domain name %q invalid (label %q invalid)", domain, first)
	}
	if found {
		return validateDNS1123Labels(rest)
	}
	return nil
}

// isPartialWildcard reports whether host has a wildcard that Istio accepts only with a
// warning: anything but "*" alone or a leading "*.".
func isPartialWildcard(host string) bool {
	return strings.Contains(host, "*") && len(host) != 1 && !strings.HasPrefix(host, "*.")
}

func isValidIP(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.IsValid()
}

// validateIPSubnet checks an address in CIDR or plain IP notation.
func validateIPSubnet(s string) error {
	if strings.Count(s, "/") == 1 {
		if _, err := netip.ParsePrefix(s); err != nil {
			return fmt.Errorf("%v is not a valid CIDR block", s)
		}
		return nil
	}
	if _, err := netip.ParseAddr(s); err != nil {
		return fmt.Errorf("%v is not a valid IP", s)
	}
	return nil
}

// isWildcard reports whether host is a wildcard host, one that starts with "*".
func isWildcard(host string) bool { return hosts.IsWildcard(host) }

func normalizeHost(h string) string { return hosts.Normalize(h) }

// MatchHost reports whether pattern, a ServiceEntry host, covers host, with Istio's rules
// (host.Name.SubsetOf): names without a wildcard match exactly; a pattern starting with "*"
// matches every host that ends in the rest of the pattern, so "*.example.com" matches
// "a.example.com" and "a.b.example.com" but not "example.com", and "*" matches every host. A
// wildcard host is covered only by a wildcard pattern at least as broad. Unlike Istio,
// MatchHost ignores case and one trailing dot, as DNS does.
func MatchHost(pattern, host string) bool { return hosts.Match(pattern, host) }

// Covers reports whether one of se's hosts covers host (see [MatchHost]). A nil se covers
// nothing.
func Covers(se *networkingv1.ServiceEntry, host string) bool {
	if se == nil {
		return false
	}
	for _, h := range se.Spec.Hosts {
		if MatchHost(h, host) {
			return true
		}
	}
	return false
}
