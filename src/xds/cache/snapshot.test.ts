import { decodeAny } from '../proto';
import { ADS_PUSH_ORDER, TypeUrl } from '../resources';
import { checkConsistency } from './consistency';
import { fakeCluster, fakeClusterLoadAssignment, fakeGateway, fakeListener, fakeRouteConfiguration } from '../../../test/support/fake-resources';
import { buildSnapshot } from './snapshot';

describe('buildSnapshot', () => {
  it('encodes each resource once into an Any that decodes back', () => {
    const snapshot = buildSnapshot(fakeGateway());
    const cluster = snapshot.resource(TypeUrl.Cluster, 'backend-a');
    expect(cluster?.any.type_url).toBe(TypeUrl.Cluster);
    expect(decodeAny(cluster!.any)).toMatchObject({ name: 'backend-a', type: 'EDS' });
    expect(cluster?.version).toMatch(/^[0-9a-f]{16}$/);
    expect(cluster?.references).toEqual({ [TypeUrl.ClusterLoadAssignment]: ['backend-a'] });
  });

  it('gives identical versions for identical content, whatever the input order', () => {
    const a = buildSnapshot(fakeGateway({ clusters: ['x', 'y'], routeClusters: ['x', 'y'] }));
    const b = buildSnapshot(fakeGateway({ clusters: ['y', 'x'], routeClusters: ['x', 'y'] }));
    for (const typeUrl of ADS_PUSH_ORDER) expect(a.typeVersion(typeUrl)).toBe(b.typeVersion(typeUrl));
    expect(a.sameContentAs(b)).toBe(true);
  });

  it('changes only the versions of what changed', () => {
    const before = buildSnapshot(fakeGateway());
    const after = buildSnapshot(fakeGateway({ endpointPorts: { 'backend-b': 9090 } }));
    expect(after.typeVersion(TypeUrl.ClusterLoadAssignment)).not.toBe(before.typeVersion(TypeUrl.ClusterLoadAssignment));
    expect(after.resource(TypeUrl.ClusterLoadAssignment, 'backend-a')?.version).toBe(before.resource(TypeUrl.ClusterLoadAssignment, 'backend-a')?.version);
    for (const typeUrl of [TypeUrl.Cluster, TypeUrl.Listener, TypeUrl.RouteConfiguration, TypeUrl.Secret]) {
      expect(after.typeVersion(typeUrl)).toBe(before.typeVersion(typeUrl));
    }
    expect(after.sameContentAs(before)).toBe(false);
  });

  it('treats a missing type as empty', () => {
    const snapshot = buildSnapshot({});
    expect(snapshot.resources(TypeUrl.Secret).size).toBe(0);
    expect(snapshot.typeVersion(TypeUrl.Secret)).toBe(buildSnapshot({ [TypeUrl.Secret]: [] }).typeVersion(TypeUrl.Secret));
  });

  it('records naming defects as problems instead of throwing', () => {
    const snapshot = buildSnapshot({
      [TypeUrl.Cluster]: [
        { name: 'a', resource: fakeCluster('a') },
        { name: 'a', resource: fakeCluster('a') },
        { name: 'b', resource: fakeCluster('not-b') },
      ],
      [TypeUrl.ClusterLoadAssignment]: [{ name: 'a', resource: fakeClusterLoadAssignment('a') }],
    });
    expect(snapshot.resources(TypeUrl.Cluster).size).toBe(1);
    expect(snapshot.problems).toEqual(['duplicate cluster name "a"', 'cluster "b" carries the name "not-b" inside']);
    expect(checkConsistency(snapshot)).toEqual(snapshot.problems);
  });

  it('records a resource that cannot be encoded as a problem', () => {
    const cla = { cluster_name: 'a', endpoints: [{ load_balancing_weight: 1 }] };
    const snapshot = buildSnapshot({ [TypeUrl.ClusterLoadAssignment]: [{ name: 'a', resource: cla }] });
    expect(snapshot.resources(TypeUrl.ClusterLoadAssignment).size).toBe(0);
    expect(snapshot.problems).toEqual([expect.stringMatching(/^endpoint "a" cannot be encoded: .*load_balancing_weight/)]);
  });
});

describe('checkConsistency', () => {
  it('accepts a complete gateway, including one with a secret', () => {
    expect(checkConsistency(buildSnapshot(fakeGateway({ secret: { name: 'cert' } })))).toEqual([]);
  });

  it('reports a Cluster whose ClusterLoadAssignment is missing', () => {
    const input = fakeGateway({ clusters: ['a'] });
    input[TypeUrl.ClusterLoadAssignment] = [];
    expect(checkConsistency(buildSnapshot(input))).toEqual(['cluster "a" refers to missing endpoint "a"']);
  });

  it('reports a Listener whose RouteConfiguration or Secret is missing', () => {
    const input = fakeGateway({ clusters: [] });
    input[TypeUrl.Listener] = [{ name: 'l', resource: fakeListener('l', 'gone', { secret: 'no-cert' }) }];
    expect(checkConsistency(buildSnapshot(input))).toEqual(['listener "l" refers to missing route "gone"', 'listener "l" refers to missing secret "no-cert"']);
  });

  it('allows routes to name clusters that do not exist (invalid backends answer 503)', () => {
    const input = fakeGateway({ clusters: ['a'], routeClusters: ['a', 'invalid-backend'] });
    expect(checkConsistency(buildSnapshot(input))).toEqual([]);
  });

  it('allows EDS and RDS resources nobody refers to', () => {
    const input = fakeGateway({ clusters: ['a'] });
    input[TypeUrl.ClusterLoadAssignment] = [
      { name: 'a', resource: fakeClusterLoadAssignment('a') },
      { name: 'spare', resource: fakeClusterLoadAssignment('spare') },
    ];
    input[TypeUrl.RouteConfiguration] = [
      ...(input[TypeUrl.RouteConfiguration] ?? []),
      { name: 'spare-routes', resource: fakeRouteConfiguration('spare-routes', []) },
    ];
    expect(checkConsistency(buildSnapshot(input))).toEqual([]);
  });
});
