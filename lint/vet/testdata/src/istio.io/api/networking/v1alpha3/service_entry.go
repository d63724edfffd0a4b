// Package v1alpha3 is a stub of istio.io/api/networking/v1alpha3 for the analyzer's tests.
package v1alpha3

type ServiceEntry_Resolution int32

const (
	ServiceEntry_NONE   ServiceEntry_Resolution = 0
	ServiceEntry_STATIC ServiceEntry_Resolution = 1
	ServiceEntry_DNS    ServiceEntry_Resolution = 2
)

type ServiceEntry struct {
	Hosts      []string
	Addresses  []string
	Ports      []*ServicePort
	Resolution ServiceEntry_Resolution
	Endpoints  []*WorkloadEntry
	ExportTo   []string
}

type ServicePort struct {
	Number     uint32
	Protocol   string
	Name       string
	TargetPort uint32
}

type WorkloadEntry struct {
	Address string
}
