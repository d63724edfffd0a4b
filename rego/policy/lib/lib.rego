# The shared part of ambientlint's Rego bundle: the objects of the input in either of
# conftest's modes, indexes of them by kind, namespace and name, the pieces of an object the
# rules read (labels, annotations, pod templates) and the shape of a result.
#
# Input. Per document (conftest test), input is one object. With --combine it is an array of
# {"path": file, "contents": object}, where contents may also be an array of objects (a
# multi-document file, for clients that do not split it). entries lists them all, each as
# {"obj", "file", "doc", "item"}: file and doc (the index in the combined array) place a
# result; in per-document mode file is "" and doc 0.
#
# The rules read the objects as written: namespaces are metadata.namespace (not what kustomize,
# Argo CD or Flux make of them), labels are the ones in the object (not those a build adds),
# Helm values are the inline ones. ambientlint's Go rules read the rendered GitOps model; each
# rule file says where its twin differs.
package ambientlint.lib

import rego.v1

import data.ambientlint.data as d

# combined is true in conftest's --combine mode (and for ambientlint's in-process engine,
# which passes the same shape): the rules that join objects run only then.
combined if is_array(input)

entries := array.concat(_documents, _multi_documents) if combined

entries := [{"obj": input, "file": "", "doc": 0, "item": 0}] if {
	not combined
	_is_object(input)
}

# The entries are built inline, without a function call on each object: a call costs more
# than the rest of an entry.
_documents := [e |
	some i, doc in input
	obj := doc.contents
	is_string(obj.kind)
	e := {"obj": obj, "file": object.get(doc, "path", ""), "doc": i, "item": 0}
]

# A multi-document file's objects, for clients that do not split it.
_multi_documents := [e |
	some i, doc in input
	is_array(doc.contents)
	some j, obj in doc.contents
	_is_object(obj)
	e := {"obj": obj, "file": object.get(doc, "path", ""), "doc": i, "item": j}
]

_is_object(o) if {
	is_object(o)
	is_string(o.kind)
}

# group returns the API group of an object ("" for the core group).
group(obj) := _group(object.get(obj, "apiVersion", ""))

_group(api_version) := g if {
	parts := split(api_version, "/")
	count(parts) == 2
	g := parts[0]
} else := ""

# gk is "group/Kind", as the Go rules name kinds ("/Namespace" for the core group).
gk(obj) := concat("/", [group(obj), obj.kind])

# by_kind indexes the entries by kind, in input order: an object of arrays, not a partial
# set, which would hash every entry (a whole manifest) to insert it. Entries carry no group:
# of_kind reads it only for the kinds a rule asks for.
by_kind := {k: [e | some e in entries; e.obj.kind == k] | some k in {e.obj.kind | some e in entries}}

# of_kind returns the entries of group/kind k ("/Namespace" for the core group), in input
# order ([] when there are none). Each is computed once, when first asked for.
of_kind(k) := [e |
	parts := split(k, "/")
	parts[0] == ""
	some e in object.get(by_kind, parts[1], [])
	not contains(object.get(e.obj, "apiVersion", ""), "/")
] if {
	startswith(k, "/")
} else := [e |
	parts := split(k, "/")
	prefix := concat("", [parts[0], "/"])
	some e in object.get(by_kind, parts[1], [])
	startswith(e.obj.apiVersion, prefix)
]

# kinds returns the entries of the group/kinds ks, kind by kind.
kinds(ks) := [e | some k in ks; some e in of_kind(k)]

name(obj) := n if {
	n := obj.metadata.name
	is_string(n)
} else := ""

namespace(obj) := n if {
	n := obj.metadata.namespace
	is_string(n)
} else := ""

labels(obj) := l if {
	l := obj.metadata.labels
	is_object(l)
} else := {}

annotations(obj) := a if {
	a := obj.metadata.annotations
	is_object(a)
} else := {}

# str is a scalar as YAML spells it: label values written as true or 1 are the strings
# "true" and "1" to Kubernetes' typed decoding, and to the Go rules.
str(v) := v if is_string(v)

else := "" if is_null(v)

else := sprintf("%v", [v]) if {
	not is_object(v)
	not is_array(v)
}

# opaque reports a value that a later tool fills in (manifest.IsOpaque): a Flux variable
# ${VAR}, a template action {{ … }}, a kubelet $(VAR) or a SOPS ENC[…] value. Rules do not
# judge it.
opaque(s) if regex.match(`(?s)\$\{[^}]*\}|\{\{.*\}\}|\$\([^)]*\)`, s)

opaque(s) if {
	startswith(s, "ENC[")
	endswith(s, "]")
}

# object_name names an object in messages as the Go rules do: Kind namespace/name, or Kind
# name without a namespace.
object_name(obj) := sprintf("%s %s/%s", [obj.kind, namespace(obj), name(obj)]) if namespace(obj) != ""

else := sprintf("%s %s", [obj.kind, name(obj)])

ns_name(obj) := sprintf("%s/%s", [namespace(obj), name(obj)]) if namespace(obj) != ""

else := name(obj)

# result is the object a rule reports: msg, the rule's ID, name and severity (from the
# generated catalogue in data.ambientlint.data), and path, the offending field as keys and
# array indices below the object. With --combine it also says where the object is: file, and
# doc, its index in the combined input.
result(id, e, path, msg) := result_as(id, d.rules[id].severity, e, path, msg)

# result_as is result with another severity than the rule's default, for a rule whose
# findings are errors or warnings by what they find (AMB002).
result_as(id, severity, e, path, msg) := object.union(
	{"msg": msg, "rule": id, "name": d.rules[id].name, "severity": severity, "path": path},
	_where(e),
)

_where(e) := {"file": e.file, "doc": e.doc} if combined

else := {}

# istio_meta holds the labels and annotations of every object and of its pod template (the
# Go rules' metaEntries) whose key mentions istio, as every key AMB002 and AMB003 judge does:
# {"entry", "key", "value" (see str), "label", "base" (the path of the map)}. Computed once.
istio_meta := array.concat(_own_meta, _template_meta)

_meta_fields := ["labels", "annotations"] # even indexes are labels, as in d.meta_bases

_own_meta := [m |
	some e in entries
	md := e.obj.metadata
	some i, field in _meta_fields
	some k, v in md[field]
	contains(k, "istio")
	not is_object(v)
	not is_array(v)
	m := {"entry": e, "key": k, "value": str(v), "label": i == 0, "base": d.meta_bases[i]}
]

# The pod templates' (d.meta_bases past the object's own two): spec.template's, and a
# CronJob's spec.jobTemplate.spec.template's. One lookup an entry for each.
_template_meta := array.concat(
	[m |
		some e in entries
		md := e.obj.spec.template.metadata
		some m in _template_entries(e, md, 2)
	],
	[m |
		some e in entries
		md := e.obj.spec.jobTemplate.spec.template.metadata
		some m in _template_entries(e, md, 4)
	],
)

_template_entries(e, md, at) := [m |
	some i, field in _meta_fields
	some k, v in md[field]
	contains(k, "istio")
	not is_object(v)
	not is_array(v)
	m := {"entry": e, "key": k, "value": str(v), "label": i == 0, "base": d.meta_bases[at + i]}
]

# Workloads: the objects that run pods, with their pod template (tmpl, holding metadata and
# spec), its path (empty for a Pod) and the mode of their pods (workload_mode), computed
# once.
workloads := [object.union(w, {"mode": workload_mode(w)}) |
	some e in kinds(d.workload_kinds)
	w := _workload(e)
]

# workloads_by_namespace indexes the workloads by their namespace.
workloads_by_namespace := {ns: [w | some w in workloads; w.namespace == ns] | some ns in {w.namespace | some w in workloads}}

_workload(e) := w if {
	e.obj.kind == "CronJob"
	path := ["spec", "jobTemplate", "spec", "template"]
	w := _workload_at(e, path, object.get(e.obj, path, {}))
} else := w if {
	e.obj.kind == "Pod"
	w := _workload_at(e, [], e.obj)
} else := _workload_at(e, ["spec", "template"], object.get(e.obj, ["spec", "template"], {}))

_workload_at(e, path, tmpl) := {
	"entry": e,
	"path": path,
	"namespace": namespace(e.obj),
	"labels": _map_at(tmpl, ["metadata", "labels"]),
	"annotations": _map_at(tmpl, ["metadata", "annotations"]),
	"spec": _map_at(tmpl, ["spec"]),
}

_map_at(x, path) := m if {
	m := object.get(x, path, {})
	is_object(m)
} else := {}

# Namespaces: the Namespace objects of the tree by name. A name written twice takes the
# labels of its first object.
namespace_by_name := first_by_key([[name(e.obj), e] | some e in of_kind("/Namespace")])

namespace_labels(n) := labels(namespace_by_name[n].obj)

has_namespace(n) if namespace_by_name[n]

# first_by_key maps each key of pairs ([key, entry]) to the entry that comes first in the
# input among those with that key. It sorts once, so an index costs n log n, where a partial
# set keyed by the key would scan every entry for each key looked up.
first_by_key(pairs) := {y[0]: pairs[y[3]][1] |
	keyed := sort([[p[0], p[1].doc, p[1].item, j] | some j, p in pairs])
	some x, y in keyed
	_group_start(keyed, x)
}

_group_start(_, x) if x == 0

_group_start(keyed, x) if {
	x > 0
	keyed[x - 1][0] != keyed[x][0]
}

# get returns the first entry of group/kind kind called n in namespace ns ("" for a
# cluster-scoped kind). Each kind is indexed once, when first asked for.
get(kind, ns, n) := _by_ref(kind)[sprintf("%s/%s", [ns, n])]

_by_ref(kind) := first_by_key([[sprintf("%s/%s", [namespace(e.obj), name(e.obj)]), e] | some e in of_kind(kind)])

# in_namespace holds the namespaces that objects of the tree live in.
in_namespace := {ns |
	some e in entries
	ns := e.obj.metadata.namespace
	is_string(ns)
	ns != ""
}

# matches reports whether a set-based selector (matchLabels) selects labels.
matches(sel, lbls) if {
	every k, v in sel {
		lbls[k] == v
	}
}

# has_key reports whether map m has key k, whatever its value: a lookup, where
# k in object.keys(m) would build the set of keys first.
has_key(m, k) if _ := m[k]

# chart_values are the values of the chart install of entry e named chart: in ambientlint, the
# values the model merged as the tool merges them (value files in the tree, Flux valuesFrom
# ConfigMaps, the inline values; data.ambientlint.context.chart_values, by entry and chart);
# in conftest, which sees only the documents, the inline ones.
chart_values(e, chart, inline) := v if {
	v := data.ambientlint.context.chart_values[sprintf("%d/%s", [e.doc, chart])]
	is_object(v)
} else := inline
