package rawkey

// Where the name ambient means something else, no fix is offered.
func shadowed(ambient map[string]string) string {
	return ambient["istio.io/rev"] // want `AMB501: use ambient.LabelRev `
}
