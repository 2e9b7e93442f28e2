/**
 * The debug HTTP endpoint (loopback by default): what the control plane computed and who has it.
 * Every path answers YAML, or JSON with `?format=json` (except /healthz, /readyz, /metrics).
 *   /healthz        process is up
 *   /readyz         200 once the first snapshot is built, 503 before, and 503 on a follower
 *                   under leader election (it serves no xDS: the Service routes to the leader)
 *   /proxies        connected proxies: node, metadata, SotW or Delta, per type the versions sent
 *                   and ACKed, last NACK with Envoy's message, in sync or not (proxy-view.ts);
 *                   a page of at most ?limit= (default and maximum in proxy-page.ts) from ?offset=,
 *                   with the total and how many were left out
 *   /config_dump    Envoy resources per Gateway, as Envoy would print them
 *                   (?proxy=NODE_ID for what that proxy is served, ?gateway=NS/NAME for one Gateway)
 *   /ir             the intermediate representation per Gateway
 *   /objects        the input objects, as the store holds them
 *   /status         computed status of every owned object
 *   /status_writes  Kubernetes mode: status writes so far
 *   /errors         input errors (file, document, object, field)
 *   /metrics        Prometheus metrics (text exposition format)
 *   /gc             POST: a full garbage collection, so memory readings are steady (only when
 *                   node runs with --expose-gc, as the benchmark starts it; 404 otherwise)
 *
 * Every answer leaves through `reply`, which redacts secret material (redact.ts): private keys,
 * Secret data, last-applied annotations — whatever a path returns, now or later.
 *
 * Two listeners can be made from this: the full one (`endpoints: 'all'`), and a health one
 * (`endpoints: 'health'`: /healthz, /readyz, /metrics only — nothing an object or a proxy
 * said) for kubelet probes and Prometheus. With an `authorizer` every path but /healthz and
 * /readyz needs a bearer token it allows (auth.ts).
 */
import * as http from 'http';
import { stringify } from 'yaml';
import { redact, redactText } from './redact';
import { bearerToken, type DebugAuthorizer } from './auth';
import { pageRequest, type PageRequest } from './proxy-page';

export interface DebugState {
  ready(): boolean;
  /** Under leader election: true on a follower, which serves no xDS and so is not ready. */
  standby?(): boolean;
  status(): unknown;
  errors(): unknown;
  /** Undefined when the proxy (node id) is not connected or the Gateway is unknown. */
  configDump(filter: { gateway?: string; proxy?: string }): unknown;
  /** One page of the connected proxies (proxy-page.ts). */
  proxies(page: PageRequest): unknown;
  ir(): unknown;
  objects(): unknown;
  /** Kubernetes mode: status writes so far (count, conflicts, failures, queue). */
  statusWrites(): unknown;
  /** Prometheus metrics; `/metrics` answers 404 without them. */
  metrics?: { text(): Promise<string>; contentType: string };
}

export interface DebugServerOptions {
  /** 'health': only /healthz, /readyz and /metrics. Default 'all'. */
  endpoints?: 'all' | 'health';
  /** When set, every path but /healthz and /readyz needs a bearer token it allows. */
  authorizer?: DebugAuthorizer;
  /** Told of every refused request (no token, bad token, not allowed). */
  onRefused?: (path: string, code: number, reason: string) => void;
}

export interface DebugServer {
  port: number;
  close(): Promise<void>;
}

/** Every path the full endpoint answers (GET), for the 404 hint and for tests that try them all. */
export const DEBUG_PATHS = ['/healthz', '/readyz', '/status', '/status_writes', '/errors', '/config_dump', '/proxies', '/ir', '/objects', '/metrics'] as const;
const HEALTH_PATHS = ['/healthz', '/readyz', '/metrics'] as const;
/** Say nothing a probe could not know anyway: open even when an authorizer guards the rest. */
const OPEN_PATHS = new Set(['/healthz', '/readyz']);

interface Reply {
  code: number;
  body: unknown;
  /** Set for bodies that are not YAML/JSON (metrics). */
  contentType?: string;
}

const text = (code: number, body: string): Reply => ({ code, body });

async function route(req: http.IncomingMessage, url: URL, state: DebugState): Promise<Reply> {
  switch (url.pathname) {
    case '/healthz':
      return text(200, 'ok\n');
    case '/readyz':
      if (!state.ready()) return text(503, 'no snapshot built yet\n');
      // The kubelet takes a follower out of the xDS Service, so Envoys reach only the leader.
      return state.standby?.() ? text(503, 'standby: another replica holds the leader Lease and serves xDS\n') : text(200, 'ready\n');
    case '/status':
      return { code: 200, body: state.status() };
    case '/errors':
      return { code: 200, body: state.errors() };
    case '/config_dump': {
      const gateway = url.searchParams.get('gateway') ?? undefined;
      const proxy = url.searchParams.get('proxy') ?? undefined;
      const dump = state.configDump({ gateway, proxy });
      if (dump !== undefined) return { code: 200, body: dump };
      return text(404, proxy !== undefined ? `no connected proxy with node id "${proxy}"; see /proxies\n` : `no Gateway "${gateway}" is served\n`);
    }
    case '/proxies': {
      const page = pageRequest(url.searchParams);
      return typeof page === 'string' ? text(400, `${page}\n`) : { code: 200, body: state.proxies(page) };
    }
    case '/ir':
      return { code: 200, body: state.ir() };
    case '/objects':
      return { code: 200, body: state.objects() };
    case '/metrics':
      if (!state.metrics) return text(404, 'no metrics\n');
      return { code: 200, body: await state.metrics.text(), contentType: state.metrics.contentType };
    case '/gc': {
      // Present only under `node --expose-gc`; never in a default deployment.
      const gc = (globalThis as { gc?: () => void }).gc;
      if (req.method !== 'POST' || !gc) return text(404, 'POST /gc needs node --expose-gc\n');
      gc();
      return text(200, 'ok\n');
    }
    case '/status_writes':
      return { code: 200, body: state.statusWrites() };
    default:
      return text(404, `unknown path ${url.pathname}; try ${DEBUG_PATHS.join(' ')}\n`);
  }
}

/** The only way out: every body is redacted here, whatever path made it. */
function reply(res: http.ServerResponse, url: URL, r: Reply): void {
  const json = url.searchParams.get('format') === 'json';
  if (typeof r.body === 'string') {
    res.writeHead(r.code, { 'content-type': r.contentType ?? (json ? 'application/json' : 'text/yaml; charset=utf-8') });
    res.end(json && r.contentType === undefined ? JSON.stringify(redactText(r.body)) : redactText(r.body));
    return;
  }
  const body = redact(r.body);
  res.writeHead(r.code, { 'content-type': json ? 'application/json' : 'text/yaml; charset=utf-8' });
  res.end(json ? JSON.stringify(body, null, 2) : stringify(body, { lineWidth: 0, aliasDuplicateObjects: false }));
}

function verbOf(method: string | undefined): string {
  // As the API server names HTTP methods for non-resource URLs.
  return method === 'POST' ? 'create' : method === 'PUT' ? 'update' : method === 'DELETE' ? 'delete' : 'get';
}

export function startDebugServer(host: string, port: number, state: DebugState, options: DebugServerOptions = {}): Promise<DebugServer> {
  const allowed: ReadonlySet<string> | undefined = options.endpoints === 'health' ? new Set(HEALTH_PATHS) : undefined;
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> => {
    if (allowed && !allowed.has(url.pathname)) return reply(res, url, text(404, `this listener serves only ${HEALTH_PATHS.join(' ')}\n`));
    if (options.authorizer && !OPEN_PATHS.has(url.pathname)) {
      const decision = await options.authorizer.authorize(bearerToken(req.headers.authorization), url.pathname, verbOf(req.method));
      if (!decision.allowed) {
        options.onRefused?.(url.pathname, decision.code, decision.reason);
        if (decision.code === 401) res.setHeader('www-authenticate', 'Bearer');
        return reply(res, url, text(decision.code, `${decision.reason}\n`));
      }
    }
    return reply(res, url, await route(req, url, state));
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://debug');
    handle(req, res, url).catch((err: unknown) => {
      if (!res.headersSent) reply(res, url, text(500, `${url.pathname}: ${String(err)}\n`));
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : port,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
