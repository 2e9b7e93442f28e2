/**
 * The walking skeleton, end to end, once over State-of-the-World ADS and once over Delta:
 * the bundled examples/ served by `attache serve` to a real Envoy, real gRPC calls answered by
 * echo backends that say who they are.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import {
  awaitConvergence,
  backendsFromEndpointSlices,
  callEcho,
  closeEchoClients,
  countBackends,
  EXAMPLES,
  type GatewayStack,
  loopbackAddress,
  printLogsOnFailure,
  readManifestDocs,
  type RunningControlPlane,
  type RunningEnvoy,
  startGatewayStack,
  stopAll,
  targetOf,
  waitFor,
} from '../test/harness';

const GATEWAY = 'default/grpc-gateway';

/** Calls a method no backend and no route knows, with a raw client. */
function callUnknownMethod(target: string, authority: string): Promise<grpc.status> {
  const client = new grpc.Client(target, grpc.credentials.createInsecure(), { 'grpc.default_authority': authority });
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/no.such.Service/Nothing',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.alloc(0),
      { deadline: Date.now() + 5000 },
      (err) => {
        client.close();
        resolve(err ? (err.code ?? grpc.status.UNKNOWN) : grpc.status.OK);
      },
    );
  });
}

function serviceOf(pod: string): string {
  return pod.split('-').slice(0, -2).join('-');
}

describe.each([
  ['State-of-the-World', false, 40],
  ['Delta', true, 41],
])('walking skeleton over %s ADS', (_mode, delta, addressIndex) => {
  let stack: GatewayStack;
  let cp: RunningControlPlane;
  let envoy: RunningEnvoy;
  const address = loopbackAddress(addressIndex);
  const target = targetOf(address);

  beforeAll(async () => {
    stack = await startGatewayStack({
      manifests: EXAMPLES,
      backends: backendsFromEndpointSlices(readManifestDocs(EXAMPLES)),
      defaultAddress: address,
      envoys: [{ id: `e2e-${addressIndex}`, gateway: GATEWAY, delta }],
    });
    ({ cp, envoy } = stack);
  });

  afterEach(printLogsOnFailure);

  afterAll(async () => {
    closeEchoClients();
    await stack?.stop();
    await stopAll();
  });

  it('sends each method to the backend its rule names', async () => {
    for (const [method, service] of [
      ['Echo', 'echo-v1'],
      ['EchoTwo', 'echo-v2'],
    ] as const) {
      await awaitConvergence(async () => {
        const r = await callEcho({ target, authority: 'methods.example.com', method });
        expect(r.code).toBe(grpc.status.OK);
        expect(r.pod?.startsWith(service)).toBe(true);
        expect(r.method).toBe(`/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/${method}`);
        expect(r.namespace).toBe('default');
      });
    }
  });

  it('routes by header to the canary', async () => {
    await awaitConvergence(async () => {
      const canary = await callEcho({ target, authority: 'canary.example.com', metadata: { 'x-canary': 'true' } });
      expect(canary.pod?.startsWith('echo-canary')).toBe(true);
      const stable = await callEcho({ target, authority: 'canary.example.com' });
      expect(stable.pod?.startsWith('echo-v1')).toBe(true);
    });
  });

  it('answers UNIMPLEMENTED, from Envoy, for an RPC no route matches', async () => {
    const before = (await envoy.stats('no_route'))['http.http-10080.no_route'] ?? 0;
    expect(await callUnknownMethod(target, 'methods.example.com')).toBe(grpc.status.UNIMPLEMENTED);
    const r = await callEcho({ target, authority: 'methods.example.com', method: 'EchoThree' });
    expect(r.code).toBe(grpc.status.UNIMPLEMENTED);
    const after = (await envoy.stats('no_route'))['http.http-10080.no_route'];
    expect(after - before).toBe(2);
  });

  // 1,000 calls: ±5 % is then ~4 standard deviations of a fair 80/20 draw (σ ≈ 12.6 calls), so the
  // test fails on a wrong split, not on chance (over 500 calls, ±5 % is only 2.8 σ: ~1 run in 200).
  it('splits 80/20 by weight within ±5 % over 1,000 calls on fresh connections', async () => {
    const calls = 1000;
    const counts = await countBackends(calls, { target, authority: 'split.example.com' }, { concurrency: 10 });
    const byService: Record<string, number> = {};
    for (const [pod, n] of Object.entries(counts)) byService[serviceOf(pod)] = (byService[serviceOf(pod)] ?? 0) + n;
    process.stdout.write(`weighted split over ${calls} calls: ${JSON.stringify(byService)}\n`);
    expect(Object.keys(byService).sort()).toEqual(['echo-v1', 'echo-v2']);
    // In whole calls, so that 5 % of 1,000 is exactly 50 (no floating-point edge).
    expect(Math.abs(byService['echo-v1'] - 0.8 * calls)).toBeLessThanOrEqual(0.05 * calls);
    expect(Math.abs(byService['echo-v2'] - 0.2 * calls)).toBeLessThanOrEqual(0.05 * calls);
  });

  it('moves traffic when a route file is edited, and prints how long it took', async () => {
    const file = path.join(cp.dir, '20-per-method.yaml');
    const original = fs.readFileSync(file, 'utf8');
    const edited = original.replace(/name: echo-v1/, 'name: echo-canary');
    expect(edited).not.toEqual(original);
    const start = performance.now();
    fs.writeFileSync(file, edited);
    await waitFor(async () => (await callEcho({ target, authority: 'methods.example.com', method: 'Echo' })).pod?.startsWith('echo-canary'), {
      timeoutMs: 10_000,
      intervalMs: 2,
    });
    const ms = performance.now() - start;
    process.stdout.write(`route edit → traffic moved (${_mode}): ${ms.toFixed(1)} ms\n`);
    fs.writeFileSync(file, original);
    await awaitConvergence(async () => {
      expect((await callEcho({ target, authority: 'methods.example.com', method: 'Echo' })).pod?.startsWith('echo-v1')).toBe(true);
    });
  });

  it('keeps serving the last good configuration when a file is malformed, and names the error', async () => {
    const file = path.join(cp.dir, '40-weighted-split.yaml');
    const original = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, `${original}\n  - this: is [not valid yaml\n`);
    fs.writeFileSync(
      path.join(cp.dir, '50-invalid-route.yaml'),
      'apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata: {name: broken}\nspec:\n  parentRefs: [{name: grpc-gateway}]\n  rules:\n  - matches: [{method: {type: Fuzzy, service: x.Y}}]\n',
    );
    await waitFor(async () => (await cp.debug('/errors')).includes('50-invalid-route.yaml'), { timeoutMs: 10_000 });
    const errors = await cp.debug('/errors');
    expect(errors).toMatch(/40-weighted-split\.yaml: document \d+: YAML/);
    expect(errors).toContain('GRPCRoute default/broken: spec.rules[0].matches[0].method.type: Unsupported value');
    for (let i = 0; i < 5; i++) {
      const r = await callEcho({ target, authority: 'split.example.com' });
      expect(r.code).toBe(grpc.status.OK);
      expect((await callEcho({ target, authority: 'methods.example.com', method: 'EchoTwo' })).pod?.startsWith('echo-v2')).toBe(true);
    }
    fs.writeFileSync(file, original);
    fs.rmSync(path.join(cp.dir, '50-invalid-route.yaml'));
    await waitFor(async () => (await cp.debug('/errors')).trim() === '[]', { timeoutMs: 10_000 });
  });

  it('removes the objects of a deleted file', async () => {
    const file = path.join(cp.dir, '30-header-canary.yaml');
    const original = fs.readFileSync(file, 'utf8');
    fs.rmSync(file);
    await awaitConvergence(async () => {
      expect((await callEcho({ target, authority: 'canary.example.com' })).code).toBe(grpc.status.UNIMPLEMENTED);
    });
    fs.writeFileSync(file, original);
    await awaitConvergence(async () => {
      expect((await callEcho({ target, authority: 'canary.example.com' })).pod?.startsWith('echo-v1')).toBe(true);
    });
  });
});
