import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import type { PeerCertificate } from 'tls';
import { fakeGateway } from '../../../test/support/fake-resources';
import { structToJson } from '../envoy-json';
import { TypeUrl } from '../resources';
import { type AdsHarness, adsHarnessPerTest, eventually, fakeNode, nextResponse, resourceNames } from '../../../test/support/fake-ads-client';
import { clientIdentity, jsonSize, MAX_NODE_NAME_BYTES, nodeRefusal, peerAddress, REFUSAL_LOG_EVERY_MS, StreamLimiter } from './limits';
import type { Node__Output } from '../../generated/envoy/config/core/v3/Node';
import type { Struct } from '../../generated/google/protobuf/Struct';

const { Cluster: CDS } = TypeUrl;

/** A `google.protobuf.Struct` as the decoder hands it over (protobufjs names its fields in camelCase). */
function struct(fields: Record<string, unknown>): Struct {
  const value = (v: unknown): unknown => {
    if (typeof v === 'string') return { stringValue: v };
    if (typeof v === 'number') return { numberValue: v };
    if (typeof v === 'boolean') return { boolValue: v };
    if (Array.isArray(v)) return { listValue: { values: v.map(value) } };
    if (v === null) return { nullValue: 'NULL_VALUE' };
    return { structValue: struct(v as Record<string, unknown>) };
  };
  return { fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, value(v)])) } as Struct;
}

const node = (metadata: Record<string, unknown> | null, id = 'envoy-1'): Node__Output => ({
  ...(fakeNode('gw', id) as Node__Output),
  metadata: metadata && (struct(metadata) as never),
});

describe('jsonSize', () => {
  it.each([['text'], [{ a: 1, b: [true, null, 'é'], c: { d: 'x"y' } }], [[]], [{}], [12.5]])('is the length of JSON.stringify: %j', (value) => {
    expect(jsonSize(value)).toBe(Buffer.byteLength(JSON.stringify(value)));
  });

  it('stops counting past the limit, and walks any depth without recursion', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonSize(deep)).toBe(200_003);
    expect(jsonSize({ a: 'x'.repeat(1000), b: 'y'.repeat(1000) }, 10)).toBeLessThan(1100);
  });
});

describe('nodeRefusal', () => {
  const limits = { maxStreamsPerClient: 4, maxNodeMetadataBytes: 1024 };

  it('measures node.metadata as the JSON it stands for', () => {
    const metadata = { labels: { app: 'gw', tier: 'edge' }, istio: ['a', 2, false], empty: null };
    expect(jsonSize(metadata)).toBe(JSON.stringify(structToJson(struct(metadata) as Record<string, unknown>)).length);
    expect(nodeRefusal(node(metadata), limits)).toBeUndefined();
    expect(nodeRefusal(node(null), limits)).toBeUndefined();
  });

  it('refuses metadata over the limit, and an id or cluster over MAX_NODE_NAME_BYTES', () => {
    expect(nodeRefusal(node({ blob: 'x'.repeat(1013) }), limits)).toBeUndefined(); // {"blob":"…"} = 1024 bytes
    expect(nodeRefusal(node({ blob: 'x'.repeat(1014) }), limits)).toBe(
      "node.metadata is over 1024 bytes as JSON, the control plane's limit (--xds-max-node-metadata-bytes)",
    );
    expect(nodeRefusal(node(null, 'e'.repeat(MAX_NODE_NAME_BYTES + 1)), limits)).toBe(
      `node.id is ${MAX_NODE_NAME_BYTES + 1} bytes; at most ${MAX_NODE_NAME_BYTES} are accepted`,
    );
  });
});

describe('clientIdentity', () => {
  const cert = (c: Partial<PeerCertificate>): { sslPeerCertificate: PeerCertificate } => ({
    sslPeerCertificate: { raw: Buffer.from('der'), fingerprint256: 'AB:CD', ...c } as PeerCertificate,
  });

  it('is the peer certificate with mTLS (its SANs, else its CN, else its fingerprint), else the peer IP', () => {
    expect(clientIdentity({ getPeer: () => '10.0.0.1:5000', getAuthContext: () => cert({ subjectaltname: 'URI:spiffe://a/gw, DNS:gw.example' }) })).toBe(
      'certificate DNS:gw.example, URI:spiffe://a/gw',
    );
    expect(clientIdentity({ getPeer: () => '10.0.0.1:5000', getAuthContext: () => cert({ subject: { CN: 'envoy' } as PeerCertificate['subject'] }) })).toBe(
      'certificate CN=envoy',
    );
    expect(clientIdentity({ getPeer: () => '10.0.0.1:5000', getAuthContext: () => cert({}) })).toBe('certificate sha256 AB:CD');
    expect(clientIdentity({ getPeer: () => '10.0.0.1:5000', getAuthContext: () => ({}) })).toBe('address 10.0.0.1');
    expect(clientIdentity({ getPeer: () => '::1:5000' })).toBe('address ::1');
  });

  it('reads the address out of what grpc-js calls the peer', () => {
    expect(peerAddress('127.0.0.1:41000')).toBe('127.0.0.1');
    expect(peerAddress('::ffff:127.0.0.1:41000')).toBe('::ffff:127.0.0.1');
    expect(peerAddress('[::1]:41000')).toBe('::1');
    expect(peerAddress('unknown')).toBe('unknown');
  });
});

describe('StreamLimiter refusal log', () => {
  it('logs a refusal once per identity per interval', () => {
    const lines: unknown[] = [];
    let now = 0;
    const log = pino({ level: 'warn' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const limiter = new StreamLimiter({ maxStreamsPerClient: 1, maxNodeMetadataBytes: 10 }, log, () => now);
    limiter.refused('address 10.0.0.1', '10.0.0.1:1', 'over');
    limiter.refused('address 10.0.0.1', '10.0.0.1:2', 'over');
    limiter.refused('address 10.0.0.2', '10.0.0.2:1', 'over');
    now += REFUSAL_LOG_EVERY_MS;
    limiter.refused('address 10.0.0.1', '10.0.0.1:3', 'over');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ identity: 'address 10.0.0.1', peer: '10.0.0.1:1', details: 'over', msg: 'xDS stream refused: over a per-client limit' });
  });
});

describe('an ADS server with per-client limits', () => {
  let h: AdsHarness;
  adsHarnessPerTest((started) => (h = started), { limits: { maxStreamsPerClient: 2, maxNodeMetadataBytes: 1024 } });

  it('refuses a stream over the per-client limit with RESOURCE_EXHAUSTED, keeps serving the others, and admits again once one closes', async () => {
    h.publish(fakeGateway());
    const first = h.sotw();
    const second = h.sotw();
    for (const [s, id] of [
      [first, 'a'],
      [second, 'b'],
    ] as const) {
      s.send({ node: fakeNode('gw', id), type_url: CDS });
      expect(resourceNames(await nextResponse(s))).toEqual(['backend-a', 'backend-b']);
    }
    const third = h.delta();
    third.send({ node: fakeNode('gw', 'c'), type_url: CDS, resource_names_subscribe: ['*'] });
    expect(await third.status).toMatchObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
      details: "address 127.0.0.1 already has 2 ADS streams open, the control plane's limit (--xds-max-streams-per-client)",
    });
    expect(h.server.connections().map((c) => c.nodeId)).toEqual(['a', 'b']);

    h.publish(fakeGateway({ clusters: ['backend-a'] }));
    expect(resourceNames(await nextResponse(first))).toEqual(['backend-a']);
    second.close();
    await eventually(() => h.server.connections().length === 1);
    const fourth = h.sotw();
    fourth.send({ node: fakeNode('gw', 'd'), type_url: CDS });
    expect(resourceNames(await nextResponse(fourth))).toEqual(['backend-a']);
  });

  it('refuses a node whose metadata is over the limit with INVALID_ARGUMENT before keeping anything, and the other proxies keep working', async () => {
    h.publish(fakeGateway());
    const healthy = h.sotw();
    healthy.send({ node: { ...fakeNode('gw', 'healthy'), metadata: struct({ app: 'gw' }) }, type_url: CDS });
    await nextResponse(healthy);
    expect(h.server.connections()[0].nodeMetadata).toEqual({ app: 'gw' });
    const rogue = h.sotw();
    rogue.send({ node: { ...fakeNode('gw', 'rogue'), metadata: struct({ blob: 'x'.repeat(4096) }) }, type_url: CDS });
    expect(await rogue.status).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining('node.metadata is over 1024 bytes') });
    expect(h.server.connections().map((c) => c.nodeId)).toEqual(['healthy']);
    expect(h.events.pushes.map((p) => p.node.id)).toEqual(['healthy']);
    h.publish(fakeGateway({ clusters: ['backend-b'] }));
    expect(resourceNames(await nextResponse(healthy))).toEqual(['backend-b']);
  });
});
