import type { DeltaDiscoveryResponse__Output } from '../../generated/envoy/service/discovery/v3/DeltaDiscoveryResponse';
import { fakeGateway } from '../../../test/support/fake-resources';
import { decodeAny } from '../proto';
import { TypeUrl } from '../resources';
import { type AdsHarness, adsHarnessPerTest, eventually, expectNoResponse, fakeNode, nextResponse } from '../../../test/support/fake-ads-client';

const { Cluster: CDS, ClusterLoadAssignment: EDS } = TypeUrl;

let h: AdsHarness;
adsHarnessPerTest((started) => (h = started));

function names(response: DeltaDiscoveryResponse__Output): string[] {
  return (response.resources ?? []).map((r) => r.name);
}

function removed(response: DeltaDiscoveryResponse__Output): string[] {
  return response.removed_resources ?? [];
}

describe('Delta ADS', () => {
  it('answers a first wildcard CDS request with every cluster, each with its own version', async () => {
    const snapshot = h.publish(fakeGateway());
    const s = h.delta();
    s.send({ node: fakeNode(), type_url: CDS });
    const response = await nextResponse(s);
    expect(response.type_url).toBe(CDS);
    expect(response.nonce).not.toBe('');
    expect(response.system_version_info).toBe(`test-${snapshot.typeVersion(CDS)}`);
    expect(response.resources.map((r) => [r.name, r.version])).toEqual([
      ['backend-a', snapshot.resource(CDS, 'backend-a')?.version],
      ['backend-b', snapshot.resource(CDS, 'backend-b')?.version],
    ]);
    const first = response.resources[0].resource;
    expect(first && decodeAny(first)).toMatchObject({ name: 'backend-a', type: 'EDS' });
  });

  it('reports the node, its metadata as plain JSON, and per type the versions sent and ACKed', async () => {
    const snapshot = h.publish(fakeGateway());
    const s = h.delta();
    const metadata = { fields: { pod: { stringValue: 'envoy-abc' }, zone: { structValue: { fields: { name: { stringValue: 'a' } } } } } };
    s.send({ node: { ...fakeNode(), metadata }, type_url: CDS });
    const response = await nextResponse(s);
    const [info] = h.server.connections();
    expect(info).toMatchObject({ nodeId: 'envoy-1', nodeCluster: 'gw', nodeMetadata: { pod: 'envoy-abc', zone: { name: 'a' } }, protocol: 'delta' });
    expect(info.types[0]).toMatchObject({ lastVersionSent: `test-${snapshot.typeVersion(CDS)}`, lastVersionAcked: '' });
    s.send({ type_url: CDS, response_nonce: response.nonce });
    await eventually(() => h.server.connections()[0].types[0].lastVersionAcked === `test-${snapshot.typeVersion(CDS)}`);
  });

  it('follows subscribe and unsubscribe, pushing changes only for subscribed names', async () => {
    h.publish(fakeGateway());
    const s = h.delta();
    s.send({ node: fakeNode(), type_url: EDS, resource_names_subscribe: ['backend-a'] });
    const first = await nextResponse(s);
    expect(names(first)).toEqual(['backend-a']);

    s.send({ type_url: EDS, resource_names_subscribe: ['backend-b'], response_nonce: first.nonce });
    const second = await nextResponse(s);
    expect(names(second)).toEqual(['backend-b']);

    s.send({ type_url: EDS, resource_names_unsubscribe: ['backend-a'], response_nonce: second.nonce });
    await expectNoResponse(s);
    h.publish(fakeGateway({ endpointPort: 9000 }));
    const pushed = await nextResponse(s);
    expect([names(pushed), removed(pushed)]).toEqual([['backend-b'], []]);
    await expectNoResponse(s);
  });

  it('lists deleted resources in removed_resources', async () => {
    h.publish(fakeGateway());
    const s = h.delta();
    s.send({ node: fakeNode(), type_url: CDS });
    await nextResponse(s);
    h.publish(fakeGateway({ clusters: ['backend-a'] }));
    const pushed = await nextResponse(s);
    expect([names(pushed), removed(pushed)]).toEqual([[], ['backend-b']]);
  });

  it('answers a subscription to a name that does not exist with removed_resources', async () => {
    h.publish(fakeGateway());
    const s = h.delta();
    s.send({ node: fakeNode(), type_url: EDS, resource_names_subscribe: ['backend-a', 'nope'] });
    const response = await nextResponse(s);
    expect([names(response), removed(response)]).toEqual([['backend-a'], ['nope']]);
  });

  it('skips resources a reconnecting client already holds (initial_resource_versions)', async () => {
    const snapshot = h.publish(fakeGateway());
    const current = snapshot.resource(EDS, 'backend-a')?.version ?? '';
    const s = h.delta();
    s.send({
      node: fakeNode(),
      type_url: EDS,
      resource_names_subscribe: ['backend-a', 'backend-b'],
      initial_resource_versions: { 'backend-a': current, 'backend-b': 'outdated' },
    });
    expect(names(await nextResponse(s))).toEqual(['backend-b']);

    const versions = Object.fromEntries([...snapshot.resources(CDS).values()].map((r) => [r.name, r.version]));
    const wildcard = h.delta();
    wildcard.send({ node: fakeNode(), type_url: CDS, initial_resource_versions: versions });
    await expectNoResponse(wildcard);
  });

  it('reports a NACK and does not resend the rejected resources', async () => {
    h.publish(fakeGateway());
    const s = h.delta();
    s.send({ node: fakeNode(), type_url: EDS, resource_names_subscribe: ['backend-a'] });
    const response = await nextResponse(s);
    s.send({ type_url: EDS, response_nonce: response.nonce, error_detail: { code: 3, message: 'bad endpoint' } });
    await expectNoResponse(s);
    expect(h.events.nacks).toEqual([
      expect.objectContaining({
        typeUrl: EDS,
        nonce: response.nonce,
        names: ['backend-a'],
        errorDetail: { code: 3, message: 'bad endpoint' },
        rejectedVersion: response.system_version_info,
      }),
    ]);
  });

  it('does not answer an ACK, and reports it', async () => {
    h.publish(fakeGateway());
    const s = h.delta();
    s.send({ node: fakeNode(), type_url: CDS });
    const response = await nextResponse(s);
    s.send({ type_url: CDS, response_nonce: response.nonce });
    await expectNoResponse(s);
    expect(h.events.acks).toEqual([expect.objectContaining({ typeUrl: CDS, nonce: response.nonce, version: response.system_version_info })]);
  });

  it('honours subscription changes even when the nonce is stale', async () => {
    h.publish(fakeGateway());
    const s = h.delta();
    s.send({ node: fakeNode(), type_url: EDS, resource_names_subscribe: ['backend-a'] });
    const first = await nextResponse(s);
    h.publish(fakeGateway({ endpointPort: 9000 }));
    await nextResponse(s);
    s.send({ type_url: EDS, resource_names_subscribe: ['backend-b'], response_nonce: first.nonce });
    expect(names(await nextResponse(s))).toEqual(['backend-b']);
  });

  it('answers an explicit unsubscribe of a name still covered by the wildcard', async () => {
    h.publish(fakeGateway());
    const s = h.delta();
    s.send({ node: fakeNode(), type_url: CDS, resource_names_subscribe: ['*', 'backend-a'] });
    expect(names(await nextResponse(s))).toEqual(['backend-a', 'backend-b']);
    s.send({ type_url: CDS, resource_names_unsubscribe: ['backend-a'] });
    expect(names(await nextResponse(s))).toEqual(['backend-a']);
  });
});
