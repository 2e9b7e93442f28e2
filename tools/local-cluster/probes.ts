/**
 * One readiness probe attempt, as the kubelet makes it: httpGet (a status in 200..399 is
 * success; http only, https without verifying, as the kubelet), or tcpSocket (a connection is
 * success), to the Pod IP unless `host` is set, a named port resolved among the container's
 * ports. exec and grpc probes are not made: they count as success (logged once by the caller).
 */
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import { type Container, type Probe } from './pod';

export type ProbeResult = 'success' | 'failure' | 'unsupported';

const DEFAULT_TIMEOUT_S = 1;

function probePort(port: number | string, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

export async function probeOnce(probe: Probe, podIP: string, container: Container): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds ?? DEFAULT_TIMEOUT_S) * 1000;
  if (probe.httpGet) {
    const g = probe.httpGet;
    const port = probePort(g.port, container);
    if (port === undefined) return 'failure';
    const mod = (g.scheme ?? 'HTTP').toUpperCase() === 'HTTPS' ? https : http;
    const headers = Object.fromEntries((g.httpHeaders ?? []).map((h) => [h.name, h.value]));
    return new Promise<ProbeResult>((resolve) => {
      const req = mod.request(
        {
          host: g.host ?? podIP,
          port,
          path: g.path ?? '/',
          method: 'GET',
          headers: { 'User-Agent': 'kube-probe/local', ...headers },
          timeout: timeoutMs,
          rejectUnauthorized: false,
          agent: false,
        },
        (res) => {
          res.resume();
          const code = res.statusCode ?? 0;
          resolve(code >= 200 && code < 400 ? 'success' : 'failure');
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve('failure'));
      req.end();
    });
  }
  if (probe.tcpSocket) {
    const port = probePort(probe.tcpSocket.port, container);
    if (port === undefined) return 'failure';
    return new Promise<ProbeResult>((resolve) => {
      const s = net.connect({ host: probe.tcpSocket!.host ?? podIP, port, timeout: timeoutMs });
      s.once('connect', () => {
        s.destroy();
        resolve('success');
      });
      s.once('timeout', () => {
        s.destroy();
        resolve('failure');
      });
      s.once('error', () => resolve('failure'));
    });
  }
  return 'unsupported';
}
