// Package upstream runs the Gateway API conformance suite (sigs.k8s.io/gateway-api/conformance)
// as published, against the cluster in $KUBECONFIG. Every option (GatewayClass, profiles,
// implementation, report path) comes from the file given with -conformance-options-file
// (conformance-options.yaml beside this file); scripts/conformance-upstream.sh passes it.
package upstream

import (
	"testing"

	"sigs.k8s.io/gateway-api/conformance"
)

func TestConformance(t *testing.T) {
	conformance.RunConformance(t)
}
