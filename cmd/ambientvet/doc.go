// Command ambientvet checks Go code for the Istio ambient mistakes that ambientlint finds in
// manifests: Istio label and annotation keys spelt as strings where package ambient defines a
// constant (AMB501), misspelt Istio keys and values Istio rejects (AMB002, AMB003), and
// waypoint Gateways and ServiceEntries built from constants that Istio would not accept
// (AMB206, AMB301, AMB302). The checks are those of the analyzer in package lint/vet.
//
// Usage:
//
//	ambientvet [flags] PACKAGE...                 check packages, such as ./...
//	ambientvet -fix PACKAGE...                    also apply the suggested fixes
//	go vet -vettool=$(which ambientvet) ./...      run it as go vet's tool
//
// Flags of the analyzer, which go vet passes on as they are:
//
//	-testfiles        also check _test.go files, skipped by default because tests spell keys
//	                  and build invalid objects on purpose
//	-allow-wildcards  comma-separated ServiceEntry wildcard hosts that AMB301 accepts
//	-disable          comma-separated rule IDs or names not to report; go/analysis has no
//	                  severities, so the info rule AMB501 fails a build like the others
//
// Run "ambientvet -help" for the flags of the driver (-json, -diff, -c N for context lines).
//
// Exit status: 0 when there is no diagnostic, 3 when there are diagnostics and 1 on an error
// (go/analysis conventions; -json always exits 0). Under go vet, diagnostics exit 1.
package main
