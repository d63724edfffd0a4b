# Istio's root namespace (meshConfig.rootNamespace) of the tree's istiod installs, the twin of
# the GitOps model's RootNamespaces: the istiod chart from an Istio chart repository
# (meshConfig.rootNamespace, else global.istioNamespace, else istio-system), Istio's ambient
# umbrella chart (its istiod values, with the shared global.istioNamespace) and the Sail
# operator's Istio (spec.values, else spec.namespace). istio-system alone when the tree
# installs no istiod so. Chart values are the inline ones (an Argo CD source's helm.values and
# valuesObject, a Flux HelmRelease's values, a kustomization's helmCharts valuesInline); the
# Go model also merges value files and valuesFrom of the tree.
package ambientlint.lib

import rego.v1

import data.ambientlint.data as d

root_namespaces := r if {
	r := {ns | some ns in _roots; ns != ""; not opaque(ns)}
	count(r) > 0
} else := {d.namespaces.root}

_roots contains _chart_root(object.get(i.values, "istiod", {}), _string_at(i.values, ["global", "istioNamespace"])) if {
	some i in _istio_charts
	i.chart == "ambient"
	not lower(str(object.get(i.values, ["enable", "istiod"], true))) == "false"
}

_roots contains _chart_root(i.values, "") if {
	some i in _istio_charts
	i.chart == "istiod"
}

_roots contains _chart_root(object.get(e.obj, ["spec", "values"], {}), _string_at(e.obj, ["spec", "namespace"])) if {
	some e in of_kind("sailoperator.io/Istio")
}

# _chart_root is the root namespace the istiod chart's mesh config gets from its values.
_chart_root(vals, fallback) := r if {
	r := _string_at(vals, ["meshConfig", "rootNamespace"])
	r != ""
} else := r if {
	r := _string_at(vals, ["global", "istioNamespace"])
	r != ""
} else := fallback if {
	fallback != ""
} else := d.namespaces.root

_string_at(x, path) := s if {
	is_object(x)
	s := object.get(x, path, "")
	is_string(s)
} else := ""

# _istio_charts are the installs of Istio's charts: {"chart", "values"}.
_istio_charts contains {"chart": src.chart, "values": chart_values(e, src.chart, _inline_values(object.get(src, "helm", {})))} if {
	some e in of_kind("argoproj.io/Application")
	some src in array.concat([object.get(e.obj, ["spec", "source"], null)], object.get(e.obj, ["spec", "sources"], []))
	is_object(src)
	is_string(src.chart)
	istio_chart_repo(object.get(src, "repoURL", ""))
}

_istio_charts contains {"chart": chart, "values": chart_values(e, chart, _object_or_empty(object.get(e.obj, ["spec", "values"], {})))} if {
	some e in of_kind("helm.toolkit.fluxcd.io/HelmRelease")
	chart := e.obj.spec.chart.spec.chart
	ref := e.obj.spec.chart.spec.sourceRef
	repo := get("source.toolkit.fluxcd.io/HelmRepository", object.get(ref, "namespace", namespace(e.obj)), ref.name)
	istio_chart_repo(object.get(repo.obj, ["spec", "url"], ""))
}

_istio_charts contains {"chart": h.name, "values": _object_or_empty(object.get(h, "valuesInline", {}))} if {
	some e in of_kind("kustomize.config.k8s.io/Kustomization")
	some h in object.get(e.obj, "helmCharts", [])
	istio_chart_repo(object.get(h, "repo", ""))
}

# istio_chart_repo reports a repository that serves Istio's charts (Istio's release
# repositories and their mirrors, or the istio/istio Git repository): gitops'
# isIstioChartRepo, whose substrings the data module carries.
istio_chart_repo(url) if {
	is_string(url)
	u := lower(url)
	some s in d.istio_charts.repo_substrings
	contains(u, s)
}

_inline_values(helm) := object.union(_values_string(helm), _object_or_empty(object.get(helm, "valuesObject", {})))

_values_string(helm) := v if {
	s := helm.values
	is_string(s)
	v := yaml.unmarshal(s)
	is_object(v)
} else := {}

_object_or_empty(v) := v if is_object(v)

else := {}
