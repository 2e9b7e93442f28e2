import * as grpc from '@grpc/grpc-js';
import { fakeCluster, fakeGateway } from '../../../test/support/fake-resources';
import { TypeUrl } from '../resources';
import { type AdsHarness, adsHarnessPerTest, eventually, expectNoResponse, fakeNode, nextResponse, resourceNames } from '../../../test/support/fake-ads-client';

const { Cluster: CDS, ClusterLoadAssignment: EDS, Listener: LDS, RouteConfiguration: RDS, Secret: SDS } = TypeUrl;

let h: AdsHarness;
adsHarnessPerTest((started) => (h = started));

describe('SotW ADS', () => {
  it('answers initial wildcard CDS and LDS with the full set, versioned by instance and content', async () => {
    const snapshot = h.publish(fakeGateway());
    const s = h.sotw();
    s.send({ node: fakeNode(), type_url: CDS });
    const cds = await nextResponse(s);
    expect(cds.type_url).toBe(CDS);
    expect(resourceNames(cds)).toEqual(['backend-a', 'backend-b']);
    expect(cds.version_info).toBe(`test-${snapshot.typeVersion(CDS)}`);
    expect(cds.nonce).not.toBe('');

    // Later requests may omit the node: the stream remembers it.
    s.send({ type_url: LDS });
    const lds = await nextResponse(s);
    expect(resourceNames(lds)).toEqual(['listener-80']);
  });

  it('answers RDS/EDS by name, and a request adding a name with just that name', async () => {
    h.publish(fakeGateway());
    const s = h.sotw();
    s.send({ node: fakeNode(), type_url: EDS, resource_names: ['backend-a'] });
    const first = await nextResponse(s);
    expect(resourceNames(first)).toEqual(['backend-a']);

    s.send({ type_url: EDS, resource_names: ['backend-a', 'backend-b'], response_nonce: first.nonce, version_info: first.version_info });
    expect(resourceNames(await nextResponse(s))).toEqual(['backend-b']);

    s.send({ type_url: RDS, resource_names: ['listener-80-routes'] });
    expect(resourceNames(await nextResponse(s))).toEqual(['listener-80-routes']);
  });

  it('remembers a requested name that does not exist yet and sends it when it appears', async () => {
    h.publish(fakeGateway({ clusters: ['backend-a'] }));
    const s = h.sotw();
    s.send({ node: fakeNode(), type_url: EDS, resource_names: ['backend-c'] });
    await expectNoResponse(s);
    h.publish(fakeGateway({ clusters: ['backend-a', 'backend-c'] }));
    expect(resourceNames(await nextResponse(s))).toEqual(['backend-c']);
  });

  it('makes requests wait until the node has a snapshot', async () => {
    const s = h.sotw();
    s.send({ node: fakeNode(), type_url: CDS });
    await expectNoResponse(s);
    h.publish(fakeGateway({ clusters: ['late'] }));
    expect(resourceNames(await nextResponse(s))).toEqual(['late']);
  });

  it('does not answer an ACK, and reports it', async () => {
    h.publish(fakeGateway());
    const s = h.sotw();
    s.send({ node: fakeNode(), type_url: CDS });
    const cds = await nextResponse(s);
    s.send({ type_url: CDS, version_info: cds.version_info, response_nonce: cds.nonce });
    await expectNoResponse(s);
    expect(h.events.acks).toEqual([
      expect.objectContaining({ typeUrl: CDS, version: cds.version_info, nonce: cds.nonce, names: ['backend-a', 'backend-b'], key: 'gw' }),
    ]);
  });

  it('reports a NACK through onNack and does not resend the rejected content', async () => {
    h.publish(fakeGateway());
    const s = h.sotw();
    s.send({ node: fakeNode(), type_url: CDS });
    const cds = await nextResponse(s);
    s.send({ type_url: CDS, version_info: '', response_nonce: cds.nonce, error_detail: { code: 3, message: 'bad cluster' } });
    await expectNoResponse(s);
    expect(h.events.nacks).toHaveLength(1);
    const nack = h.events.nacks[0];
    expect(nack).toMatchObject({
      typeUrl: CDS,
      version: '',
      nonce: cds.nonce,
      errorDetail: { code: 3, message: 'bad cluster' },
      names: ['backend-a', 'backend-b'],
      rejectedVersion: cds.version_info,
      key: 'gw',
    });
    expect(nack.node.id).toBe('envoy-1');
    expect(h.server.connections()[0].types[0].lastNack).toEqual({
      nonce: cds.nonce,
      errorDetail: { code: 3, message: 'bad cluster' },
      rejected: ['backend-a', 'backend-b'],
      at: expect.any(String),
    });

    // A fix is a new snapshot with different content, and that is pushed.
    h.publish(fakeGateway({ clusters: ['backend-a'] }));
    expect(resourceNames(await nextResponse(s))).toEqual(['backend-a']);
  });

  it('reports a NACK repeated on later requests (as gRPC clients do) once, and still answers added names', async () => {
    h.publish(fakeGateway());
    const s = h.sotw();
    s.send({ node: fakeNode(), type_url: EDS, resource_names: ['backend-a'] });
    const eds = await nextResponse(s);
    const nack = { response_nonce: eds.nonce, error_detail: { code: 14, message: 'locality unset' } };
    s.send({ type_url: EDS, resource_names: ['backend-a'], ...nack });
    s.send({ type_url: EDS, resource_names: ['backend-a', 'backend-b'], ...nack });
    expect(resourceNames(await nextResponse(s))).toEqual(['backend-b']);
    expect(h.events.nacks.map((n) => n.names)).toEqual([['backend-a']]);
  });

  it('ignores a request carrying a stale nonce', async () => {
    h.publish(fakeGateway());
    const s = h.sotw();
    s.send({ node: fakeNode(), type_url: EDS, resource_names: ['backend-a'] });
    const first = await nextResponse(s);
    h.publish(fakeGateway({ endpointPort: 9000 }));
    const pushed = await nextResponse(s);
    expect(resourceNames(pushed)).toEqual(['backend-a']);

    s.send({ type_url: EDS, resource_names: ['backend-a', 'backend-b'], response_nonce: first.nonce, version_info: first.version_info });
    await expectNoResponse(s);
    s.send({ type_url: EDS, resource_names: ['backend-a', 'backend-b'], response_nonce: pushed.nonce, version_info: pushed.version_info });
    expect(resourceNames(await nextResponse(s))).toEqual(['backend-b']);
  });

  it('pushes only the types whose content changed, in ADS order', async () => {
    h.publish(fakeGateway({ secret: { name: 'cert' } }));
    const s = h.sotw();
    s.send({ node: fakeNode(), type_url: LDS });
    s.send({ type_url: RDS, resource_names: ['listener-80-routes'] });
    s.send({ type_url: CDS });
    s.send({ type_url: EDS, resource_names: ['backend-a', 'backend-b'] });
    s.send({ type_url: SDS, resource_names: ['cert'] });
    for (let i = 0; i < 5; i++) await nextResponse(s);

    h.publish(fakeGateway({ secret: { name: 'cert', certificate: 'renewed' }, routeClusters: ['backend-a'], endpointPorts: { 'backend-b': 9000 } }));
    const pushed = [await nextResponse(s), await nextResponse(s), await nextResponse(s)];
    expect(pushed.map((r) => r.type_url)).toEqual([SDS, EDS, RDS]);
    expect(pushed.map(resourceNames)).toEqual([['cert'], ['backend-b'], ['listener-80-routes']]);
    await expectNoResponse(s);

    // A rebuild with identical content pushes nothing.
    h.publish(fakeGateway({ secret: { name: 'cert', certificate: 'renewed' }, routeClusters: ['backend-a'], endpointPorts: { 'backend-b': 9000 } }));
    await expectNoResponse(s);
  });

  it('resends the ClusterLoadAssignment of a changed Cluster, right after CDS', async () => {
    h.publish(fakeGateway());
    const s = h.sotw();
    s.send({ node: fakeNode(), type_url: CDS });
    s.send({ type_url: EDS, resource_names: ['backend-a', 'backend-b'] });
    await nextResponse(s);
    await nextResponse(s);

    const input = fakeGateway();
    input[CDS] = [
      { name: 'backend-a', resource: { ...fakeCluster('backend-a'), connect_timeout: { seconds: 5 } } },
      { name: 'backend-b', resource: fakeCluster('backend-b') },
    ];
    h.publish(input);
    const cds = await nextResponse(s);
    expect([cds.type_url, resourceNames(cds)]).toEqual([CDS, ['backend-a', 'backend-b']]);
    const eds = await nextResponse(s);
    expect([eds.type_url, resourceNames(eds)]).toEqual([EDS, ['backend-a']]);
    await expectNoResponse(s);
  });

  it('sends the complete listener set when a listener is added or removed', async () => {
    h.publish(fakeGateway());
    const s = h.sotw();
    s.send({ node: fakeNode(), type_url: LDS });
    await nextResponse(s);
    h.publish(fakeGateway({ listeners: ['listener-80', 'listener-443'] }));
    expect(resourceNames(await nextResponse(s))).toEqual(['listener-443', 'listener-80']);
    h.publish(fakeGateway({ listeners: ['listener-443'] }));
    expect(resourceNames(await nextResponse(s))).toEqual(['listener-443']);
  });

  it('treats an empty list after explicit names as unsubscribing (legacy wildcard rule)', async () => {
    h.publish(fakeGateway());
    const s = h.sotw();
    s.send({ node: fakeNode(), type_url: CDS, resource_names: ['backend-a'] });
    const first = await nextResponse(s);
    expect(resourceNames(first)).toEqual(['backend-a']);
    s.send({ type_url: CDS, resource_names: [], response_nonce: first.nonce, version_info: first.version_info });
    await expectNoResponse(s);
    h.publish(fakeGateway({ clusters: ['backend-a', 'backend-b', 'backend-c'] }));
    await expectNoResponse(s);
  });

  it('sends nothing to a wildcard client reconnecting with the current version of this process', async () => {
    h.publish(fakeGateway());
    const first = h.sotw();
    first.send({ node: fakeNode(), type_url: CDS });
    const cds = await nextResponse(first);
    first.close();

    const again = h.sotw();
    again.send({ node: fakeNode(), type_url: CDS, version_info: cds.version_info });
    await expectNoResponse(again);
    // ...but it still gets later changes.
    h.publish(fakeGateway({ clusters: ['backend-a'] }));
    expect(resourceNames(await nextResponse(again))).toEqual(['backend-a']);

    const fromOtherInstance = h.sotw();
    fromOtherInstance.send({ node: fakeNode(), type_url: CDS, version_info: `other-${cds.version_info.split('-')[1]}` });
    expect(resourceNames(await nextResponse(fromOtherInstance))).toEqual(['backend-a']);
  });

  it('fails a stream whose first request has no node', async () => {
    const s = h.sotw();
    s.send({ type_url: CDS });
    const status = await s.status;
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('keeps streams of different keys apart and reports connections and stream events', async () => {
    h.publish(fakeGateway({ clusters: ['a'] }), 'gw');
    h.publish(fakeGateway({ clusters: ['b'] }), 'other');
    const s1 = h.sotw();
    const s2 = h.sotw();
    s1.send({ node: fakeNode('gw'), type_url: CDS });
    s2.send({ node: fakeNode('other', 'envoy-2'), type_url: CDS });
    expect(resourceNames(await nextResponse(s1))).toEqual(['a']);
    expect(resourceNames(await nextResponse(s2))).toEqual(['b']);

    const connections = h.server.connections();
    expect(connections.map((c) => [c.protocol, c.nodeId, c.key])).toEqual([
      ['sotw', 'envoy-1', 'gw'],
      ['sotw', 'envoy-2', 'other'],
    ]);
    expect(connections[0].types).toEqual([expect.objectContaining({ typeUrl: CDS, wildcard: true, held: 1 })]);
    expect(h.events.opened).toHaveLength(2);

    s1.close();
    await eventually(() => h.events.closed.length === 1);
    expect(h.events.closed[0]).toMatchObject({ key: 'gw', node: expect.objectContaining({ id: 'envoy-1' }) });
    expect(h.server.connections()).toHaveLength(1);
    expect(h.events.pushes.map((p) => [p.typeUrl, p.names, p.key])).toEqual([
      [CDS, ['a'], 'gw'],
      [CDS, ['b'], 'other'],
    ]);
  });
});
