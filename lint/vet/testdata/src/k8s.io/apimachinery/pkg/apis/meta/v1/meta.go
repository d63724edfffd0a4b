// Package v1 is a stub of k8s.io/apimachinery/pkg/apis/meta/v1 for the analyzer's tests.
package v1

type TypeMeta struct {
	Kind       string
	APIVersion string
}

type ObjectMeta struct {
	Name        string
	Namespace   string
	Labels      map[string]string
	Annotations map[string]string
}

func (m *ObjectMeta) GetLabels() map[string]string       { return m.Labels }
func (m *ObjectMeta) SetLabels(l map[string]string)      { m.Labels = l }
func (m *ObjectMeta) GetAnnotations() map[string]string  { return m.Annotations }
func (m *ObjectMeta) SetAnnotations(a map[string]string) { m.Annotations = a }

type LabelSelectorOperator string

const LabelSelectorOpIn LabelSelectorOperator = "In"

type LabelSelector struct {
	MatchLabels      map[string]string
	MatchExpressions []LabelSelectorRequirement
}

type LabelSelectorRequirement struct {
	Key      string
	Operator LabelSelectorOperator
	Values   []string
}

func HasLabel(obj ObjectMeta, label string) bool { _, ok := obj.Labels[label]; return ok }

func HasAnnotation(obj ObjectMeta, ann string) bool { _, ok := obj.Annotations[ann]; return ok }

func SetMetaDataLabel(obj *ObjectMeta, label string, value string) {}

func SetMetaDataAnnotation(obj *ObjectMeta, ann string, value string) {}
