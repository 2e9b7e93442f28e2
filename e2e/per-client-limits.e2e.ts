/**
 * What one xDS client may cost, with a real Envoy and a rogue ADS client on the same control
 * plane (`--xds-max-streams-per-client 3 --xds-max-node-metadata-bytes 4096`): a node.metadata
 * over the bound is refused with INVALID_ARGUMENT, streams past the per-client bound with
 * RESOURCE_EXHAUSTED, a Gateway name that does not exist never becomes a metric label — and
 * meanwhile the real Envoy keeps serving calls and keeps following changes.
 *
 * Everything here connects from 127.0.0.1 in plaintext, so the real Envoy and the rogue are one
 * client identity (the peer IP): the rogue gets the two streams the Envoy leaves free.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import type { ProtoGrpcType } from '../src/generated/ads';
import { adsPackageDefinition } from '../src/xds/proto';
import { AdsTestStream, nextResponse } from '../test/support/fake-ads-client';
import {
  backendsFromEndpointSlices,
  callEcho,
  EXAMPLES,
  type GatewayStack,
  loopbackAddress,
  readManifestDocs,
  startGatewayStack,
  waitFor,
} from '../test/harness';

const GATEWAY = 'default/grpc-gateway';
const LDS = 'type.googleapis.com/envoy.config.listener.v3.Listener';
const CDS = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const NEW_ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: after-the-rogue, namespace: default}
spec:
  parentRefs: [{name: grpc-gateway}]
  hostnames: [after.example.com]
  rules: [{backendRefs: [{name: echo-v1, port: 8080}]}]
`;

type Stream = AdsTestStream<unknown, unknown>;

interface ProxyPage {
  total: number;
  sync: Record<string, number>;
  proxies: Array<{ nodeId: string; sync: string }>;
}

describe('per-client limits: a rogue ADS client is refused, the real Envoy keeps working', () => {
  const address = loopbackAddress(137);
  let stack: GatewayStack;
  let client: grpc.Client & { StreamAggregatedResources(): grpc.ClientDuplexStream<unknown, unknown> };
  const rogues: Stream[] = [];

  const rogue = (): Stream => {
    const s = new AdsTestStream(client.StreamAggregatedResources());
    rogues.push(s);
    return s;
  };
  const proxies = async (): Promise<ProxyPage> => JSON.parse(await stack.cp.debug('/proxies?format=json')) as ProxyPage;
  const metric = async (gateway: string): Promise<string | undefined> =>
    (await stack.cp.debug('/metrics')).split('\n').find((l) => l.startsWith(`attache_xds_connected_proxies{gateway="${gateway}"}`));
  const envoyServes = async (authority: string): Promise<void> => {
    expect((await callEcho({ target: `${address}:10080`, authority })).pod).toMatch(/^echo-v1/);
  };

  beforeAll(async () => {
    stack = await startGatewayStack({
      manifests: EXAMPLES,
      backends: backendsFromEndpointSlices(readManifestDocs(EXAMPLES)),
      defaultAddress: address,
      controlPlane: { extraArgs: ['--xds-max-streams-per-client', '3', '--xds-max-node-metadata-bytes', '4096'] },
      envoys: [{ id: 'real-envoy', gateway: GATEWAY }],
    });
    const loaded = grpc.loadPackageDefinition(adsPackageDefinition()) as unknown as ProtoGrpcType;
    const Client = loaded.envoy.service.discovery.v3.AggregatedDiscoveryService;
    client = new Client(`127.0.0.1:${stack.cp.xds.port}`, grpc.credentials.createInsecure()) as unknown as typeof client;
    await envoyServes('methods.example.com');
  });

  afterAll(async () => {
    for (const s of rogues) s.close();
    client?.close();
    await stack?.stop();
  });

  it('refuses a node.metadata over the bound with INVALID_ARGUMENT, keeps nothing of it, and the Envoy keeps serving', async () => {
    const s = rogue();
    s.send({ node: { id: 'rogue-fat', cluster: GATEWAY, metadata: { fields: { blob: { stringValue: 'x'.repeat(64 * 1024) } } } }, type_url: LDS });
    const status = await s.status;
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status.details).toBe("node.metadata is over 4096 bytes as JSON, the control plane's limit (--xds-max-node-metadata-bytes)");
    const page = await proxies();
    expect(page.proxies.map((p) => p.nodeId)).toEqual(['real-envoy']);
    expect(stack.cp.proc.logs()).toMatch(/xDS stream refused: over a per-client limit/);
    await envoyServes('methods.example.com');
  });

  it('refuses streams past the per-client bound with RESOURCE_EXHAUSTED; the Envoy keeps serving and following changes', async () => {
    // The Envoy holds one of the three streams of 127.0.0.1; the rogue takes the other two,
    // naming Gateways that do not exist.
    const held = [rogue(), rogue()];
    held.forEach((s, i) => s.send({ node: { id: `rogue-${i}`, cluster: `attacker/${i}` }, type_url: CDS }));
    await waitFor(async () => (await proxies()).total === 3, { timeoutMs: 10_000, description: 'the rogue streams identified' });
    const refused = rogue();
    refused.send({ node: { id: 'rogue-2', cluster: GATEWAY }, type_url: CDS });
    const status = await refused.status;
    expect(status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(status.details).toBe("address 127.0.0.1 already has 3 ADS streams open, the control plane's limit (--xds-max-streams-per-client)");

    // Client-chosen Gateway names are no label values: the two rogues count as "unknown".
    expect(await metric('unknown')).toMatch(/ 2$/);
    expect(await metric(GATEWAY)).toMatch(/ 1$/);
    expect((await stack.cp.debug('/metrics')).includes('attacker/')).toBe(false);

    // The Envoy still serves, and still gets what changes.
    await envoyServes('methods.example.com');
    fs.writeFileSync(path.join(stack.cp.dir, '70-after.yaml'), NEW_ROUTE);
    await waitFor(async () => (await callEcho({ target: `${address}:10080`, authority: 'after.example.com' }).catch(() => undefined))?.pod, {
      timeoutMs: 15_000,
      description: 'the Envoy to serve a route added while the rogue holds its streams',
    });
    expect((await proxies()).proxies.find((p) => p.nodeId === 'real-envoy')?.sync).toBe('SYNCED');

    // Once the rogue lets go, a stream is admitted again.
    for (const s of held) s.close();
    await waitFor(async () => (await proxies()).total === 1, { timeoutMs: 10_000, description: 'the rogue streams closed' });
    const again = rogue();
    again.send({ node: { id: 'later', cluster: GATEWAY }, type_url: CDS });
    expect(await nextResponse(again, 5000)).toBeDefined();
  });
});
