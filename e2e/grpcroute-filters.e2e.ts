/**
 * GRPCRoute filters, regex matches and dropped rules against a real Envoy (State-of-the-World
 * ADS): request headers set/added/removed as the backend sees them, response headers as the
 * client sees them, rule- and backend-level; a RequestMirror whose copies reach a second echo
 * backend (counted there and in Envoy's cluster stats); a rule with a regex RE2 refuses dropped
 * while its siblings route, and the route's status saying PartiallyInvalid ("Dropped Rule").
 */
import * as grpc from '@grpc/grpc-js';
import type { RouteStatusEntry, StatusEntry } from '../src/gatewayapi/status';
import {
  awaitConvergence,
  callEcho,
  type EchoResult,
  type GatewayStack,
  loopbackAddress,
  type RunningControlPlane,
  type RunningEnvoy,
  serviceDocs,
  startGatewayStack,
  targetOf,
  waitFor,
} from '../test/harness';

const GATEWAY = 'default/filters-gateway';
const BACKENDS = [
  { pod: 'echo-v1-flt-a1', service: 'echo-v1', address: loopbackAddress(70) },
  { pod: 'echo-v2-flt-a1', service: 'echo-v2', address: loopbackAddress(71) },
  { pod: 'echo-mirror-flt-a1', service: 'echo-mirror', address: loopbackAddress(72) },
];
const MIRROR_CLUSTER = 'service/default/echo-mirror/8080/h2c';
const LITERAL = '100% %REQ(x-secret)%';

const method = (m: string): object => ({ method: { service: 'gateway_api_conformance.echo_basic.grpcecho.GrpcEcho', method: m } });
const headerFilter = (type: 'RequestHeaderModifier' | 'ResponseHeaderModifier', spec: object): object =>
  type === 'RequestHeaderModifier' ? { type, requestHeaderModifier: spec } : { type, responseHeaderModifier: spec };

function route(name: string, hostname: string, rules: object[]): object {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: { name, namespace: 'default' },
    spec: { parentRefs: [{ name: 'filters-gateway' }], hostnames: [hostname], rules },
  };
}

function routeDocs(): object[] {
  const headers = route('headers', 'headers.example.com', [
    {
      matches: [method('Echo')],
      filters: [
        headerFilter('RequestHeaderModifier', {
          set: [
            { name: 'X-Header-Set', value: 'set-value' },
            { name: 'x-literal', value: LITERAL },
          ],
          add: [{ name: 'X-Header-Add', value: 'added' }],
          remove: ['X-Header-Remove'],
        }),
        headerFilter('ResponseHeaderModifier', { set: [{ name: 'X-Served-By', value: 'attache' }], add: [{ name: 'x-resp-add', value: 'one' }] }),
      ],
      backendRefs: [{ name: 'echo-v1', port: 8080 }],
    },
    {
      matches: [method('EchoTwo')],
      backendRefs: [
        {
          name: 'echo-v2',
          port: 8080,
          filters: [
            headerFilter('RequestHeaderModifier', { set: [{ name: 'x-backend', value: 'v2' }] }),
            headerFilter('ResponseHeaderModifier', { set: [{ name: 'x-backend-served', value: 'v2' }] }),
          ],
        },
      ],
    },
  ]);
  const mirror = route('mirror', 'mirror.example.com', [
    {
      matches: [method('Echo')],
      filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'echo-mirror', port: 8080 } } }],
      backendRefs: [{ name: 'echo-v1', port: 8080 }],
    },
    {
      matches: [method('EchoTwo')],
      filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'echo-mirror', port: 8080 }, percent: 0 } }],
      backendRefs: [{ name: 'echo-v1', port: 8080 }],
    },
  ]);
  const partly = route('partly', 'partly.example.com', [
    { name: 'good', matches: [method('Echo')], backendRefs: [{ name: 'echo-v1', port: 8080 }] },
    {
      name: 'bad-regex',
      matches: [{ method: { type: 'RegularExpression', service: 'gateway_api_conformance\\.(echo', method: 'Echo' } }],
      backendRefs: [{ name: 'echo-v2', port: 8080 }],
    },
    { matches: [method('EchoTwo')], backendRefs: [{ name: 'echo-v2', port: 8080 }] },
  ]);
  return [
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'attache' },
      spec: { controllerName: 'attache.dev/gateway-controller' },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'filters-gateway', namespace: 'default' },
      spec: { gatewayClassName: 'attache', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    },
    headers,
    mirror,
    partly,
  ];
}

/** Every value the backend saw for `name`, comma-joined lines split (HTTP/2 may fold repeats). */
function seen(r: EchoResult, name: string): string[] {
  return (r.headers ?? []).filter((h) => h.key === name).flatMap((h) => h.value.split(/,\s*/));
}

async function routeConditions(cp: RunningControlPlane, name: string): Promise<Record<string, { status: string; reason: string; message: string }>> {
  const status = JSON.parse(await cp.debug('/status?format=json')) as StatusEntry[];
  const entry = status.find((s): s is RouteStatusEntry => s.kind === 'GRPCRoute' && s.name === name);
  return Object.fromEntries((entry?.status.parents[0]?.conditions ?? []).map((c) => [c.type, { status: c.status, reason: c.reason, message: c.message }]));
}

let stack: GatewayStack;
let cp: RunningControlPlane;
let envoy: RunningEnvoy;
const address = loopbackAddress(73);
const target = targetOf(address);

beforeAll(async () => {
  stack = await startGatewayStack({
    manifests: { '00-all.yaml': [...serviceDocs(BACKENDS, { sliceSuffix: 'flt' }), ...routeDocs()] },
    backends: BACKENDS,
    defaultAddress: address,
    envoys: [{ id: 'filters-73', gateway: GATEWAY }],
  });
  ({ cp, envoy } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

describe('GRPCRoute filters against a real Envoy', () => {
  it('sets, adds and removes request headers, with values taken literally', async () => {
    const metadata = { 'x-header-set': 'from-client', 'x-header-add': 'from-client', 'x-header-remove': 'gone', 'x-secret': 's3cret' };
    const r = await awaitConvergence(async () => {
      const res = await callEcho({ target, authority: 'headers.example.com', method: 'Echo', metadata });
      expect(res.pod).toBe('echo-v1-flt-a1');
      return res;
    });
    expect(seen(r, 'x-header-set')).toEqual(['set-value']);
    expect(seen(r, 'x-header-add').sort()).toEqual(['added', 'from-client']);
    expect(seen(r, 'x-header-remove')).toEqual([]);
    // `%` is not an Envoy format string here: no `%REQ(x-secret)%` expansion.
    expect((r.headers ?? []).find((h) => h.key === 'x-literal')?.value).toBe(LITERAL);
  });

  it('modifies the response headers the client receives', async () => {
    const r = await callEcho({ target, authority: 'headers.example.com', method: 'Echo' });
    expect(r.code).toBe(grpc.status.OK);
    expect(r.responseHeaders?.['x-served-by']).toEqual(['attache']);
    expect(r.responseHeaders?.['x-resp-add']).toEqual(['one']);
  });

  it('applies backendRef filters only to requests sent to that backend', async () => {
    const two = await callEcho({ target, authority: 'headers.example.com', method: 'EchoTwo' });
    expect(two.pod).toBe('echo-v2-flt-a1');
    expect(seen(two, 'x-backend')).toEqual(['v2']);
    expect(two.responseHeaders?.['x-backend-served']).toEqual(['v2']);
    const one = await callEcho({ target, authority: 'headers.example.com', method: 'Echo' });
    expect(seen(one, 'x-backend')).toEqual([]);
    expect(one.responseHeaders?.['x-backend-served']).toBeUndefined();
  });

  it('mirrors requests to the mirror backend, which Envoy also counts, and not at 0 %', async () => {
    const mirror = stack.backends.find((b) => b.service === 'echo-mirror')!;
    const statName = `cluster.${MIRROR_CLUSTER}.upstream_rq_total`;
    const statsBefore = (await envoy.stats(`^cluster\\.${MIRROR_CLUSTER.replace(/[./]/g, '\\$&')}\\.upstream_rq_total$`))[statName] ?? 0;
    const before = mirror.server.served().length;
    for (let i = 0; i < 5; i++) {
      expect((await callEcho({ target, authority: 'mirror.example.com', method: 'EchoTwo' })).pod).toBe('echo-v1-flt-a1');
    }
    for (let i = 0; i < 10; i++) {
      expect((await callEcho({ target, authority: 'mirror.example.com', method: 'Echo' })).pod).toBe('echo-v1-flt-a1');
    }
    // Shadow requests are fire-and-forget: they may land after the answers the client saw.
    await waitFor(() => mirror.server.served().length - before >= 10, { timeoutMs: 10_000 });
    const copies = mirror.server.served().slice(before);
    expect(copies.map((c) => c.method)).toEqual(Array(10).fill('Echo'));
    // disable_shadow_host_suffix_append: the copy keeps the original :authority.
    expect(new Set(copies.map((c) => c.authority))).toEqual(new Set(['mirror.example.com']));
    const stats = await envoy.stats(`^cluster\\.${MIRROR_CLUSTER.replace(/[./]/g, '\\$&')}\\.upstream_rq_total$`);
    expect(stats[statName] - statsBefore).toBe(10);
  });

  it('drops a rule whose regex RE2 refuses, keeps its siblings routing, and says PartiallyInvalid', async () => {
    await awaitConvergence(async () => {
      expect((await callEcho({ target, authority: 'partly.example.com', method: 'Echo' })).pod).toBe('echo-v1-flt-a1');
      expect((await callEcho({ target, authority: 'partly.example.com', method: 'EchoTwo' })).pod).toBe('echo-v2-flt-a1');
    });
    const conditions = await routeConditions(cp, 'partly');
    expect(conditions.Accepted).toMatchObject({ status: 'True', reason: 'Accepted' });
    expect(conditions.PartiallyInvalid).toMatchObject({ status: 'True', reason: 'UnsupportedValue' });
    expect(
      conditions.PartiallyInvalid.message.startsWith('Dropped Rule "bad-regex": spec.rules[1].matches[0].method.service: invalid regular expression'),
    ).toBe(true);
    expect((await routeConditions(cp, 'headers')).PartiallyInvalid).toBeUndefined();
  });

  it('counts a named rule under its own route stat_prefix', async () => {
    // Envoy's per-route stats: vhost.<virtual host>.route.<stat_prefix>.*
    const name = 'vhost.partly.example.com.route.grpcroute/default/partly/good.upstream_rq_total';
    const total = async (): Promise<number> => (await envoy.stats('route\\.grpcroute/default/partly/good\\.'))[name] ?? 0;
    const before = await total();
    for (let i = 0; i < 3; i++) expect((await callEcho({ target, authority: 'partly.example.com', method: 'Echo' })).code).toBe(grpc.status.OK);
    await waitFor(async () => (await total()) - before === 3, { timeoutMs: 5_000 });
  });
});
