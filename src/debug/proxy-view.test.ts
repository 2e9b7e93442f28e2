import type { ConnectionInfo, SubscriptionInfo } from '../xds/server/ads';
import { TypeUrl } from '../xds/resources';
import { proxyViews, readableMessage, type GatewayRejections } from './proxy-view';

function sub(typeUrl: (typeof TypeUrl)[keyof typeof TypeUrl], sent: string, acked: string, extra: Partial<SubscriptionInfo> = {}): SubscriptionInfo {
  return { typeUrl, wildcard: true, names: [], held: 2, accepted: 2, lastNonce: '3', lastVersionSent: sent, lastVersionAcked: acked, ...extra };
}

function connection(nodeId: string, types: SubscriptionInfo[], streamId = 1): ConnectionInfo {
  return {
    streamId,
    protocol: 'delta',
    peer: 'ipv4:127.0.0.1:5000',
    openedAt: new Date('2026-01-01T00:00:00Z'),
    nodeId,
    nodeCluster: 'default/gw',
    nodeMetadata: { pod: 'envoy-abc' },
    key: 'default/gw',
    types,
  };
}

const none: GatewayRejections = { active: [], held: [], pinned: [] };

describe('proxyViews', () => {
  it('shows who the proxy is, SotW or Delta, and per type the versions sent and ACKed: SYNCED when they agree', () => {
    const [view] = proxyViews([connection('envoy-a', [sub(TypeUrl.Cluster, 'v1', 'v1'), sub(TypeUrl.Listener, 'v2', 'v2')])], () => none);
    expect(view).toMatchObject({
      nodeId: 'envoy-a',
      cluster: 'default/gw',
      gateway: 'default/gw',
      metadata: { pod: 'envoy-abc' },
      protocol: 'Delta',
      connectedSince: '2026-01-01T00:00:00.000Z',
      sync: 'SYNCED',
      inSync: true,
      rejected: [],
    });
    expect(view.types.map((t) => [t.type, t.lastVersionSent, t.lastVersionAcked])).toEqual([
      ['cluster', 'v1', 'v1'],
      ['listener', 'v2', 'v2'],
    ]);
  });

  it('is STALE while a response is unanswered, and while nothing was subscribed yet', () => {
    expect(proxyViews([connection('a', [sub(TypeUrl.Cluster, 'v2', 'v1')])], () => none)[0].sync).toBe('STALE');
    expect(proxyViews([connection('a', [])], () => none)[0].sync).toBe('STALE');
  });

  it('is NACKED with Envoy’s message while the latest response of a type is rejected', () => {
    const nack = { nonce: '4', errorDetail: { code: 3, message: 'regex too big' }, rejected: ['routes/x'], at: '2026-01-01T00:00:01.000Z' };
    const [view] = proxyViews([connection('a', [sub(TypeUrl.RouteConfiguration, 'v2', 'v1', { lastNack: nack })])], () => none);
    expect(view.sync).toBe('NACKED');
    expect(view.types[0].lastNack).toEqual({ at: nack.at, nonce: '4', code: 3, message: 'regex too big', resources: ['routes/x'] });
  });

  it('stays NACKED while what this proxy rejected is held back, although it ACKed what replaced it', () => {
    const rejections: GatewayRejections = {
      active: [],
      held: [
        {
          owner: 'GRPCRoute/default/bad',
          gateway: 'default/gw',
          proxy: 1,
          rejectedFingerprint: '{}',
          node: 'a',
          resource: 'RouteConfiguration routes/x',
          message: 'x'.repeat(5000),
          since: 't',
        },
      ],
      pinned: [],
    };
    const views = proxyViews(
      [
        connection('a', [sub(TypeUrl.RouteConfiguration, 'v3', 'v3')]),
        connection('b', [sub(TypeUrl.RouteConfiguration, 'v3', 'v3')], 2),
        connection('a', [sub(TypeUrl.RouteConfiguration, 'v3', 'v3')], 3),
      ],
      () => rejections,
    );
    expect(views[0]).toMatchObject({ sync: 'NACKED', inSync: false, rejected: [{ object: 'GRPCRoute default/bad', served: 'left out', since: 't' }] });
    expect(views[0].rejected[0].message.length).toBeLessThan(1100);
    // Another proxy of the Gateway did not reject it: it runs what it was sent.
    expect(views[1].sync).toBe('SYNCED');
    // Nor did another stream claiming the same node id: holds belong to a stream, not a name.
    expect(views[2].sync).toBe('SYNCED');
  });

  it('leaves out streams whose proxy has not identified itself yet', () => {
    expect(proxyViews([{ ...connection('a', []), nodeId: undefined, key: undefined }], () => none)).toEqual([]);
  });
});

describe('readableMessage', () => {
  it('shortens long quoted values so the reason after them stays readable', () => {
    const msg = `regex '${'a'.repeat(5000)}' RE2 program size of 108009 > max program size of 100000`;
    expect(readableMessage(msg)).toBe(`regex '${'a'.repeat(80)}…' RE2 program size of 108009 > max program size of 100000`);
    expect(readableMessage("domain 'x.example.com' is duplicated")).toBe("domain 'x.example.com' is duplicated");
  });
});
