package gen

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/net/publicsuffix"
	"golang.org/x/tools/go/packages"
)

// publicTLDs returns the top-level domains that golang.org/x/net/publicsuffix counts as
// ICANN's, as AMB303's isExternalHost asks it (PublicSuffix of the TLD alone). The package
// keeps its list as compressed tables, so they are found by asking it: every label of the
// list is a substring of the table of label texts the package embeds (data/text), and each
// substring that could be a DNS label is asked. The result is the package's own answer for
// every TLD the list has; any other TLD gets the list's default rule, which is not ICANN's.
func publicTLDs(dir string) (map[string]bool, error) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedEmbedFiles, Dir: dir}
	pkgs, err := packages.Load(cfg, "golang.org/x/net/publicsuffix")
	if err != nil {
		return nil, err
	}
	var text []byte
	for _, p := range pkgs {
		for _, f := range p.EmbedFiles {
			if filepath.Base(f) == "text" && filepath.Base(filepath.Dir(f)) == "data" {
				if !filepath.IsAbs(f) && len(p.GoFiles) > 0 {
					f = filepath.Join(filepath.Dir(p.GoFiles[0]), f) // go list names them below the package
				}
				if text, err = os.ReadFile(f); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(text) == 0 {
		return nil, fmt.Errorf("golang.org/x/net/publicsuffix: no data/text among its embedded files")
	}
	const maxLabel = 63 // RFC 1035
	out := map[string]bool{}
	for i := range text {
		for j := i + 1; j <= len(text) && j-i <= maxLabel; j++ {
			s := string(text[i:j])
			if out[s] {
				continue
			}
			if _, icann := publicsuffix.PublicSuffix(s); icann {
				out[s] = true
			}
		}
	}
	if !out["com"] || !out["io"] || out["internal"] {
		return nil, fmt.Errorf("golang.org/x/net/publicsuffix: the probe found %d TLDs, not the list's", len(out))
	}
	return out, nil
}
