package rawkey

import (
	ak "github.com/ambientkit/ambientkit/ambient"
)

// The fix uses the file's name for the package.
var revLabels = map[string]string{"istio.io/rev": "stable", ak.LabelInjection: "disabled"} // want `AMB501: use ambient.LabelRev `
