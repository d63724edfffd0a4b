# A team's own conftest policy, as conftest's documentation writes them.
package main

import rego.v1

deny contains msg if {
	input.kind == "Deployment"
	not input.metadata.labels.team
	msg := sprintf("Deployment %s has no team label", [input.metadata.name])
}

warn_replicas contains {"msg": "a single replica", "path": ["spec", "replicas"]} if {
	input.kind == "Deployment"
	input.spec.replicas == 1
}

deny_namespace contains {"msg": sprintf("%s is in no namespace", [input.metadata.name]), "path": ["metadata"]} if {
	input.kind == "Deployment"
	not input.metadata.namespace
}

exception contains rules if {
	input.metadata.name == "legacy"
	rules := ["namespace"]
}
