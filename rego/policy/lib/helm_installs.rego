# The Helm chart installs of the input, for the twins that read chart values by key (AMB110,
# AMB211): an Argo CD Application's sources with a chart, a Flux HelmRelease (its repository
# from the HelmRepository it names), a kustomization's helmCharts. Each is {"entry", "chart",
# "repo", "values", "known", "values_path", "parameters_path", "fallback"}: values are those of
# lib.chart_values (the model's merged values in ambientlint, the inline ones in conftest);
# known is false when some values come from where the rule cannot read them (the model's
# ChartInstall.ValuesKnown in ambientlint; in conftest, any value file, valuesFrom or
# fileParameters); values_path is where the inline values map is in the object (null when
# not a map there), parameters_path Argo CD's helm.parameters, fallback the path a finding
# about a value the object does not hold points at (the model's ValuesPos).
package ambientlint.lib

import rego.v1

helm_installs := array.concat(array.concat(_argo_installs, _flux_installs), _kustomize_installs)

_argo_installs := [i |
	some e in of_kind("argoproj.io/Application")
	some src in array.concat(
		[{"s": s, "path": ["spec", "source"]} | s := e.obj.spec.source; is_object(s)],
		[{"s": s, "path": ["spec", "sources", j]} | some j, s in object.get(e.obj, ["spec", "sources"], []); is_object(s)],
	)
	chart := src.s.chart
	is_string(chart)
	helm := _map_or_empty(object.get(src.s, "helm", {}))
	inline := object.union(_helm_values_string(helm), _map_or_empty(object.get(helm, "valuesObject", {})))
	i := {
		"entry": e, "chart": chart, "repo": str(object.get(src.s, "repoURL", "")),
		"values": chart_values(e, chart, inline),
		"known": _chart_known(e, chart, _argo_known(helm)),
		"helm_path": array.concat(src.path, ["helm"]),
		"values_path": null,
		"fallback": _argo_values_fallback(src.path, helm),
		"params": [p | some p in object.get(helm, "parameters", []); is_object(p)],
	}
]

_flux_installs := [i |
	some e in of_kind("helm.toolkit.fluxcd.io/HelmRelease")
	chart := e.obj.spec.chart.spec.chart
	is_string(chart)
	i := {
		"entry": e, "chart": chart, "repo": _flux_repo(e.obj),
		"values": chart_values(e, chart, _map_or_empty(object.get(e.obj.spec, "values", {}))),
		"known": _chart_known(e, chart, _flux_known(e.obj.spec)),
		"helm_path": null,
		"values_path": ["spec", "values"],
		"fallback": _flux_values_fallback(e.obj.spec),
		"params": [],
	}
]

_kustomize_installs := [i |
	some e in of_kind("kustomize.config.k8s.io/Kustomization")
	some j, h in object.get(e.obj, "helmCharts", [])
	is_string(h.name)
	i := {
		"entry": e, "chart": h.name, "repo": str(object.get(h, "repo", "")),
		"values": _map_or_empty(object.get(h, "valuesInline", {})),
		"known": _kustomize_known(h),
		"helm_path": null,
		"values_path": ["helmCharts", j, "valuesInline"],
		"fallback": _kustomize_fallback(h, j),
		"params": [],
	}
]

# helm_value is the chart value at the dotted path of install i: an Argo CD parameter of that
# name (which wins), else the value in i.values. Undefined when unset.
helm_value(i, path) := v if {
	vs := [p.value | some p in i.params; p.name == path]
	count(vs) > 0
	v := vs[count(vs) - 1]
} else := v if {
	v := object.get(i.values, split(path, "."), helm_unset)
	v != helm_unset
}

# helm_unset is the default object.get returns for a value that is not set.
helm_unset := {"ambientlint": "unset"}

# helm_value_path is the path, in the object of install i, of the node that sets the value at
# the dotted path (an Argo CD parameter's value, a key of valuesObject or of a HelmRelease's
# or helmChart's inline values), with value_line, the line of the key within the text of
# helm.values (0 when the node is not there); else i.fallback.
helm_value_path(i, path) := {"path": array.concat(i.helm_path, ["parameters", j, "value"]), "line": 0} if {
	i.helm_path != null
	js := [j | some j, p in object.get(i.entry.obj, i.helm_path, {}).parameters; p.name == path; _ := p.value]
	count(js) > 0
	j := js[0]
} else := {"path": full, "line": 0} if {
	i.helm_path != null
	full := array.concat(array.concat(i.helm_path, ["valuesObject"]), split(path, "."))
	_ := object.get(i.entry.obj, full, helm_unset)
	object.get(i.entry.obj, full, helm_unset) != helm_unset
} else := {"path": array.concat(i.helm_path, ["values"]), "line": n} if {
	i.helm_path != null
	text := object.get(i.entry.obj, array.concat(i.helm_path, ["values"]), null)
	is_string(text)
	n := yaml_key_line(text, split(path, "."))
} else := {"path": full, "line": 0} if {
	i.values_path != null
	full := array.concat(i.values_path, split(path, "."))
	object.get(i.entry.obj, full, helm_unset) != helm_unset
} else := {"path": i.fallback, "line": 0}

# yaml_key_line is the line (from 1) of the text of a YAML mapping where the key at the path
# keys is written, in block style; undefined when it is not found so.
yaml_key_line(text, keys) := n if {
	lines := split(text, "\n")
	found := [x |
		some x, line in lines
		_key_of(line) == keys[count(keys) - 1]
		_ancestry(lines, x) == keys
	]
	count(found) > 0
	n := found[0] + 1
}

_key_of(line) := k if {
	m := regex.find_all_string_submatch_n(`^\s*([^\s#:][^:#]*?)\s*:(\s|$)`, line, 1)
	count(m) == 1
	k := trim(m[0][1], `"'`)
}

_indent(line) := count(line) - count(trim_left(line, " "))

# _ancestry is the keys from the top of the mapping down to the key on line x: for each
# shallower indentation, the nearest key above it.
_ancestry(lines, x) := array.concat(
	[_key_of(lines[y]) |
		some y in numbers.range(0, x - 1)
		_key_of(lines[y])
		_indent(lines[y]) < _indent(lines[x])
		every z in numbers.range(y + 1, x) {
			_shallower_or_blank(lines[z], _indent(lines[y]))
		}
	],
	[_key_of(lines[x])],
) if x > 0

else := [_key_of(lines[x])]

# _shallower_or_blank: line z sits below the key of indentation ind (blank, a comment, or
# indented deeper).
_shallower_or_blank(line, _) if trim_space(line) == ""

_shallower_or_blank(line, _) if startswith(trim_space(line), "#")

_shallower_or_blank(line, ind) if _indent(line) > ind

_chart_known(e, chart, raw) := k if {
	k := data.ambientlint.context.chart_values_known[sprintf("%d/%s", [e.doc, chart])]
	is_boolean(k)
} else := raw

# The known-ness in conftest: true or false, never undefined (an argument of _chart_known).
_argo_known(helm) if {
	count(object.get(helm, "valueFiles", [])) == 0
	count(object.get(helm, "fileParameters", [])) == 0
	not _unparsed_values(helm)
} else := false

_unparsed_values(helm) if {
	is_string(helm.values)
	helm.values != ""
	not is_object(yaml.unmarshal(helm.values))
}

_flux_known(spec) if {
	every vf in object.get(spec, "valuesFrom", []) {
		object.get(vf, "optional", false) == true
	}
} else := false

_kustomize_known(h) if {
	not h.valuesFile
	count(object.get(h, "additionalValuesFiles", [])) == 0
} else := false

_helm_values_string(helm) := v if {
	s := helm.values
	is_string(s)
	v := yaml.unmarshal(s)
	is_object(v)
} else := {}

_map_or_empty(v) := v if is_object(v)

else := {}

_argo_values_fallback(path, helm) := array.concat(path, ["helm", k]) if {
	k := [k | some k in ["valuesObject", "values", "parameters"]; has_key(helm, k)][0]
} else := array.concat(path, ["chart"])

_flux_values_fallback(spec) := ["spec", "values"] if has_key(spec, "values")

else := ["spec", "chart", "spec", "chart"]

_kustomize_fallback(h, j) := ["helmCharts", j, "valuesInline"] if has_key(h, "valuesInline")

else := ["helmCharts", j, "name"]

_flux_repo(hr) := url if {
	ref := hr.spec.chart.spec.sourceRef
	object.get(ref, "kind", "HelmRepository") == "HelmRepository"
	repo := get("source.toolkit.fluxcd.io/HelmRepository", object.get(ref, "namespace", namespace(hr)), ref.name)
	url := str(object.get(repo.obj, ["spec", "url"], ""))
} else := ""
