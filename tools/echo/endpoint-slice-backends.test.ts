/** Unit test: EndpointSlice YAML -> echo backend specs. */
import { parseAllDocuments } from 'yaml';
import { backendsFromEndpointSlices } from './endpoint-slice-backends';

const YAML = `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: grpc-infra-backend-v1-abc
  namespace: gateway-conformance-infra
  labels: { kubernetes.io/service-name: grpc-infra-backend-v1 }
addressType: IPv4
ports: [{ name: grpc, port: 8080, protocol: TCP, appProtocol: kubernetes.io/h2c }]
endpoints:
- addresses: [127.0.10.1]
  conditions: { ready: true }
  targetRef: { kind: Pod, name: grpc-infra-backend-v1-pod-1, namespace: gateway-conformance-infra }
- addresses: [127.0.10.2, 127.0.99.99]
  conditions: { ready: false }
  targetRef: { kind: Pod, name: grpc-infra-backend-v1-pod-2 }
- addresses: [127.0.10.3]
---
apiVersion: v1
kind: Service
metadata: { name: grpc-infra-backend-v1, namespace: gateway-conformance-infra }
spec: { ports: [{ port: 8080 }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: two-ports
  labels: { kubernetes.io/service-name: multi }
addressType: IPv4
ports: [{ port: 3000 }, { port: 3001 }]
endpoints:
- addresses: [127.0.11.1]
  targetRef: { name: multi-0 }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: dup, namespace: gateway-conformance-infra, labels: { kubernetes.io/service-name: grpc-infra-backend-v1 } }
addressType: IPv4
ports: [{ port: 8080 }]
endpoints:
- addresses: [127.0.10.1]
  targetRef: { name: someone-else }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: fqdn }
addressType: FQDN
ports: [{ port: 80 }]
endpoints: [{ addresses: [example.com] }]
`;

describe('backendsFromEndpointSlices', () => {
  const docs = parseAllDocuments(YAML).map((d) => d.toJS() as unknown);

  it('yields one backend per endpoint address and port, named after the target pod', () => {
    expect(backendsFromEndpointSlices(docs)).toEqual([
      { pod: 'grpc-infra-backend-v1-pod-1', namespace: 'gateway-conformance-infra', service: 'grpc-infra-backend-v1', address: '127.0.10.1', port: 8080 },
      { pod: 'grpc-infra-backend-v1-pod-2', namespace: 'gateway-conformance-infra', service: 'grpc-infra-backend-v1', address: '127.0.10.2', port: 8080 },
      { pod: 'grpc-infra-backend-v1-127.0.10.3', namespace: 'gateway-conformance-infra', service: 'grpc-infra-backend-v1', address: '127.0.10.3', port: 8080 },
      { pod: 'multi-0', namespace: 'default', service: 'multi', address: '127.0.11.1', port: 3000 },
      { pod: 'multi-0', namespace: 'default', service: 'multi', address: '127.0.11.1', port: 3001 },
    ]);
  });

  it('ignores garbage and non-slices', () => {
    expect(
      backendsFromEndpointSlices([null, 3, 'x', [], { kind: 'EndpointSlice' }, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', endpoints: 'no' }]),
    ).toEqual([]);
  });
});
