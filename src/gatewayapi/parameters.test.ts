import { mergeParameters } from './parameters';

describe('mergeParameters: the class gives defaults, the Gateway overrides field by field', () => {
  it('merges objects key by key and replaces lists and scalars', () => {
    const merged = mergeParameters(
      {
        envoy: { logLevel: 'info', nodeSelector: { a: '1' }, tolerations: [{ key: 'x', operator: 'Exists' }] },
        service: { type: 'LoadBalancer', annotations: { lb: 'nlb' } },
      },
      { envoy: { nodeSelector: { b: '2' }, tolerations: [{ key: 'y', operator: 'Exists' }] }, service: { type: 'NodePort' } },
    );
    expect(merged).toEqual({
      envoy: { logLevel: 'info', nodeSelector: { a: '1', b: '2' }, tolerations: [{ key: 'y', operator: 'Exists' }] },
      service: { type: 'NodePort', annotations: { lb: 'nlb' } },
    });
  });

  it("treats replicas and autoscaling as one choice: a Gateway that sets either drops the class's other", () => {
    expect(mergeParameters({ envoy: { autoscaling: { minReplicas: 2, maxReplicas: 9 } } }, { envoy: { replicas: 1 } })).toEqual({ envoy: { replicas: 1 } });
    expect(mergeParameters({ envoy: { replicas: 3 } }, { envoy: { autoscaling: { maxReplicas: 5 } } })).toEqual({ envoy: { autoscaling: { maxReplicas: 5 } } });
    expect(mergeParameters({ envoy: { replicas: 3 } }, { envoy: { logLevel: 'debug' } })).toEqual({ envoy: { replicas: 3, logLevel: 'debug' } });
  });

  it("leaves the class's parameters object unchanged", () => {
    const fromClass = { envoy: { replicas: 3 } };
    mergeParameters(fromClass, { envoy: { autoscaling: { maxReplicas: 5 } } });
    expect(fromClass).toEqual({ envoy: { replicas: 3 } });
  });
});
