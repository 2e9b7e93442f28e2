import { containerEnv, fieldValue } from './container-env';
import { type Pod } from './pod';

const fakePod = (env: NonNullable<Pod['spec']['containers'][0]['env']>): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'infra-backend-v1-7d9f-abcde', namespace: 'gateway-conformance-infra', uid: 'u-1', labels: { app: 'infra-backend-v1' } },
  spec: { nodeName: 'local-node', containers: [{ name: 'c', image: 'registry.k8s.io/gateway-api/echo-basic:v1.5.1', env }] },
});

const facts = { podIP: '10.244.1.7', nodeName: 'local-node', hostIP: '10.244.0.1' };

describe('containerEnv', () => {
  it('resolves literal values and the downward-API fieldRefs the suite uses', () => {
    const pod = fakePod([
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'GRPC_ECHO_SERVER', value: '1' },
    ]);
    expect(containerEnv(pod, pod.spec.containers[0], facts)).toEqual({
      env: { POD_NAME: 'infra-backend-v1-7d9f-abcde', NAMESPACE: 'gateway-conformance-infra', GRPC_ECHO_SERVER: '1' },
      unresolved: [],
    });
  });

  it('lists what it cannot resolve instead of inventing a value', () => {
    const pod = fakePod([{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'metadata.generateName' } } }, { name: 'Y' }]);
    const r = containerEnv(pod, pod.spec.containers[0], facts);
    expect(r.env).toEqual({});
    expect(r.unresolved).toEqual(['X (fieldRef metadata.generateName)', 'Y (only value and fieldRef are supported)']);
  });
});

describe('fieldValue', () => {
  it('reads labels, the node name and the Pod IP', () => {
    const pod = fakePod([]);
    expect(fieldValue(pod, "metadata.labels['app']", facts)).toBe('infra-backend-v1');
    expect(fieldValue(pod, 'spec.nodeName', facts)).toBe('local-node');
    expect(fieldValue(pod, 'status.podIP', facts)).toBe('10.244.1.7');
    expect(fieldValue(pod, 'status.hostIP', facts)).toBe('10.244.0.1');
    expect(fieldValue(pod, 'metadata.uid', facts)).toBe('u-1');
  });
});
