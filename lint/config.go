package lint

// Config is the linter's configuration: the merged result of .ambientlint.yaml and the
// command-line flags.
type Config struct {
	// Path is the configuration file read, "" when none.
	Path string
	// Severity overrides a rule's default severity, by rule ID; Off disables it.
	Severity map[string]Severity
	// Exclude holds path globs (with **) of files not to lint, relative to the repository root.
	Exclude []string
	// MaxFileSize is the size in bytes above which a file is reported, not read (default
	// 16 MiB).
	MaxFileSize int64
	Egress      EgressConfig
}

// EgressConfig is the egress section of the configuration.
type EgressConfig struct {
	// AllowWildcards lists wildcard ServiceEntry hosts that AMB301 accepts.
	AllowWildcards []string
}

// DefaultMaxFileSize is the default Config.MaxFileSize.
const DefaultMaxFileSize = 16 << 20
