/**
 * Faults under continuous gRPC load, against real Envoy over SotW and Delta:
 *  (e) an invalid route (refused by validation) and a route Envoy rejects (a method regex whose
 *      RE2 program is larger than Envoy allows; our RE2 check accepts it, see
 *      gatewayapi/regex.ts) are added next to working ones: the NACK is logged, counted and
 *      reported in status, the rejected route is held out, and later routes still get through;
 *  (d) the control plane is killed (SIGKILL) and restarted on the same port: Envoy keeps
 *      serving its last configuration meanwhile, then resyncs — also when a rejected route is
 *      held out, which the new process must find again from Envoy's NACK.
 * Each prints its RPC count and failures and asserts there are none.
 */
import * as grpc from '@grpc/grpc-js';
import { awaitConvergence, callEcho, sleep, startControlPlane, waitFor } from '../../test/harness';
import { Load, printReport } from './load';
import { routeYaml, Stack } from '../../test/harness/xds-stack';

const OK = grpc.status.OK;
const RDS = 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration';
const PROXY_REJECTED = 'attache.dev/ProxyRejected';
/** 108 literal characters repeated 1000 times: an RE2 program of about 108,000 instructions (Envoy's limit here: 100,000). */
const HUGE_SERVICE = `(?:${'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3)}){1000}`;

function methodRoute(name: string, host: string, service: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: ${name}, namespace: default}
spec:
  parentRefs: [{name: gw}]
  hostnames: [${host}]
  rules:
  - matches: [{method: {type: RegularExpression, service: '${service}'}}]
    backendRefs: [{name: svc-a, port: 8080}]
`;
}

const INVALID_ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: invalid, namespace: default}
spec:
  parentRefs: [{name: gw}]
  hostnames: [invalid.example.com]
  rules: [{matches: [{method: {type: Fuzzy, service: x.Y}}], backendRefs: [{name: svc-a, port: 8080}]}]
`;

interface Parent {
  conditions: Array<{ type: string; status: string; message: string }>;
}
interface Entry {
  kind: string;
  name: string;
  status: { conditions?: Parent['conditions']; parents?: Parent[] };
}

async function conditions(stack: Stack, kind: string, name: string): Promise<Parent['conditions']> {
  const entries = JSON.parse(await stack.cp.debug('/status?format=json')) as Entry[];
  const entry = entries.find((e) => e.kind === kind && e.name === name);
  return entry?.status.conditions ?? entry?.status.parents?.flatMap((p) => p.conditions) ?? [];
}

async function answers(stack: Stack, host: string): Promise<boolean> {
  return (await callEcho({ target: stack.target, authority: host, timeoutMs: 2000 })).code === OK;
}

describe.each([
  ['SotW', false, 180],
  ['Delta', true, 200],
])('faults under load over %s', (mode, delta, addressBase) => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start(
      { delta, addressBase, services: ['svc-a'] },
      { '20-working.yaml': routeYaml('working', 'working.example.com', [{ service: 'svc-a' }]) },
    );
    await awaitConvergence(async () => expect(await answers(stack, 'working.example.com')).toBe(true));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('(e) holds out a route Envoy rejects and reports it; an invalid route changes nothing; later routes get through', async () => {
    const load = new Load(stack.target).add({ authority: 'working.example.com' }).start();
    const nacksBefore = await stack.metric('attache_xds_nacks_total', { type_url: RDS });
    stack.write('60-invalid.yaml', INVALID_ROUTE);
    stack.write('60-rejected.yaml', methodRoute('rejected', 'rejected.example.com', HUGE_SERVICE));
    await waitFor(async () => (await conditions(stack, 'GRPCRoute', 'rejected')).some((c) => c.type === PROXY_REJECTED && c.status === 'True'), {
      timeoutMs: 10_000,
      description: 'the rejection in the route status',
    });
    const routeCondition = (await conditions(stack, 'GRPCRoute', 'rejected')).find((c) => c.type === PROXY_REJECTED);
    process.stdout.write(`(e) ${mode}: GRPCRoute default/rejected ${PROXY_REJECTED}: ${routeCondition?.message.slice(0, 200)}…\n`);
    expect(routeCondition?.message).toContain('RE2 program size');
    expect((await conditions(stack, 'Gateway', 'gw')).map((c) => c.type)).toContain(PROXY_REJECTED);
    expect(await stack.metric('attache_xds_nacks_total', { type_url: RDS })).toBeGreaterThan(nacksBefore);
    const nackLines = stack.cp.proc
      .logs()
      .split('\n')
      .filter((l) => l.includes('xDS NACK: the proxy rejected configuration'));
    expect(nackLines.some((l) => l.includes('routes/') && l.includes('RE2 program size'))).toBe(true);
    expect(await stack.cp.debug('/errors')).toContain('GRPCRoute default/invalid');

    // The RouteConfiguration is not stuck: a route added now is served.
    stack.write('60-after.yaml', routeYaml('after', 'after.example.com', [{ service: 'svc-a' }]));
    await waitFor(() => answers(stack, 'after.example.com'), { timeoutMs: 10_000, intervalMs: 5, description: 'a later route to answer' });
    load.add({ authority: 'after.example.com' });
    expect((await callEcho({ target: stack.target, authority: 'rejected.example.com' })).code).toBe(grpc.status.UNIMPLEMENTED);

    // Fixing the rejected route ends the hold, and the conditions go away.
    stack.write('60-rejected.yaml', methodRoute('rejected', 'rejected.example.com', 'gateway_api_conformance\\..*'));
    await waitFor(() => answers(stack, 'rejected.example.com'), { timeoutMs: 10_000, intervalMs: 5, description: 'the fixed route to answer' });
    await waitFor(async () => !(await conditions(stack, 'GRPCRoute', 'rejected')).some((c) => c.type === PROXY_REJECTED), { timeoutMs: 10_000 });
    await waitFor(async () => !(await conditions(stack, 'Gateway', 'gw')).some((c) => c.type === PROXY_REJECTED), { timeoutMs: 10_000 });
    stack.remove('60-invalid.yaml');
    await load.settle(200);
    const report = await load.stop();
    printReport(`(e) ${mode}: invalid and rejected routes next to working ones`, report);
    expect(report.failures).toBe(0);
  });

  it('(d) keeps serving while the control plane is killed, and resyncs when it is back', async () => {
    const load = new Load(stack.target).add({ authority: 'working.example.com' }, { authority: 'after.example.com' }).start();
    // A route Envoy rejects, held out before the crash: the new process does not know that.
    stack.write('60-rejected-2.yaml', methodRoute('rejected-2', 'rejected-2.example.com', HUGE_SERVICE));
    await waitFor(async () => (await conditions(stack, 'GRPCRoute', 'rejected-2')).some((c) => c.type === PROXY_REJECTED), { timeoutMs: 10_000 });
    const { dir, xds, debugPort } = { dir: stack.cp.dir, xds: stack.cp.xds, debugPort: stack.cp.debugPort };
    await stack.cp.kill();
    await waitFor(async () => (await stack.envoy.stats('control_plane.connected_state'))['control_plane.connected_state'] === 0, {
      timeoutMs: 10_000,
      description: 'Envoy to notice the control plane is gone',
    });
    // A change made while the control plane is down is picked up when it is back.
    stack.write('60-while-down.yaml', routeYaml('while-down', 'while-down.example.com', [{ service: 'svc-a' }]));
    await sleep(3000);
    const duringOutage = load.report();
    stack.cp = await startControlPlane({ dir, defaultAddress: stack.address, xdsPort: xds.port, debugPort });
    const restartedAt = performance.now();
    await waitFor(() => answers(stack, 'while-down.example.com'), {
      timeoutMs: 20_000,
      intervalMs: 10,
      description: 'Envoy to resync with the restarted control plane',
    });
    process.stdout.write(`(d) ${mode}: restarted control plane → change served: ${(performance.now() - restartedAt).toFixed(0)} ms\n`);
    // The new process found the rejected route again from Envoy's NACK, and holds it out.
    await waitFor(async () => (await conditions(stack, 'GRPCRoute', 'rejected-2')).some((c) => c.type === PROXY_REJECTED), { timeoutMs: 10_000 });
    await load.settle(300);
    const report = await load.stop();
    printReport(`(d) ${mode}: during the outage`, duringOutage);
    printReport(`(d) ${mode}: control plane killed and restarted`, report);
    expect(duringOutage.calls).toBeGreaterThan(0);
    expect(report.failures).toBe(0);
  });
});
