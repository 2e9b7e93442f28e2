/**
 * Generated manifests for e2e/envoy-accepts.e2e.ts: many small configurations (a Gateway, its
 * Secrets, Services, EndpointSlices and routes in a namespace of their own), drawn by a seeded
 * generator from pools of values, valid and not: addresses that are not IPs, ports out of
 * range, keys Envoy refuses, regexes RE2 refuses, header names and values Envoy may not take,
 * odd hostnames, paths and durations. Each case is YAML as a user would write it; the test runs
 * it through what `attache validate` and `serve` run, and whatever passes must pass Envoy.
 *
 * Every case uses its own listener ports (PORTS_PER_CASE from FIRST_PORT), so many cases fit in
 * one Envoy bootstrap without their listeners colliding. Deterministic: the same seed gives the
 * same cases, so a failure names a case that can be regenerated.
 */
import { stringify } from 'yaml';

const FIRST_PORT = 2000;
const PORTS_PER_CASE = 3;

/** A kubernetes.io/tls Secret's two keys, in clear. */
export interface KeyPair {
  label: string;
  cert: string;
  key: string;
}

export interface GeneratedCase {
  index: number;
  namespace: string;
  yaml: string;
}

/** mulberry32: small, seedable, good enough to pick from pools. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Pools, each split in values a user would write and odd ones (refused by the schema, by
 * Attaché, or taken by both and left for Envoy to judge). Odd values are drawn rarely
 * (DEFAULT_ODD_RATE), so most objects pass validation and most cases reach Envoy with something in them.
 */
export const DEFAULT_ODD_RATE = 0.04;
interface Pool<T> {
  good: readonly T[];
  odd: readonly T[];
}
const IPV4: Pool<string> = {
  good: ['127.0.0.1', '127.0.10.2', '10.1.2.3', '192.0.2.7'],
  odd: [
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '169.254.1.1',
    'not-an-ip',
    '',
    ' 127.0.0.1',
    '127.0.0.1 ',
    '[::1]',
    '127.000.0.1',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.4:80',
    '127.0.0.1/32',
    'localhost',
    '::1',
    '256.1.1.1',
    '0x7f.0.0.1',
    '0177.0.0.1',
  ],
};
const IPV6: Pool<string> = {
  good: ['::1', 'fd00::1', '2001:db8::10'],
  odd: ['::', 'fe80::1', 'ff02::1', 'fe80::1%eth0', '::ffff:127.0.0.1', '::1::2', '[::1]', '127.0.0.1', 'FD00::1', '0:0:0:0:0:0:0:1'],
};
const PORTS: Pool<number> = { good: [3000, 8080, 1, 65535], odd: [0, -1, 65536, 70000] };
const REGEXES: Pool<string> = {
  good: ['Get.*', '.*', '[A-Z][a-z]+', '(?i)get', '\\p{L}+', '(a|b)*c', 'x{2,5}', '[[:alpha:]]+', '\\Qa.b\\E', '/api/v[0-9]+/.*'],
  odd: [
    '(?P<name>x)y',
    '\\C',
    'é.',
    '(\\1)',
    '[z-a]',
    'a**',
    '(?=x)',
    '\\x{100}',
    'a{1001}',
    '(((a)))',
    '',
    '^/users/[a-z0-9-]{1,63}$',
    '\\pN',
    '[^\\x00-\\x{10FFFF}]',
    '\\b',
    '(?U)a+',
  ],
};
const HEADER_NAMES: Pool<string> = {
  good: ['x-a', 'X-Upper', 'x-env', 'x-canary', 'user-agent'],
  odd: [
    'x-' + 'a'.repeat(200),
    'grpc-timeout',
    'te',
    'content-type',
    'x_underscore',
    'host',
    ':authority',
    ':path',
    'connection',
    'transfer-encoding',
    'x a',
    'x-ü',
    '',
    'keep-alive',
    'upgrade',
    'content-length',
    'grpc-status',
    ':method',
    'x-envoy-original-path',
  ],
};
const HEADER_VALUES: Pool<string> = {
  good: ['v', 'canary', 'blue', '1', 'a b'],
  odd: [
    '',
    ' leading',
    'trailing ',
    'a\tb',
    'ünï',
    'x'.repeat(3000),
    '%(',
    '%REQ(x-a)%',
    '%%',
    'a\r\nb',
    'a\u0000b',
    '"quoted"',
    'yes',
    '%UPSTREAM_HOST%',
    '%',
  ],
};
const HOSTNAMES: Pool<string> = {
  good: ['a.example.com', '*.example.com', 'b.example.com', 'example.com'],
  odd: [
    '*.b.example.com',
    'EXAMPLE.com',
    'a..b',
    '*',
    'x_y.example',
    '1.2.3.4',
    'xn--bcher-kva.example',
    `${'l'.repeat(63)}.example.com`,
    '*.*.example.com',
    'a.example.com.',
    'localhost',
    '-a.example.com',
  ],
};
const PATHS: Pool<string> = {
  good: ['/', '/a', '/a/', '/api/v1', '/echo.Echo/Get'],
  odd: ['//', '/a b', '/%zz', '/a?b', 'a', '/é', '/a/../b', '/*', '/a#x', '/' + 'p'.repeat(1000), '/a%2Fb', '/a//b', '/.'],
};
const DURATIONS: Pool<string> = { good: ['1s', '10s', '500ms', '1m'], odd: ['0s', '1h', '100h', '1.5s', '500us', '99999h', '1ms', '1m30s', 'forever', '0ms'] };
const WEIGHTS: Pool<number> = { good: [1, 2, 10, 100], odd: [0, 1000000, -1, 1000001] };
const STATUS_CODES: Pool<number> = { good: [301, 302], odd: [303, 307, 308, 200] };
const SCHEMES: Pool<string> = { good: ['http', 'https'], odd: ['ftp', 'HTTP'] };
const METHODS: Pool<string> = { good: ['GET', 'POST'], odd: ['PATCH', 'CONNECT', 'TRACE', 'get'] };
const SERVICES: Pool<string> = { good: ['grpc.health.v1.Health', 'echo.Echo', 'x.y.Z'], odd: ['a', '', 'bad service', 'é.Echo', '.x', 'x.'] };
const GRPC_METHODS: Pool<string> = { good: ['Check', 'Watch', 'Get'], odd: ['', 'bad method', 'Ünï', 'a/b'] };
const GATEWAY_ADDRESSES: Pool<string> = {
  good: ['127.0.0.2', '127.0.20.1'],
  odd: ['::1', '0.0.0.0', '::', 'not-an-ip', '127.0.0.1/32', '[::1]', '127.000.0.1', 'fe80::1%eth0', '', 'localhost', '::ffff:127.0.0.1'],
};
const MIRROR: Pool<Record<string, unknown>> = {
  good: [{}, { percent: 50 }, { fraction: { numerator: 1, denominator: 3 } }],
  odd: [
    { percent: 0 },
    { percent: 100 },
    { percent: 101 },
    { fraction: { numerator: 5, denominator: 0 } },
    { fraction: { numerator: 7, denominator: 3 } },
    { fraction: { numerator: 1, denominator: 1000000 } },
    { percent: 50, fraction: { numerator: 1 } },
  ],
};
const QUERY_NAMES: Pool<string> = { good: ['q', 'page'], odd: ['a b', 'x'.repeat(300), '', 'ü'] };

class Picker {
  constructor(
    private readonly next: () => number,
    private readonly oddRate: number,
  ) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  of<T>(pool: readonly T[]): T {
    return pool[this.int(pool.length)];
  }
  /** A usual value, or now and then an odd one. */
  v<T>(pool: Pool<T>): T {
    return this.chance(this.oddRate) ? this.of(pool.odd) : this.of(pool.good);
  }
  /** One to `max` items made by `make`. */
  some<T>(max: number, make: () => T): T[] {
    return Array.from({ length: 1 + this.int(max) }, make);
  }
}

type Doc = Record<string, unknown>;

function endpointSlice(p: Picker, ns: string, service: string, i: number): Doc {
  const addressType = p.chance(0.05) ? p.of(['FQDN', 'IPv5']) : p.chance(0.2) ? 'IPv6' : 'IPv4';
  const pool = addressType === 'IPv6' ? IPV6 : IPV4;
  const address = (): string => p.v(pool);
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-${i}`, namespace: ns, labels: { 'kubernetes.io/service-name': service } },
    addressType,
    ports: [{ name: 'grpc', port: p.chance(0.9) ? 3000 : p.v(PORTS) }],
    endpoints: Array.from({ length: 1 + p.int(3) }, () => ({
      addresses: [address()],
      ...(p.chance(0.2) ? { conditions: { ready: p.chance(0.5) } } : {}),
    })),
  };
}

function service(p: Picker, ns: string, name: string): Doc {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { ports: [{ name: 'grpc', port: p.chance(0.95) ? 8080 : p.v(PORTS), targetPort: 3000 }] },
  };
}

function secret(ns: string, name: string, pair: KeyPair): Doc {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: ns },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(pair.cert), 'tls.key': b64(pair.key) },
  };
}

function headerModifier(p: Picker): Doc {
  const header = (): Doc => ({ name: p.v(HEADER_NAMES), value: p.v(HEADER_VALUES) });
  const out: Doc = {};
  if (p.chance(0.6)) out.set = p.some(2, header);
  if (p.chance(0.4)) out.add = p.some(2, header);
  if (p.chance(0.3)) out.remove = p.some(2, () => p.v(HEADER_NAMES));
  return out;
}

function backendRefs(p: Picker, services: readonly string[]): Doc[] {
  return p.some(3, () => ({
    name: p.chance(0.95) ? p.of(services) : 'missing',
    port: p.chance(0.95) ? 8080 : p.v(PORTS),
    ...(p.chance(0.3) ? { weight: p.v(WEIGHTS) } : {}),
  }));
}

function grpcRule(p: Picker, services: readonly string[]): Doc {
  const rule: Doc = { backendRefs: backendRefs(p, services) };
  if (p.chance(0.8)) {
    rule.matches = p.some(2, () => {
      const match: Doc = {};
      if (p.chance(0.8)) {
        const regex = p.chance(0.5);
        const service = p.chance(0.8);
        match.method = {
          type: regex ? 'RegularExpression' : 'Exact',
          ...(service ? { service: regex ? p.v(REGEXES) : p.v(SERVICES) } : {}),
          ...(!service || p.chance(0.6) ? { method: regex ? p.v(REGEXES) : p.v(GRPC_METHODS) } : {}),
        };
      }
      if (p.chance(0.3)) match.headers = p.some(2, () => header(p));
      return match;
    });
  }
  if (p.chance(0.4)) {
    rule.filters = [
      p.chance(0.5)
        ? { type: 'RequestHeaderModifier', requestHeaderModifier: headerModifier(p) }
        : p.chance(0.7)
          ? { type: 'ResponseHeaderModifier', responseHeaderModifier: headerModifier(p) }
          : { type: 'RequestMirror', requestMirror: { backendRef: { name: p.of(services), port: 8080 } } },
    ];
  }
  return rule;
}

function header(p: Picker): Doc {
  const regex = p.chance(0.4);
  return { type: regex ? 'RegularExpression' : 'Exact', name: p.v(HEADER_NAMES), value: regex ? p.v(REGEXES) : p.v(HEADER_VALUES) };
}

function httpRule(p: Picker, services: readonly string[]): Doc {
  const rule: Doc = {};
  if (p.chance(0.8)) {
    rule.matches = p.some(2, () => {
      const match: Doc = {};
      if (p.chance(0.8)) {
        const type = p.of(['Exact', 'PathPrefix', 'RegularExpression']);
        match.path = { type, value: type === 'RegularExpression' ? p.v(REGEXES) : p.v(PATHS) };
      }
      if (p.chance(0.3)) match.headers = p.some(2, () => header(p));
      if (p.chance(0.2))
        match.queryParams = p.some(2, () => ({ type: p.chance(0.7) ? 'Exact' : 'RegularExpression', name: p.v(QUERY_NAMES), value: p.v(HEADER_VALUES) }));
      if (p.chance(0.2)) match.method = p.v(METHODS);
      return match;
    });
  }
  const redirect = p.chance(0.15);
  if (!redirect) rule.backendRefs = backendRefs(p, services);
  const filters: Doc[] = [];
  if (redirect) {
    filters.push({
      type: 'RequestRedirect',
      requestRedirect: {
        ...(p.chance(0.5) ? { scheme: p.v(SCHEMES) } : {}),
        ...(p.chance(0.5) ? { hostname: p.v(HOSTNAMES).replace('*.', 'w.') } : {}),
        ...(p.chance(0.3) ? { port: p.v(PORTS) } : {}),
        ...(p.chance(0.5) ? { statusCode: p.v(STATUS_CODES) } : {}),
        ...(p.chance(0.3)
          ? { path: p.chance(0.5) ? { type: 'ReplaceFullPath', replaceFullPath: p.v(PATHS) } : { type: 'ReplacePrefixMatch', replacePrefixMatch: p.v(PATHS) } }
          : {}),
      },
    });
  } else if (p.chance(0.2)) {
    filters.push({
      type: 'URLRewrite',
      urlRewrite: {
        ...(p.chance(0.5) ? { hostname: p.v(HOSTNAMES).replace('*.', 'w.') } : {}),
        ...(p.chance(0.6)
          ? { path: p.chance(0.5) ? { type: 'ReplaceFullPath', replaceFullPath: p.v(PATHS) } : { type: 'ReplacePrefixMatch', replacePrefixMatch: p.v(PATHS) } }
          : {}),
      },
    });
  }
  if (p.chance(0.3)) filters.push({ type: 'RequestHeaderModifier', requestHeaderModifier: headerModifier(p) });
  if (p.chance(0.2)) filters.push({ type: 'ResponseHeaderModifier', responseHeaderModifier: headerModifier(p) });
  if (!redirect && p.chance(0.1)) filters.push({ type: 'RequestMirror', requestMirror: { backendRef: { name: p.of(services), port: 8080 }, ...p.v(MIRROR) } });
  if (p.chance(0.03)) filters.push({ type: 'ExtensionRef', extensionRef: { group: 'example.com', kind: 'Filter', name: 'f' } });
  if (!redirect && p.chance(0.1)) {
    const refs = rule.backendRefs as Doc[];
    refs[0] = { ...refs[0], filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: headerModifier(p) }] };
  }
  if (filters.length > 0) rule.filters = filters;
  if (p.chance(0.2)) rule.timeouts = { request: p.v(DURATIONS), ...(p.chance(0.5) ? { backendRequest: p.v(DURATIONS) } : {}) };
  return rule;
}

function gateway(p: Picker, ns: string, index: number, secrets: string[]): Doc {
  const base = FIRST_PORT + index * PORTS_PER_CASE;
  const listeners = Array.from({ length: 1 + p.int(PORTS_PER_CASE) }, (_, k) => {
    const https = p.chance(0.4);
    // Sometimes a second listener shares the first one's port (one filter chain per hostname).
    const port = k > 0 && p.chance(0.3) ? base : base + k;
    const listener: Doc = { name: `l${k}`, port, protocol: https ? 'HTTPS' : 'HTTP' };
    if (p.chance(0.1))
      listener.allowedRoutes = {
        namespaces: { from: p.of(['All', 'Same']) },
        ...(p.chance(0.5) ? { kinds: [{ kind: p.of(['GRPCRoute', 'HTTPRoute']) }] } : {}),
      };
    if (p.chance(0.6)) listener.hostname = p.v(HOSTNAMES);
    if (https) {
      const name = `cert-${k}`;
      secrets.push(name);
      listener.tls = { mode: 'Terminate', certificateRefs: [{ name }] };
    }
    return listener;
  });
  const spec: Doc = { gatewayClassName: 'attache', listeners };
  if (p.chance(0.15)) spec.addresses = [{ type: 'IPAddress', value: p.v(GATEWAY_ADDRESSES) }];
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: ns }, spec };
}

function route(p: Picker, ns: string, i: number, listeners: number, services: readonly string[]): Doc {
  const grpc = p.chance(0.5);
  const parentRef: Doc = { name: 'gw' };
  if (p.chance(0.3)) parentRef.sectionName = `l${p.int(listeners + 1)}`;
  const spec: Doc = { parentRefs: [parentRef], rules: p.some(3, () => (grpc ? grpcRule(p, services) : httpRule(p, services))) };
  if (p.chance(0.4)) spec.hostnames = p.some(2, () => p.v(HOSTNAMES));
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: grpc ? 'GRPCRoute' : 'HTTPRoute',
    metadata: { name: `r${i}`, namespace: ns },
    spec,
  };
}

/** `count` cases from `seed`; `keyPairs` are the certificates HTTPS listeners draw from. */
export function generateCases(count: number, seed: number, keyPairs: readonly KeyPair[], oddRate = DEFAULT_ODD_RATE): GeneratedCase[] {
  const p = new Picker(random(seed), oddRate);
  return Array.from({ length: count }, (_, index) => {
    const ns = `case-${index}`;
    const secretNames: string[] = [];
    const gw = gateway(p, ns, index, secretNames);
    const serviceNames = p.chance(0.5) ? ['echo-a'] : ['echo-a', 'echo-b'];
    const docs: Doc[] = [gw];
    for (const name of secretNames) docs.push(secret(ns, name, p.of(keyPairs)));
    for (const name of serviceNames) {
      docs.push(service(p, ns, name));
      for (let i = 0; i < 1 + p.int(2); i++) docs.push(endpointSlice(p, ns, name, i));
    }
    const listeners = (gw.spec as { listeners: unknown[] }).listeners.length;
    for (let i = 0; i < 1 + p.int(3); i++) docs.push(route(p, ns, i, listeners, serviceNames));
    const yaml = docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
    return { index, namespace: ns, yaml };
  });
}
