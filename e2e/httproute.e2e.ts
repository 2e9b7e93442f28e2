/**
 * HTTPRoute against a real Envoy (State-of-the-World ADS), with HTTP/1.1 echo backends
 * (tools/echo/http-echo-server.ts) and one gRPC echo backend: path (Exact, PathPrefix by whole
 * segments), header, query parameter and method matching; a redirect and rewrites as the client
 * and the backend see them; a backendRef to a missing Service answering 500 while the route is
 * Accepted with ResolvedRefs=False; and a GRPCRoute and an HTTPRoute on one hostname, gRPC calls
 * going to the GRPCRoute's backend, plain HTTP to the HTTPRoute's, and a gRPC call no GRPCRoute
 * rule takes falling through to the HTTPRoute.
 */
import * as http from 'http';
import * as grpc from '@grpc/grpc-js';
import { ECHO_SERVICE } from '../tools/echo/echo-server';
import type { HttpEchoResponse } from '../tools/echo/http-echo-server';
import type { GatewayStatusEntry, RouteStatusEntry, StatusEntry } from '../src/gatewayapi/status';
import {
  awaitConvergence,
  callEcho,
  type GatewayStack,
  loopbackAddress,
  type RunningControlPlane,
  serviceDocs,
  startGatewayStack,
  waitFor,
} from '../test/harness';

const GATEWAY = 'default/http-gateway';
const HTTP_BACKENDS = [
  { pod: 'web-v1-htr-a1', service: 'web-v1', address: loopbackAddress(80) },
  { pod: 'web-v2-htr-a1', service: 'web-v2', address: loopbackAddress(81) },
];
const GRPC_BACKENDS = [{ pod: 'grpc-v1-htr-a1', service: 'grpc-v1', address: loopbackAddress(82) }];
const address = loopbackAddress(83);
const PORT = 10080;

const to = (service: string): object[] => [{ name: service, port: 8080 }];
const prefix = (value: string): object => ({ path: { type: 'PathPrefix', value } });

function route(kind: 'HTTPRoute' | 'GRPCRoute', name: string, hostname: string, rules: object[]): object {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind,
    metadata: { name, namespace: 'default' },
    spec: { parentRefs: [{ name: 'http-gateway' }], hostnames: [hostname], rules },
  };
}

function routeDocs(): object[] {
  const matching = route('HTTPRoute', 'matching', 'http.example.com', [
    { matches: [{ path: { type: 'Exact', value: '/exact' } }], backendRefs: to('web-v2') },
    { matches: [prefix('/prefix/')], backendRefs: to('web-v2') },
    { matches: [{ ...prefix('/headers'), headers: [{ name: 'X-Version', value: 'two' }] }], backendRefs: to('web-v2') },
    { matches: [{ ...prefix('/query'), queryParams: [{ name: 'animal', value: 'whale' }] }], backendRefs: to('web-v2') },
    { matches: [{ ...prefix('/method'), method: 'POST' }], backendRefs: to('web-v2') },
    { backendRefs: to('web-v1') },
  ]);
  const filters = route('HTTPRoute', 'filters', 'filters.example.com', [
    {
      matches: [prefix('/old')],
      filters: [
        {
          type: 'RequestRedirect',
          requestRedirect: { hostname: 'example.org', statusCode: 301, path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } },
        },
      ],
    },
    { matches: [prefix('/secure')], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] },
    {
      matches: [prefix('/prefix/one')],
      filters: [
        { type: 'URLRewrite', urlRewrite: { hostname: 'rewritten.example.com', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/one' } } },
        { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'X-Header-Set', value: 'set' }], remove: ['X-Header-Remove'] } },
        { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'X-Served-By', value: 'attache' }] } },
      ],
      backendRefs: to('web-v1'),
    },
    {
      matches: [prefix('/strip-prefix')],
      filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
      backendRefs: to('web-v1'),
    },
    {
      matches: [prefix('/full')],
      filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/replaced' } } }],
      backendRefs: to('web-v1'),
    },
    { matches: [prefix('/invalid')], backendRefs: to('does-not-exist') },
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
      metadata: { name: 'http-gateway', namespace: 'default' },
      spec: { gatewayClassName: 'attache', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    },
    matching,
    filters,
    route('GRPCRoute', 'mixed-grpc', 'mixed.example.com', [{ matches: [{ method: { service: ECHO_SERVICE, method: 'Echo' } }], backendRefs: to('grpc-v1') }]),
    route('HTTPRoute', 'mixed-http', 'mixed.example.com', [{ backendRefs: to('web-v1') }]),
  ];
}

interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The echo's JSON, when a backend answered. */
  echo?: HttpEchoResponse;
}

/** One request on a fresh connection (node:http: fetch may not set Host). */
function request(host: string, target: string, opts: { method?: string; headers?: http.OutgoingHttpHeaders } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers = { ...opts.headers, host };
    const req = http.request({ host: address, port: PORT, path: target, method: opts.method ?? 'GET', headers, agent: false, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const json = (res.headers['content-type'] ?? '').startsWith('application/json');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, echo: json ? (JSON.parse(text) as HttpEchoResponse) : undefined });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${host}${target}: no answer within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Waits until `host` + `target` is answered by `service`'s pod, and returns that answer. */
async function expectBackend(host: string, target: string, service: string, opts: Parameters<typeof request>[2] = {}): Promise<HttpAnswer> {
  return awaitConvergence(async () => {
    const r = await request(host, target, opts);
    expect(r.status).toBe(200);
    expect(r.echo?.pod.startsWith(`${service}-`)).toBe(true);
    return r;
  });
}

let stack: GatewayStack;
let cp: RunningControlPlane;

beforeAll(async () => {
  stack = await startGatewayStack({
    manifests: { '00-all.yaml': [...serviceDocs([...HTTP_BACKENDS, ...GRPC_BACKENDS], { sliceSuffix: 'htr', portName: 'web' }), ...routeDocs()] },
    httpBackends: HTTP_BACKENDS,
    backends: GRPC_BACKENDS,
    defaultAddress: address,
    envoys: [{ id: 'httproute-83', gateway: GATEWAY, listenerPorts: [PORT] }],
  });
  ({ cp } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

describe('HTTPRoute matching', () => {
  it('matches Exact paths exactly and PathPrefix by whole segments', async () => {
    await expectBackend('http.example.com', '/exact', 'web-v2');
    await expectBackend('http.example.com', '/exact/more', 'web-v1');
    await expectBackend('http.example.com', '/prefix', 'web-v2');
    await expectBackend('http.example.com', '/prefix/a/b', 'web-v2');
    await expectBackend('http.example.com', '/prefixed', 'web-v1');
  });

  it('matches headers (names case-insensitively), query parameters and the method', async () => {
    await expectBackend('http.example.com', '/headers', 'web-v2', { headers: { 'x-version': 'two' } });
    await expectBackend('http.example.com', '/headers', 'web-v1', { headers: { 'x-version': 'three' } });
    await expectBackend('http.example.com', '/query?animal=whale', 'web-v2');
    await expectBackend('http.example.com', '/query?animal=dolphin', 'web-v1');
    const posted = await expectBackend('http.example.com', '/method', 'web-v2', { method: 'POST' });
    expect(posted.echo?.method).toBe('POST');
    await expectBackend('http.example.com', '/method', 'web-v1');
  });
});

describe('HTTPRoute filters', () => {
  it('redirects, keeping the rest of the path and the query', async () => {
    await awaitConvergence(async () => {
      const r = await request('filters.example.com', '/old/page?x=1');
      expect(r.status).toBe(301);
      expect(r.headers.location).toBe('http://example.org/new/page?x=1');
    });
    // The scheme's well-known port is written out: Envoy would otherwise keep :10080.
    const s = await request(`filters.example.com:${PORT}`, '/secure/a');
    expect(s.status).toBe(302);
    expect(s.headers.location).toBe('https://filters.example.com:443/secure/a');
  });

  it('rewrites the host and the path prefix, with the header filters of the same rule', async () => {
    const r = await expectBackend('filters.example.com', '/prefix/one/two?q=1', 'web-v1', { headers: { 'x-header-set': 'old', 'x-header-remove': 'gone' } });
    expect(r.echo?.path).toBe('/one/two?q=1');
    expect(r.echo?.host).toBe('rewritten.example.com');
    expect(r.echo?.headers['x-header-set']).toEqual(['set']);
    expect(r.echo?.headers['x-header-remove']).toBeUndefined();
    expect(r.headers['x-served-by']).toBe('attache');
  });

  it('rewrites a prefix to "/" and a full path as HTTPPathModifier says', async () => {
    expect((await expectBackend('filters.example.com', '/strip-prefix/three', 'web-v1')).echo?.path).toBe('/three');
    expect((await expectBackend('filters.example.com', '/strip-prefix', 'web-v1')).echo?.path).toBe('/');
    expect((await expectBackend('filters.example.com', '/full/a/b?q=2', 'web-v1')).echo?.path).toBe('/replaced?q=2');
  });
});

describe('HTTPRoute backends and status', () => {
  it('answers 500 for a missing backend, the route Accepted with ResolvedRefs=False', async () => {
    await awaitConvergence(async () => expect((await request('filters.example.com', '/invalid')).status).toBe(500));
    const status = JSON.parse(await cp.debug('/status?format=json')) as StatusEntry[];
    const entry = status.find((s): s is RouteStatusEntry => s.kind === 'HTTPRoute' && s.name === 'filters');
    const conditions = Object.fromEntries((entry?.status.parents[0]?.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));
    expect(conditions).toEqual({ Accepted: 'True/Accepted', ResolvedRefs: 'False/BackendNotFound' });
    const gateway = status.find((s): s is GatewayStatusEntry => s.kind === 'Gateway' && s.name === 'http-gateway');
    expect(gateway?.status.listeners[0]).toMatchObject({ attachedRoutes: 4, supportedKinds: [{ kind: 'HTTPRoute' }, { kind: 'GRPCRoute' }] });
  });
});

describe('a GRPCRoute and an HTTPRoute on one hostname', () => {
  const target = `${address}:${PORT}`;

  it('sends gRPC calls to the GRPCRoute backend and plain HTTP to the HTTPRoute backend', async () => {
    await awaitConvergence(async () => {
      const r = await callEcho({ target, authority: 'mixed.example.com', method: 'Echo' });
      expect(r.code).toBe(grpc.status.OK);
      expect(r.pod).toBe('grpc-v1-htr-a1');
    });
    await expectBackend('mixed.example.com', '/index.html', 'web-v1');
  });

  it('lets a gRPC call no GRPCRoute rule takes fall through to the HTTPRoute', async () => {
    const web = stack.backends.find((b) => b.service === 'web-v1')!;
    const before = web.server.served().length;
    // The HTTP/1.1 echo answers JSON, not gRPC, so the call fails; that it arrived is the point.
    await callEcho({ target, authority: 'mixed.example.com', method: 'EchoTwo' });
    const arrived = await waitFor(() =>
      web.server
        .served()
        .slice(before)
        .find((c) => c.method === `POST /${ECHO_SERVICE}/EchoTwo`),
    );
    expect(arrived.authority).toBe('mixed.example.com');
  });
});
