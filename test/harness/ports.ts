/**
 * Addresses and ports for e2e tests, loopback only.
 *
 * `loopbackAddress(n)` hands out distinct 127.x.y.z addresses (Linux routes all of 127/8 to
 * `lo`), so each simulated pod can have its own IP the way it would in a cluster, several
 * backends can share one port number, and per-endpoint routing is visible in Envoy's stats and
 * logs. `freePort(host)` asks the kernel for a free port on that address.
 */
import * as net from 'net';

/**
 * A free TCP port on `host`, found by binding port 0. There is a window between closing the
 * probe socket and the caller binding it; on loopback with a mostly idle machine that is
 * acceptable, and it is what lets us give Envoy a fixed listener port in its config.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`freePort: no port on ${host}`))));
    });
  });
}

/** n free ports on `host`, distinct from each other (all probes are held open together). */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const server = net.createServer();
      servers.push(server);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host, port: 0, exclusive: true }, () => {
            const addr = server.address();
            resolve(typeof addr === 'object' && addr ? addr.port : 0);
          });
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

// 127.0.0.x is left alone (other tools on the machine use 127.0.0.1/127.0.0.53...); test
// addresses start at 127.0.10.1. Last octets 0 and 255 are skipped to avoid look-alikes of
// network/broadcast addresses in logs.
const FIRST_THIRD_OCTET = 10;
const PER_BLOCK = 254;

/** The n-th test address (n >= 0): 127.0.10.1, 127.0.10.2, ... 127.0.10.254, 127.0.11.1, ... */
export function loopbackAddress(n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new Error(`loopbackAddress: n must be a non-negative integer, got ${n}`);
  const third = FIRST_THIRD_OCTET + Math.floor(n / PER_BLOCK);
  if (third > 255) throw new Error(`loopbackAddress: n=${n} is out of range`);
  return `127.0.${third}.${1 + (n % PER_BLOCK)}`;
}
