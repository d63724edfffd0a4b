# The Kiali installations of the input, for AMB401 and AMB402 (the Go rules' kialiFacts):
# Kiali's Services (named kiali, or selecting app or app.kubernetes.io/name kiali); its
# configurations (the spec of a Kiali CR, the values of a kiali-server chart install, or of a
# kiali-operator install under cr.spec with cr.create true), each with the Kiali it
# configures (deployment.namespace and deployment.instance_name, else the install's namespace
# and kiali) and a function from a setting's path to the path reported; and the kiali
# ConfigMap's config.yaml.
#
# Chart installs are read from their inline values: an Argo CD Application's
# spec.source(s).helm.values (a YAML string, read with yaml.unmarshal) and valuesObject (which
# wins), a Flux HelmRelease's spec.values, a kustomization's helmCharts[].valuesInline. The Go
# rules also merge values files, valuesFrom and parameters from the GitOps model.
package ambientlint.exposure

import rego.v1

import data.ambientlint.data as d
import data.ambientlint.lib

# kiali_services is an array: a set would hash each Service's manifest to insert it.
kiali_services := [e |
	some e in lib.of_kind("/Service")
	_is_kiali_service(e.obj)
]

_is_kiali_service(svc) if lib.name(svc) == d.kiali.name

_is_kiali_service(svc) if {
	some k in d.kiali.selector_keys
	object.get(svc, ["spec", "selector", k], "") == d.kiali.name
}

# configs: {"entry", "cfg", "namespace" (the install's), "base" (path of the configuration in
# the object, or null when it is not a map in it), "fallback" (the path reported for a setting
# the object does not hold as a node), "what"}.
configs contains c if {
	some e in lib.of_kind(sprintf("%s/%s", [d.kiali.cr_group, d.kiali.cr_kind]))
	cfg := object.get(e.obj, "spec", null)
	is_object(cfg)
	c := {"entry": e, "cfg": cfg, "namespace": lib.namespace(e.obj), "base": ["spec"], "fallback": ["spec"], "what": sprintf("Kiali CR %s", [lib.ns_name(e.obj)])}
}

configs contains c if {
	some i in chart_installs
	c := _chart_config(i)
}

# chart_installs: {"entry", "chart", "values", "namespace", "values_path" (where the values
# map is in the object, or null), "fallback"}.
chart_installs contains i if {
	some e in lib.of_kind("argoproj.io/Application")
	some src in _argo_sources(e.obj)
	chart := src.source.chart
	is_string(chart)
	helm := object.get(src.source, "helm", {})
	i := {
		"entry": e, "chart": chart,
		"values": lib.chart_values(e, chart, object.union(_values_string(helm), _map(object.get(helm, "valuesObject", {})))),
		"namespace": lib.str(object.get(e.obj, ["spec", "destination", "namespace"], "")),
		"values_path": _object_path(helm, array.concat(src.path, ["helm", "valuesObject"])),
		"fallback": _argo_fallback(src, helm),
	}
}

chart_installs contains i if {
	some e in lib.of_kind("helm.toolkit.fluxcd.io/HelmRelease")
	chart := e.obj.spec.chart.spec.chart
	i := {
		"entry": e, "chart": chart, "values": lib.chart_values(e, chart, _map(object.get(e.obj.spec, "values", {}))),
		"namespace": lib.str(object.get(e.obj.spec, "targetNamespace", lib.namespace(e.obj))),
		"values_path": _object_path(e.obj.spec, ["spec", "values"]),
		"fallback": _flux_fallback(e.obj),
	}
}

chart_installs contains i if {
	some e in lib.of_kind("kustomize.config.k8s.io/Kustomization")
	some j, h in object.get(e.obj, "helmCharts", [])
	i := {
		"entry": e, "chart": h.name, "values": _map(object.get(h, "valuesInline", {})),
		"namespace": lib.str(object.get(h, "namespace", "")),
		"values_path": ["helmCharts", j, "valuesInline"],
		"fallback": ["helmCharts", j, "valuesInline"],
	}
}

_argo_sources(app) := array.concat(
	[{"source": s, "path": ["spec", "source"]} | s := app.spec.source; is_object(s)],
	[{"source": s, "path": ["spec", "sources", j]} | some j, s in object.get(app, ["spec", "sources"], []); is_object(s)],
)

_values_string(helm) := v if {
	s := helm.values
	is_string(s)
	v := yaml.unmarshal(s)
	is_object(v)
} else := {}

_map(v) := v if is_object(v)

else := {}

_object_path(holder, path) := path if is_object(holder[path[count(path) - 1]])

else := null

# The path the Go model gives a chart's values when a setting is not a node of the object: the
# first of valuesObject, values and parameters the source has, else its chart.
_argo_fallback(src, helm) := array.concat(src.path, ["helm", k]) if {
	k := [k | some k in ["valuesObject", "values", "parameters"]; lib.has_key(helm, k)][0]
} else := array.concat(src.path, ["chart"])

_flux_fallback(hr) := ["spec", "values"] if lib.has_key(hr.spec, "values")

else := ["spec", "chart", "spec", "chart"]

_base(chart) := b if {
	parts := split(chart, "/")
	b := parts[count(parts) - 1]
}

_chart_config(i) := c if {
	_base(i.chart) == d.kiali.server_chart
	c := {"entry": i.entry, "cfg": i.values, "namespace": i.namespace, "base": i.values_path, "fallback": i.fallback, "what": _chart_what(i)}
}

_chart_config(i) := c if {
	_base(i.chart) == d.kiali.operator_chart
	_true(object.get(i.values, ["cr", "create"], false))
	ns := _operator_namespace(i)
	c := {"entry": i.entry, "cfg": _map(object.get(i.values, ["cr", "spec"], {})), "namespace": ns, "base": _operator_base(i), "fallback": i.fallback, "what": _chart_what(i)}
}

_operator_namespace(i) := ns if {
	ns := i.values.cr.namespace
	is_string(ns)
	ns != ""
} else := i.namespace

_operator_base(i) := array.concat(i.values_path, ["cr", "spec"]) if i.values_path != null

else := null

_chart_what(i) := sprintf("values of chart %s in %s", [i.chart, lib.object_name(i.entry.obj)])

_true(true)

_true("true")

# instance is the Kiali a configuration configures (kiali.Instance).
instance(c) := {"namespace": _setting(c.cfg, ["deployment", "namespace"], c.namespace), "name": _setting(c.cfg, ["deployment", "instance_name"], d.kiali.name)}

_setting(cfg, path, def) := v if {
	v := object.get(cfg, path, "")
	is_string(v)
	v != ""
} else := def

# setting_path is the path reported for a setting of a configuration: the setting's node when
# the object holds it as a map, else the values' fallback.
setting_path(c, path) := p if {
	c.base != null
	p := array.concat(c.base, path)
	object.get(c.entry.obj, p, null) != null
} else := c.fallback

# Exposure settings (kiali.ExposureSettings): {"config", "path", "why"}.
exposure_settings contains {"config": c, "path": ["deployment", "service_type"], "why": sprintf("deployment.service_type %s makes Kiali's Service reachable from outside the cluster", [t])} if {
	some c in configs
	t := object.get(c.cfg, ["deployment", "service_type"], "")
	t in {"NodePort", "LoadBalancer"}
}

exposure_settings contains {"config": c, "path": p, "why": sprintf("%s: true makes the Kiali installer create an Ingress (a Route on OpenShift) for it", [concat(".", p)])} if {
	some c in configs
	some p in [["deployment", "ingress", "enabled"], ["deployment", "ingress_enabled"]]
	_true(object.get(c.cfg, p, false))
}

exposure_settings contains {"config": c, "path": ["deployment", "additional_service_yaml", "type"], "why": sprintf("deployment.additional_service_yaml sets the Service type %s", [t])} if {
	some c in configs
	t := object.get(c.cfg, ["deployment", "additional_service_yaml", "type"], "")
	t in {"NodePort", "LoadBalancer"}
}

exposure_settings contains {"config": c, "path": ["deployment", "additional_service_yaml", "externalIPs"], "why": "deployment.additional_service_yaml gives Kiali's Service externalIPs"} if {
	some c in configs
	ips := object.get(c.cfg, ["deployment", "additional_service_yaml", "externalIPs"], [])
	is_array(ips)
	count(ips) > 0
}

# Anonymous configurations (kiali.AnonymousSetting): {"entry", "instance", "path", "what"},
# plus value_line for the ConfigMap's embedded config.yaml.
anonymous contains {"entry": c.entry, "instance": instance(c), "path": setting_path(c, ["auth", "strategy"]), "what": c.what} if {
	some c in configs
	object.get(c.cfg, ["auth", "strategy"], "") == d.kiali.auth_anonymous
}

anonymous contains a if {
	some e in lib.of_kind("/ConfigMap")
	text := e.obj.data[d.kiali.config_map_key]
	_is_kiali_config_map(e.obj)
	cfg := yaml.unmarshal(text)
	is_object(cfg)
	object.get(cfg, ["auth", "strategy"], "") == d.kiali.auth_anonymous
	base := {
		"entry": e, "instance": instance({"cfg": cfg, "namespace": lib.namespace(e.obj)}),
		"path": ["data", d.kiali.config_map_key],
		"what": sprintf("the %s of ConfigMap %s", [d.kiali.config_map_key, lib.ns_name(e.obj)]),
	}
	a := object.union(base, _strategy_line(text))
}

_is_kiali_config_map(cm) if lib.name(cm) == d.kiali.name

_is_kiali_config_map(cm) if {
	some k in d.kiali.selector_keys
	object.get(lib.labels(cm), k, "") == d.kiali.name
}

# _strategy_line is the line of the strategy key in a block config.yaml, counted from its
# first line (1).
_strategy_line(text) := {"value_line": n + 1} if {
	lines := split(text, "\n")
	count(lines) > 1
	n := [i | some i, l in lines; regex.match(`^\s*strategy\s*:`, l)][0]
} else := {}

# Kiali instances: its Services, and the Kiali each configuration configures.
instances contains {"namespace": lib.namespace(e.obj), "name": lib.name(e.obj)} if {
	some e in kiali_services
}

instances contains instance(c) if some c in configs

# Exposures: {"entry", "instance", "path", "why"}.
exposures contains {"entry": e, "instance": {"namespace": lib.namespace(e.obj), "name": lib.name(e.obj)}, "path": ["spec", "type"], "why": why} if {
	some e in kiali_services
	t := object.get(e.obj, ["spec", "type"], "")
	why := {"NodePort": "Service type NodePort opens a port on every node", "LoadBalancer": "Service type LoadBalancer asks the cloud for an external load balancer"}[t]
}

exposures contains {"entry": e, "instance": {"namespace": lib.namespace(e.obj), "name": lib.name(e.obj)}, "path": ["spec", "externalIPs"], "why": sprintf("Service has externalIPs %s", [concat(", ", sort(ips))])} if {
	some e in kiali_services
	ips := object.get(e.obj, ["spec", "externalIPs"], [])
	is_array(ips)
	count(ips) > 0
}

exposures contains {"entry": s.config.entry, "instance": instance(s.config), "path": setting_path(s.config, s.path), "why": sprintf("%s (%s)", [s.why, s.config.what])} if {
	some s in exposure_settings
}

exposures contains {"entry": r.entry, "instance": inst, "path": r.path, "why": sprintf("%s %s via %s sends traffic to it", [r.entry.obj.kind, lib.ns_name(r.entry.obj), r.via])} if {
	lib.combined
	some inst in instances
	some r in routes
	r.backend == inst
}

exposed_namespaces contains x.instance.namespace if some x in exposures

anonymous_namespaces contains a.instance.namespace if some a in anonymous
