package combined

import rego.v1

deny contains {"msg": sprintf("Service %s selects no Deployment", [svc.contents.metadata.name]), "doc": i, "path": ["spec", "selector"]} if {
	some i, svc in input
	svc.contents.kind == "Service"
	not selected(svc.contents)
}

selected(svc) if {
	some d in input
	d.contents.kind == "Deployment"
	d.contents.metadata.namespace == svc.metadata.namespace
	object.subset(d.contents.spec.template.metadata.labels, svc.spec.selector)
}
