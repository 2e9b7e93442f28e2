/**
 * Make-before-break: moving a route from cluster `old` to a new cluster `new` (and deleting
 * `old` in the same snapshot) must reach the client as: clusters with both → endpoints of
 * `new` → routes → clusters without `old`.
 */
import type { DeltaDiscoveryResponse__Output } from '../../generated/envoy/service/discovery/v3/DeltaDiscoveryResponse';
import type { DiscoveryResponse__Output } from '../../generated/envoy/service/discovery/v3/DiscoveryResponse';
import { fakeGateway } from '../../../test/support/fake-resources';
import { TypeUrl } from '../resources';
import { type AdsHarness, expectNoResponse, fakeNode, nextResponse, resourceNames, startAdsHarness } from '../../../test/support/fake-ads-client';

const { Cluster: CDS, ClusterLoadAssignment: EDS, RouteConfiguration: RDS } = TypeUrl;
const ROUTES = 'listener-80-routes';

let h: AdsHarness;
afterEach(async () => {
  await h.close();
});

function publish(clusters: string[]): void {
  h.publish(fakeGateway({ clusters }));
}

const sotwSummary = (r: DiscoveryResponse__Output): [string, string[]] => [r.type_url, resourceNames(r)];
const deltaSummary = (r: DeltaDiscoveryResponse__Output): [string, string[], string[]] => [
  r.type_url,
  (r.resources ?? []).map((x) => x.name),
  r.removed_resources ?? [],
];

/** A SotW client holding clusters, endpoints and routes of the `old` configuration; returns the EDS response. */
async function sotwClientOnOld(): Promise<{ s: ReturnType<AdsHarness['sotw']>; eds: DiscoveryResponse__Output }> {
  publish(['old']);
  const s = h.sotw();
  s.send({ node: fakeNode(), type_url: CDS });
  s.send({ type_url: EDS, resource_names: ['old'] });
  s.send({ type_url: RDS, resource_names: [ROUTES] });
  const responses = [await nextResponse(s), await nextResponse(s), await nextResponse(s)];
  const eds = responses.find((r) => r.type_url === EDS);
  if (!eds) throw new Error('no EDS response');
  return { s, eds };
}

describe('make-before-break', () => {
  it('SotW: holds routes until the new cluster has endpoints, and deletes the old cluster last', async () => {
    h = await startAdsHarness();
    const { s, eds } = await sotwClientOnOld();

    publish(['new']);
    const both = await nextResponse(s);
    expect(sotwSummary(both)).toEqual([CDS, ['new', 'old']]);
    await expectNoResponse(s);

    // Envoy asks for the new cluster's endpoints as soon as it has processed the clusters.
    s.send({ type_url: EDS, resource_names: ['new', 'old'], response_nonce: eds.nonce, version_info: eds.version_info });
    const rest = [await nextResponse(s), await nextResponse(s), await nextResponse(s)];
    expect(rest.map(sotwSummary)).toEqual([
      [EDS, ['new']],
      [RDS, [ROUTES]],
      [CDS, ['new']],
    ]);
    // Each content has its own version; the final one is the snapshot's.
    const snapshot = h.cache.getSnapshot('gw');
    expect(rest[2].version_info).toBe(`test-${snapshot?.typeVersion(CDS)}`);
    expect(both.version_info).not.toBe(rest[2].version_info);
    await expectNoResponse(s);
  });

  it('SotW: moves routes anyway when the endpoints are never requested', async () => {
    h = await startAdsHarness({ warmingTimeoutMs: 200 });
    const { s } = await sotwClientOnOld();
    publish(['new']);
    expect(sotwSummary(await nextResponse(s))).toEqual([CDS, ['new', 'old']]);
    const rest = [await nextResponse(s), await nextResponse(s)];
    expect(rest.map(sotwSummary)).toEqual([
      [RDS, [ROUTES]],
      [CDS, ['new']],
    ]);
  });

  it('SotW: stops holding routes when the client rejects the clusters', async () => {
    h = await startAdsHarness();
    const { s } = await sotwClientOnOld();
    publish(['new']);
    const cds = await nextResponse(s);
    s.send({ type_url: CDS, response_nonce: cds.nonce, error_detail: { code: 3, message: 'bad cluster' } });
    expect(sotwSummary(await nextResponse(s))).toEqual([RDS, [ROUTES]]);
  });

  it('Delta: holds routes until the new cluster has endpoints, then removes the old cluster and endpoints', async () => {
    h = await startAdsHarness();
    publish(['old']);
    const s = h.delta();
    s.send({ node: fakeNode(), type_url: CDS });
    s.send({ type_url: EDS, resource_names_subscribe: ['old'] });
    s.send({ type_url: RDS, resource_names_subscribe: [ROUTES] });
    for (let i = 0; i < 3; i++) await nextResponse(s);

    publish(['new']);
    expect(deltaSummary(await nextResponse(s))).toEqual([CDS, ['new'], []]);
    await expectNoResponse(s);

    s.send({ type_url: EDS, resource_names_subscribe: ['new'] });
    const rest = [await nextResponse(s), await nextResponse(s), await nextResponse(s), await nextResponse(s)];
    expect(rest.map(deltaSummary)).toEqual([
      [EDS, ['new'], []],
      [RDS, [ROUTES], []],
      [CDS, [], ['old']],
      [EDS, [], ['old']],
    ]);
    await expectNoResponse(s);
  });
});
