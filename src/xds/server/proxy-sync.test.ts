/**
 * What a proxy runs of what it is served: only ACKed resources at the served version count, a
 * Listener counts with everything it refers to, and a standing NACK is the reason it is behind.
 */
import { fakeGateway } from '../../../test/support/fake-resources';
import { type AdsHarness, adsHarnessPerTest, eventually, fakeNode, nextResponse, resourceNames } from '../../../test/support/fake-ads-client';
import { buildSnapshot, type Snapshot } from '../cache/snapshot';
import { TypeUrl } from '../resources';
import { proxySync } from './proxy-sync';

const { Cluster: CDS, ClusterLoadAssignment: EDS, Listener: LDS, RouteConfiguration: RDS } = TypeUrl;

/** Every resource of `snapshot` accepted at its version, but those in `except` (type|name). */
function acceptedAll(snapshot: Snapshot, except: readonly string[] = []) {
  return (typeUrl: TypeUrl, name: string): string | undefined => (except.includes(`${typeUrl}|${name}`) ? 'older' : snapshot.resource(typeUrl, name)?.version);
}

describe('proxySync', () => {
  const snapshot = buildSnapshot(
    fakeGateway({ listeners: ['listener-80', 'listener-81'], clusters: ['backend-a', 'backend-b'], routeClusters: ['backend-a'] }),
  );

  it('is current when every Listener and Cluster runs at the served version, with all they refer to', () => {
    expect(proxySync(snapshot, acceptedAll(snapshot))).toEqual({ current: true, listeners: ['listener-80', 'listener-81'] });
  });

  it('is behind when nothing was accepted, naming the first resource and its version', () => {
    const sync = proxySync(snapshot, () => undefined);
    expect(sync).toMatchObject({ current: false, listeners: [] });
    expect(sync.behind).toBe(`has not accepted Listener listener-80 at version ${snapshot.resource(LDS, 'listener-80')!.version}`);
  });

  it('a Listener whose routes send to a Cluster without its endpoints does not serve', () => {
    const sync = proxySync(snapshot, acceptedAll(snapshot, [`${EDS}|backend-a`]));
    expect(sync.current).toBe(false);
    expect(sync.listeners).toEqual([]);
    expect(sync.behind).toMatch(/^has not accepted ClusterLoadAssignment backend-a at version /);
  });

  it('only the Listener whose RouteConfiguration is behind stops serving', () => {
    const sync = proxySync(snapshot, acceptedAll(snapshot, [`${RDS}|listener-81-routes`]));
    expect(sync).toMatchObject({ current: false, listeners: ['listener-80'] });
  });

  it('a Cluster no route uses still counts for current, not for the Listeners', () => {
    const sync = proxySync(snapshot, acceptedAll(snapshot, [`${CDS}|backend-b`]));
    expect(sync).toMatchObject({ current: false, listeners: ['listener-80', 'listener-81'] });
    expect(sync.behind).toMatch(/^has not accepted Cluster backend-b/);
  });

  it('a standing rejection is the reason, clipped', () => {
    const long = 'x'.repeat(1000);
    const sync = proxySync(snapshot, acceptedAll(snapshot, [`${LDS}|listener-81`]), { typeUrl: LDS, names: ['listener-81'], message: long });
    expect(sync.behind).toBe(`rejected Listener listener-81: ${'x'.repeat(300)}…`);
  });

  it('without a snapshot nothing runs', () => {
    expect(proxySync(undefined, () => 'v')).toEqual({ current: false, listeners: [], behind: 'has no configuration yet' });
  });
});

describe('XdsServer.proxies()', () => {
  let h: AdsHarness;
  adsHarnessPerTest((started) => (h = started));

  it('follows a SotW client from connected to current, and back to behind on a NACK', async () => {
    h.publish(fakeGateway({ clusters: ['backend-a'] }));
    const s = h.sotw();
    s.send({ node: fakeNode('gw', 'envoy-1'), type_url: CDS });
    const cds = await nextResponse(s);
    await eventually(() => h.server.proxies().length === 1);
    expect(h.server.proxies()[0]).toMatchObject({ nodeId: 'envoy-1', key: 'gw', current: false, listeners: [] });

    const ack = (typeUrl: TypeUrl, names: string[], version: string, nonce: string): void => {
      s.send({ type_url: typeUrl, resource_names: names, version_info: version, response_nonce: nonce });
    };
    ack(CDS, [], cds.version_info, cds.nonce);
    s.send({ type_url: EDS, resource_names: ['backend-a'] });
    const eds = await nextResponse(s);
    ack(EDS, ['backend-a'], eds.version_info, eds.nonce);
    s.send({ type_url: LDS });
    const lds = await nextResponse(s);
    ack(LDS, [], lds.version_info, lds.nonce);
    s.send({ type_url: RDS, resource_names: ['listener-80-routes'] });
    const rds = await nextResponse(s);
    expect(resourceNames(rds)).toEqual(['listener-80-routes']);
    // Sent, not yet ACKed: the proxy does not run it.
    expect(h.server.proxies()[0]).toMatchObject({ current: false, listeners: [] });
    ack(RDS, ['listener-80-routes'], rds.version_info, rds.nonce);
    await eventually(() => h.server.proxies()[0]?.current === true);
    expect(h.server.proxies()[0].listeners).toEqual(['listener-80']);

    // A new endpoint port: pushed, refused.
    h.publish(fakeGateway({ clusters: ['backend-a'], endpointPort: 9090 }));
    const eds2 = await nextResponse(s);
    s.send({
      type_url: EDS,
      resource_names: ['backend-a'],
      version_info: eds.version_info,
      response_nonce: eds2.nonce,
      error_detail: { code: 3, message: 'bad port' },
    });
    await eventually(() => h.events.nacks.length === 1);
    expect(h.server.proxies()[0]).toMatchObject({ current: false, listeners: [], behind: 'rejected ClusterLoadAssignment backend-a: bad port' });

    s.close();
    await eventually(() => h.server.proxies().length === 0);
  });

  it('an ACK of the latest response stands for the earlier ones it did not answer (Envoy sends only its latest state)', async () => {
    h.publish(fakeGateway());
    const s = h.sotw();
    s.send({ node: fakeNode('gw', 'envoy-1'), type_url: CDS });
    const cds = await nextResponse(s);
    s.send({ type_url: CDS, version_info: cds.version_info, response_nonce: cds.nonce });
    s.send({ type_url: EDS, resource_names: ['backend-a', 'backend-b'] });
    const eds = await nextResponse(s);
    s.send({ type_url: EDS, resource_names: ['backend-a', 'backend-b'], version_info: eds.version_info, response_nonce: eds.nonce });
    s.send({ type_url: LDS });
    const lds = await nextResponse(s);
    s.send({ type_url: LDS, version_info: lds.version_info, response_nonce: lds.nonce });
    s.send({ type_url: RDS, resource_names: ['listener-80-routes'] });
    const rds = await nextResponse(s);
    s.send({ type_url: RDS, resource_names: ['listener-80-routes'], version_info: rds.version_info, response_nonce: rds.nonce });
    await eventually(() => h.server.proxies()[0]?.current === true);

    // Two endpoint changes, one CLA each, before the client answers; it ACKs only the second.
    h.publish(fakeGateway({ endpointPorts: { 'backend-a': 9090 } }));
    const first = await nextResponse(s);
    h.publish(fakeGateway({ endpointPorts: { 'backend-a': 9090, 'backend-b': 9091 } }));
    const second = await nextResponse(s);
    expect([resourceNames(first), resourceNames(second)]).toEqual([['backend-a'], ['backend-b']]);
    s.send({ type_url: EDS, resource_names: ['backend-a', 'backend-b'], version_info: second.version_info, response_nonce: second.nonce });
    await eventually(() => h.events.acks.length === 5);
    expect(h.server.proxies()[0]).toMatchObject({ current: true, listeners: ['listener-80'] });
  });
});
