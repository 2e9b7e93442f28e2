/**
 * What a NACK tells the rest of Attaché: which resources of the rejected response were new to
 * the client and which version of each it still runs — over SotW and Delta, on a fresh stream,
 * and after reconnects that do or do not reveal the client's state.
 */
import { fakeGateway } from '../../../test/support/fake-resources';
import type { Snapshot } from '../cache/snapshot';
import { TypeUrl } from '../resources';
import { type AdsHarness, adsHarnessPerTest, eventually, expectNoResponse, fakeNode, nextResponse, resourceNames } from '../../../test/support/fake-ads-client';

const { Cluster: CDS, ClusterLoadAssignment: EDS } = TypeUrl;

let h: AdsHarness;
adsHarnessPerTest((started) => (h = started));

function version(snapshot: Snapshot, typeUrl: (typeof TypeUrl)[keyof typeof TypeUrl], name: string): string {
  return snapshot.resource(typeUrl, name)?.version ?? '';
}

describe('NACK details', () => {
  it('SotW: names only the resources the client did not run, with the version it keeps', async () => {
    const before = h.publish(fakeGateway({ clusters: ['backend-a', 'backend-b'] }));
    const s = h.sotw();
    s.send({ node: fakeNode(), type_url: CDS });
    const first = await nextResponse(s);
    s.send({ type_url: CDS, version_info: first.version_info, response_nonce: first.nonce });
    await eventually(() => h.events.acks.length === 1);
    expect(h.events.acks[0].resources).toEqual([
      { name: 'backend-a', version: version(before, CDS, 'backend-a') },
      { name: 'backend-b', version: version(before, CDS, 'backend-b') },
    ]);

    // A cluster is added; the client refuses the new set.
    const after = h.publish(fakeGateway({ clusters: ['backend-a', 'backend-b', 'backend-c'] }));
    const cds = await nextResponse(s);
    expect(resourceNames(cds)).toEqual(['backend-a', 'backend-b', 'backend-c']);
    s.send({ type_url: CDS, version_info: first.version_info, response_nonce: cds.nonce, error_detail: { code: 3, message: 'no' } });
    await expectNoResponse(s);
    expect(h.events.nacks).toHaveLength(1);
    expect(h.events.nacks[0]).toMatchObject({
      clientStateKnown: true,
      version: first.version_info,
      rejected: [{ name: 'backend-c', version: version(after, CDS, 'backend-c') }],
    });
    expect(h.server.connections()[0].types.find((t) => t.typeUrl === CDS)).toMatchObject({ held: 3, accepted: 2 });
  });

  it('SotW: a first response the client refuses lists everything as new to it', async () => {
    const snapshot = h.publish(fakeGateway());
    const s = h.sotw();
    s.send({ node: fakeNode(), type_url: EDS, resource_names: ['backend-a'] });
    const eds = await nextResponse(s);
    s.send({ type_url: EDS, resource_names: ['backend-a'], response_nonce: eds.nonce, error_detail: { code: 14, message: 'bad' } });
    await expectNoResponse(s);
    expect(h.events.nacks[0]).toMatchObject({ clientStateKnown: true, rejected: [{ name: 'backend-a', version: version(snapshot, EDS, 'backend-a') }] });
    expect(h.events.nacks[0].rejected[0].acceptedVersion).toBeUndefined();
  });

  it('SotW: after reconnecting with a version of another control plane, the client state is unknown', async () => {
    h.publish(fakeGateway());
    const s = h.sotw();
    s.send({ node: fakeNode(), type_url: CDS, version_info: 'other-0123456789abcdef' });
    const cds = await nextResponse(s);
    s.send({ type_url: CDS, version_info: 'other-0123456789abcdef', response_nonce: cds.nonce, error_detail: { code: 3, message: 'no' } });
    await expectNoResponse(s);
    expect(h.events.nacks[0]).toMatchObject({ clientStateKnown: false, version: 'other-0123456789abcdef' });
  });

  it('Delta: the versions a reconnecting client declares are what it keeps on a NACK', async () => {
    const before = h.publish(fakeGateway());
    const after = h.publish(fakeGateway({ endpointPort: 9000 }));
    const s = h.delta();
    s.send({
      node: fakeNode(),
      type_url: EDS,
      resource_names_subscribe: ['backend-a', 'backend-b'],
      initial_resource_versions: { 'backend-a': version(before, EDS, 'backend-a'), 'backend-b': version(after, EDS, 'backend-b') },
    });
    const response = await nextResponse(s);
    expect(response.resources?.map((r) => r.name)).toEqual(['backend-a']);
    s.send({ type_url: EDS, response_nonce: response.nonce, error_detail: { code: 3, message: 'bad endpoint' } });
    await expectNoResponse(s);
    expect(h.events.nacks[0]).toMatchObject({
      clientStateKnown: true,
      rejected: [{ name: 'backend-a', version: version(after, EDS, 'backend-a'), acceptedVersion: version(before, EDS, 'backend-a') }],
    });
    // The rejected version is not sent again; the next different content is.
    const fixed = h.publish(fakeGateway({ endpointPort: 9001 }));
    const next = await nextResponse(s);
    expect(next.resources?.map((r) => [r.name, r.version])).toEqual([
      ['backend-a', version(fixed, EDS, 'backend-a')],
      ['backend-b', version(fixed, EDS, 'backend-b')],
    ]);
  });

  it('reports stream identification and closing, with the node and its Gateway', async () => {
    h.publish(fakeGateway());
    const s = h.sotw();
    s.send({ node: fakeNode('gw', 'envoy-7'), type_url: CDS });
    await nextResponse(s);
    expect(h.events.opened.map((e) => e.protocol)).toEqual(['sotw']);
    s.close();
    await eventually(() => h.events.closed.length === 1);
    expect(h.events.closed[0]).toMatchObject({ key: 'gw', node: expect.objectContaining({ id: 'envoy-7' }) });
  });
});
