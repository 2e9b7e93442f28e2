import { type KubernetesObject } from '../../apis/meta';
import { describeRuleCases, errorsOf, expectAllMessagesCovered, type Fields, type RuleCase } from './cel-test-support';

function parameters(spec: Fields): KubernetesObject {
  return { apiVersion: 'attache.dev/v1alpha1', kind: 'GatewayParameters', metadata: { name: 'example', namespace: 'default' }, spec } as KubernetesObject;
}

const cases: RuleCase[] = [
  {
    message: 'set replicas or autoscaling, not both',
    field: 'spec.envoy',
    object: parameters({ envoy: { replicas: 2, autoscaling: { maxReplicas: 4 } } }),
  },
  {
    message: 'minReplicas must not be greater than maxReplicas',
    field: 'spec.envoy.autoscaling',
    object: parameters({ envoy: { autoscaling: { minReplicas: 5, maxReplicas: 4 } } }),
  },
  {
    message: 'a toleration with operator Exists has no value',
    field: 'spec.envoy.tolerations[0]',
    object: parameters({ envoy: { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] } }),
  },
  {
    message: 'externalTrafficPolicy needs type LoadBalancer or NodePort',
    field: 'spec.service',
    object: parameters({ service: { type: 'ClusterIP', externalTrafficPolicy: 'Local' } }),
  },
];

describeRuleCases('GatewayParameters CEL rules', cases);
expectAllMessagesCovered('GatewayParameters', cases);

describe('GatewayParameters schema', () => {
  it('accepts the README example and every field at once', () => {
    expect(
      errorsOf(
        parameters({
          envoy: {
            image: 'envoyproxy/envoy:v1.40.0',
            logLevel: 'info',
            autoscaling: { minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 70 },
            resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: 1, memory: '512Mi' } },
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gateways', effect: 'NoSchedule' }],
            bootstrap: { concurrency: 2, drainTimeSeconds: 30 },
          },
          service: { type: 'LoadBalancer', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' }, externalTrafficPolicy: 'Local' },
        }),
      ),
    ).toEqual([]);
  });

  it.each<[string, Fields, string, RegExp]>([
    ['0 replicas', { envoy: { replicas: 0 } }, 'spec.envoy.replicas', />= 1/],
    ['101 replicas', { envoy: { replicas: 101 } }, 'spec.envoy.replicas', /<= 100/],
    ['autoscaling without maxReplicas', { envoy: { autoscaling: { minReplicas: 1 } } }, 'spec.envoy.autoscaling.maxReplicas', /Required/],
    ['a log level Envoy has not', { envoy: { logLevel: 'verbose' } }, 'spec.envoy.logLevel', /must be one of/],
    ['a quantity that is not one', { envoy: { resources: { requests: { cpu: 'lots' } } } }, 'spec.envoy.resources.requests.cpu', /pattern/],
    ['an ExternalName Service', { service: { type: 'ExternalName' } }, 'spec.service.type', /must be one of/],
    ['65 worker threads', { envoy: { bootstrap: { concurrency: 65 } } }, 'spec.envoy.bootstrap.concurrency', /<= 64/],
    ['free-form bootstrap YAML', { envoy: { bootstrap: { admin: {} } } }, 'spec.envoy.bootstrap.admin', /unknown|not allowed/i],
  ])('rejects %s', (_name, spec, field, message) => {
    const errors = errorsOf(parameters(spec));
    expect(errors).toContainEqual({ field, message: expect.stringMatching(message) });
  });
});
