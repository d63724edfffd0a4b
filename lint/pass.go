package lint

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// File is one input file (or stdin).
type File struct {
	// Path is the file's path as reached from the PATH arguments ("-" for stdin); findings
	// and outputs use it.
	Path string
	// Data is the file's content as read (BOM removed; CRLF kept, since positions count it).
	Data []byte
}

// Object is one Kubernetes object of the input, with the position of every node kept.
type Object struct {
	File *File
	Doc  int // 0-based index of the YAML document in File (of the List, for List items)
	// Item is the 1-based index of the object in the items of the List document it belongs
	// to, and 0 for an object that is a document of its own.
	Item int
	Node *yaml.RNode // the object's mapping node; never modified by rules
	Ref  ObjectRef   // apiVersion, kind, name, and namespace as written
	// Group is the API group of Ref.APIVersion ("" for the core group).
	Group       string
	Labels      map[string]string
	Annotations map[string]string
	// Typed is the object decoded into its Go type for known kinds (e.g. *corev1.Namespace,
	// *appsv1.Deployment, *networkingv1.ServiceEntry, *gatewayv1.Gateway), else nil.
	Typed any
	// Encrypted is true when the object's document is SOPS-encrypted (it has a top-level
	// sops key): its values are ciphertext, and opaque.
	Encrypted bool
	// Namespace is the object's effective namespace: as written, or as the GitOps model
	// resolves it (kustomize's namespace, an Argo CD destination, a Flux targetNamespace);
	// "" for cluster-scoped kinds.
	Namespace string
}

// GK returns the object's group and kind as "group/Kind", the form Rule.Kinds uses.
func (o *Object) GK() string { return o.Group + "/" + o.Ref.Kind }

// Pass is what a rule's Run receives: the shared inventory, the configuration, and the means
// to report.
type Pass struct {
	Rule      *Rule
	Inventory *Inventory
	Config    *Config
	report    func(Finding)

	suppressions []Suppression
}

// NewPass returns a pass for rule that hands each finding to report. The engine makes passes;
// tests of a single rule may too.
func NewPass(rule *Rule, inv *Inventory, cfg *Config, report func(Finding)) *Pass {
	return &Pass{Rule: rule, Inventory: inv, Config: cfg, report: report}
}

// Report records f, filling in the rule's ID, name and default severity.
func (p *Pass) Report(f Finding) {
	f.Rule, f.Name = p.Rule.ID, p.Rule.Name
	if f.Severity == Off {
		f.Severity = p.Rule.Severity
	}
	p.report(f)
}

// Suppressions returns how every suppression directive of the run was used. Only rules
// marked Late see them; for other rules it returns nil, since suppression has not happened
// yet while they run.
func (p *Pass) Suppressions() []Suppression { return p.suppressions }

// Reportf reports a finding about o at the node that path names (map keys and list indices;
// see Object.Pos).
func (p *Pass) Reportf(o *Object, path []string, format string, args ...any) {
	p.Report(Finding{Message: fmt.Sprintf(format, args...), Pos: o.Pos(path...), Object: o.Ref})
}
