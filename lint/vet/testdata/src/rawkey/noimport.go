package rawkey

import (
	"fmt"
)

// This file does not import ambient; the fix adds the import.
func printMode(labels map[string]string) {
	fmt.Println(labels["istio.io/dataplane-mode"]) // want `AMB501: use ambient.LabelDataplaneMode `
}
