/**
 * The debug HTTP endpoint (loopback by default): what the control plane computed and who has it.
 * Every path answers YAML, or JSON with `?format=json` (except /healthz, /readyz, /metrics).
 *   /healthz        process is up
 *   /readyz         200 once the first snapshot is built, 503 before
 *   /proxies        connected proxies: node, metadata, SotW or Delta, per type the versions sent
 *                   and ACKed, last NACK with Envoy's message, in sync or not (proxy-view.ts)
 *   /config_dump    Envoy resources per Gateway, as Envoy would print them
 *                   (?proxy=NODE_ID for what that proxy is served, ?gateway=NS/NAME for one Gateway)
 *   /ir             the intermediate representation per Gateway
 *   /objects        the input objects, as the store holds them (Secret values redacted)
 *   /status         computed status of every owned object
 *   /status_writes  Kubernetes mode: status writes so far
 *   /errors         input errors (file, document, object, field)
 *   /metrics        Prometheus metrics (text exposition format)
 *   /gc             POST: a full garbage collection, so memory readings are steady (only when
 *                   node runs with --expose-gc, as the benchmark starts it; 404 otherwise)
 */
import * as http from 'http';
import { stringify } from 'yaml';

export interface DebugState {
  ready(): boolean;
  status(): unknown;
  errors(): unknown;
  /** Undefined when the proxy (node id) is not connected or the Gateway is unknown. */
  configDump(filter: { gateway?: string; proxy?: string }): unknown;
  proxies(): unknown;
  ir(): unknown;
  objects(): unknown;
  /** Kubernetes mode: status writes so far (count, conflicts, failures, queue). */
  statusWrites(): unknown;
  /** Prometheus metrics; `/metrics` answers 404 without them. */
  metrics?: { text(): Promise<string>; contentType: string };
}

export interface DebugServer {
  port: number;
  close(): Promise<void>;
}

export function startDebugServer(host: string, port: number, state: DebugState): Promise<DebugServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://debug');
    const send = (code: number, body: unknown): void => {
      const json = url.searchParams.get('format') === 'json';
      res.writeHead(code, { 'content-type': json ? 'application/json' : 'text/yaml; charset=utf-8' });
      res.end(json ? JSON.stringify(body, null, 2) : typeof body === 'string' ? body : stringify(body, { lineWidth: 0, aliasDuplicateObjects: false }));
    };
    switch (url.pathname) {
      case '/healthz':
        return send(200, 'ok\n');
      case '/readyz':
        return state.ready() ? send(200, 'ready\n') : send(503, 'no snapshot built yet\n');
      case '/status':
        return send(200, state.status());
      case '/errors':
        return send(200, state.errors());
      case '/config_dump': {
        const gateway = url.searchParams.get('gateway') ?? undefined;
        const proxy = url.searchParams.get('proxy') ?? undefined;
        const dump = state.configDump({ gateway, proxy });
        if (dump !== undefined) return send(200, dump);
        return send(404, proxy !== undefined ? `no connected proxy with node id "${proxy}"; see /proxies\n` : `no Gateway "${gateway}" is served\n`);
      }
      case '/proxies':
        return send(200, state.proxies());
      case '/ir':
        return send(200, state.ir());
      case '/objects':
        return send(200, state.objects());
      case '/metrics':
        if (!state.metrics) return send(404, 'no metrics\n');
        void state.metrics.text().then(
          (text) => {
            res.writeHead(200, { 'content-type': state.metrics?.contentType ?? 'text/plain' });
            res.end(text);
          },
          (err: unknown) => send(500, `metrics: ${String(err)}\n`),
        );
        return;
      case '/gc': {
        // Present only under `node --expose-gc`; never in a default deployment.
        const gc = (globalThis as { gc?: () => void }).gc;
        if (req.method !== 'POST' || !gc) return send(404, 'POST /gc needs node --expose-gc\n');
        gc();
        return send(200, 'ok\n');
      }
      case '/status_writes':
        return send(200, state.statusWrites());
      default:
        return send(404, `unknown path ${url.pathname}; try /healthz /readyz /status /status_writes /errors /config_dump /proxies /ir /objects /metrics\n`);
    }
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
