package manifest

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
	// Rel is the file's slash-separated path relative to the root of the tree it was read
	// from, "" for stdin and files outside the root: the GitOps model resolves the paths of
	// kustomizations, Applications and Flux sources through it.
	Rel string
	// Revision is the git revision the file was read from, "" for the working tree.
	Revision string

	lines fileLines  // built on first use, by Position
	trees *fileTrees // the released trees of its objects; nil when none
}

// Object is one Kubernetes object of the input, with its node tree (see Root).
type Object struct {
	File *File
	Doc  int // 0-based index of the YAML document in File (of the List, for List items)
	// Item is the 1-based index of the object in the items of the List document it belongs
	// to, and 0 for an object that is a document of its own.
	Item int
	// node is the object's mapping node (see Root); never modified by rules. It is nil
	// when the load released the tree (released then says how to get it back).
	node     *yaml.RNode
	released *released
	Ref      ObjectRef // apiVersion, kind, name, and namespace as written
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
	// Source is the object as loaded when this one is what a GitOps build renders of it
	// (its namespace, labels and variables resolved); nil for an object as loaded.
	Source *Object
	// Namespace is the object's effective namespace: as written, or as the GitOps model
	// resolves it (kustomize's namespace, an Argo CD destination, a Flux targetNamespace);
	// "" for cluster-scoped kinds.
	Namespace string
	// Live is the object's reference in the cluster it was read from, for an object read
	// from a live cluster rather than a file (File is then nil): what is said about it is
	// placed at the live object and a field of it (Position.Object, Position.Field), not at
	// a line.
	Live *ObjectRef
}

// GK returns the object's group and kind as "group/Kind", the form Rule.Kinds uses.
func (o *Object) GK() string { return o.Group + "/" + o.Ref.Kind }

// Position is a place in a file: 1-based line and column (in bytes), and the end of the
// range when known (0 otherwise). For an object read from a live cluster it is a place in
// that object instead: Object names it and Field the field, and File and the line and
// column are empty.
type Position struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine,omitempty"`
	EndColumn int    `json:"endColumn,omitempty"`
	// Object is the live object the position is in (see Object.Live). An Object without a
	// name stands for the objects of its kind (in its namespace, when it has one) that a
	// cluster read could not list.
	Object ObjectRef `json:"object,omitzero"`
	// Field is the path of the node in the live object, as kubectl explain and JSONPath
	// write it (spec.hosts[0], metadata.labels["istio.io/use-waypoint"]); "" for the object
	// as a whole.
	Field string `json:"field,omitempty"`
}

// IsLive reports whether the position is in an object read from a live cluster.
func (p Position) IsLive() bool { return p.Object.Kind != "" }

// String formats the position as file:line:col, or for a live object as Kind
// namespace/name (Kind namespace/*, or Kind * across namespaces, for a kind that could not
// be listed).
func (p Position) String() string {
	if p.IsLive() {
		r := p.Object
		if r.Name == "" {
			r.Name = "*"
		}
		return r.String()
	}
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// ObjectRef names a Kubernetes object.
type ObjectRef struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name,omitempty"`
}

// String formats the reference as Kind namespace/name.
func (r ObjectRef) String() string {
	if r.Namespace == "" {
		return r.Kind + " " + r.Name
	}
	return r.Kind + " " + r.Namespace + "/" + r.Name
}
