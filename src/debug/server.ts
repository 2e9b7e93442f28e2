/**
 * The debug HTTP endpoint (loopback by default): what the control plane computed and who has it.
 *   /healthz        process is up
 *   /readyz         200 once the first snapshot is built
 *   /status         computed status of every owned object (YAML; ?format=json)
 *   /errors         input errors (file, document, object, field)
 *   /config_dump    Envoy resources per Gateway, as Envoy would print them
 *                   (?gateway=NS/NAME, or ?proxy=NODE_ID for the Gateway that proxy serves)
 *   /proxies        connected proxies
 *   /ir             the intermediate representation per Gateway
 *   /objects        the input objects, as the store holds them
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
      case '/config_dump':
        return send(200, state.configDump({ gateway: url.searchParams.get('gateway') ?? undefined, proxy: url.searchParams.get('proxy') ?? undefined }));
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
