/**
 * The kubelet's HTTPS endpoint, for the one thing the API server asks a kubelet for in a
 * conformance run: container logs (`GET /containerLogs/{namespace}/{pod}/{container}`, behind
 * the API's `pods/log`). The API server finds it through the Node's InternalIP and
 * `status.daemonEndpoints.kubeletEndpoint.port`. Anything else is 404.
 */
import * as fs from 'fs';
import * as https from 'https';
import type { Logger } from 'pino';
import { type ContainerLog } from './container-logs';

export interface KubeletServerOptions {
  host: string;
  port: number;
  certFile: string;
  keyFile: string;
  /** The log of a container, or undefined when this kubelet runs no such container. */
  logOf: (namespace: string, pod: string, container: string) => ContainerLog | undefined;
  log: Logger;
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<{ close(): Promise<void> }> {
  const server = https.createServer({ cert: fs.readFileSync(o.certFile), key: fs.readFileSync(o.keyFile) }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    const log = m && req.method === 'GET' ? o.logOf(decodeURIComponent(m[1]), decodeURIComponent(m[2]), decodeURIComponent(m[3])) : undefined;
    if (!log) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const since = url.searchParams.get('sinceTime');
    const tail = url.searchParams.get('tailLines');
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(
      log.read({
        sinceTime: since ? new Date(since) : undefined,
        tailLines: tail ? Number(tail) : undefined,
        timestamps: url.searchParams.get('timestamps') === 'true',
      }),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(o.port, o.host, () => resolve()));
  o.log.info({ address: `${o.host}:${o.port}` }, 'kubelet endpoint (container logs) listening');
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The API server keeps its connections to a kubelet open; close() alone would wait for them.
        server.closeAllConnections();
      }),
  };
}
