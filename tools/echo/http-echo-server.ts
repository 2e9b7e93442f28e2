/**
 * An HTTP/1.1 echo backend, the HTTP side of upstream's `echo-basic` (conformance/echo-basic):
 * every answer is a JSON body saying which pod, namespace and service served it and what
 * request arrived (path with query, host, method, headers), so tests can see where Envoy routed
 * an HTTPRoute request and how it rewrote it. The gRPC side is echo-server.ts.
 *
 * Differences from upstream, none of which the tests read: header names are lower-case (as
 * Node receives them; upstream prints Go's canonical form), and the special paths (`/status/N`,
 * `/retry`, WebSocket) and TLS are left out.
 *
 * Run alone: `node dist/tools/echo/http-echo-server.js`, with the flags and environment variables
 * of the gRPC echo (main.ts): POD_NAME, NAMESPACE, SERVICE_NAME, HTTP_PORT, ECHO_ADDRESS.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { hostPort, type EchoServerOptions, type RunningEchoServer, type ServedCall } from './echo-server';
import { runEchoProcess } from './main';

/** The JSON body of every answer (upstream's `RequestAssertions`, the fields Attaché's tests read). */
export interface HttpEchoResponse {
  /** The request target as received: path and query string. */
  path: string;
  host: string;
  method: string;
  /** `HTTP/1.1`, `HTTP/2.0`. */
  proto: string;
  /** Every request header, lower-case name → values in arrival order. */
  headers: Record<string, string[]>;
  namespace: string;
  ingress: string;
  service: string;
  pod: string;
}

function headersOf(req: http.IncomingMessage): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  // rawHeaders keeps repeated headers apart; `req.headers` would join some and drop others.
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    (out[name] ??= []).push(req.rawHeaders[i + 1]);
  }
  return out;
}

/** As many requests as the gRPC echo remembers (`served()`). */
const SERVED_LOG_MAX = 1000;

function handler(identity: Pick<HttpEchoResponse, 'namespace' | 'ingress' | 'service' | 'pod'>, log: ServedCall[]): http.RequestListener {
  return (req, res) => {
    // `method` is the request line here (`GET /path?q`), the closest HTTP has to a gRPC method.
    log.push({ method: `${req.method ?? ''} ${req.url ?? '/'}`, authority: req.headers.host ?? '' });
    if (log.length > SERVED_LOG_MAX) log.shift();
    // The body is read (and dropped) before answering, so the connection stays reusable.
    req.resume();
    req.on('end', () => {
      const body: HttpEchoResponse = {
        path: req.url ?? '/',
        host: req.headers.host ?? '',
        method: req.method ?? '',
        proto: `HTTP/${req.httpVersion}`,
        headers: headersOf(req),
        ...identity,
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  };
}

export async function startHttpEchoServer(opts: EchoServerOptions = {}): Promise<RunningEchoServer> {
  const address = opts.address ?? '127.0.0.1';
  const identity = { namespace: opts.namespace ?? '', ingress: opts.ingress ?? '', service: opts.service ?? '', pod: opts.pod ?? '' };
  const log: ServedCall[] = [];
  const server = http.createServer(handler(identity, log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`http echo: cannot listen on ${hostPort(address, opts.port ?? 0)}: ${err.message}`)));
    server.listen(opts.port ?? 0, address, () => resolve());
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive connections (Envoy pools them) would hold close() open indefinitely.
      server.closeAllConnections();
    }));
  return { address, port: (server.address() as AddressInfo).port, served: () => log, stop };
}

if (require.main === module) runEchoProcess('http echo', startHttpEchoServer);
