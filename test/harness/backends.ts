/**
 * Echo backends for e2e tests, one per simulated pod.
 *
 * They run in-process (tools/echo/echo-server.ts, http-echo-server.ts) rather than as child processes: starting is a
 * few milliseconds instead of a Node boot each, and there is nothing to leak if a test dies.
 * Envoy still reaches them over real TCP on their own loopback address and port, which is all
 * the system under test can observe.
 *
 * `backendsFromEndpointSlices` (from tools/echo) turns the EndpointSlices a test feeds the control
 * plane into the matching backend specs, so slices and listening servers cannot drift apart.
 */
import { startEchoServer, type RunningEchoServer, type RunningGrpcEchoServer } from '../../tools/echo/echo-server';
import { startHttpEchoServer } from '../../tools/echo/http-echo-server';
import type { EchoBackendSpec } from '../../tools/echo/endpoint-slice-backends';

export { backendsFromEndpointSlices, type EchoBackendSpec } from '../../tools/echo/endpoint-slice-backends';

export interface RunningBackend extends EchoBackendSpec {
  server: RunningEchoServer;
}

export interface EchoBackends {
  /** In spec order; `port` is the bound port (differs from the spec only when it asked for 0). */
  backends: RunningBackend[];
  /** Stops one backend (e.g. to simulate a pod going away); idempotent. */
  stopOne(pod: string): Promise<void>;
  /**
   * A gRPC backend's controls (health status, fault switches, counters); throws for an HTTP one.
   * After `restartOne`, the new server's.
   */
  grpc(pod: string): RunningGrpcEchoServer;
  /** Starts a stopped backend again on the same address and port, SERVING (a pod coming back). */
  startOne(pod: string): Promise<void>;
  /** Stops all; idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts all specs; if any fails to bind, the ones already started are stopped and it throws.
 * `protocol`: gRPC echo servers (the default), or HTTP/1.1 ones (tools/echo/http-echo-server.ts).
 */
export async function startEchoBackends(specs: readonly EchoBackendSpec[], ingress = 'attache', protocol: 'grpc' | 'http' = 'grpc'): Promise<EchoBackends> {
  const start = protocol === 'http' ? startHttpEchoServer : startEchoServer;
  const startSpec = (s: EchoBackendSpec): Promise<RunningEchoServer> =>
    start({ address: s.address, port: s.port, pod: s.pod, namespace: s.namespace, service: s.service, ingress });
  const results = await Promise.allSettled(specs.map(startSpec));
  const backends: RunningBackend[] = [];
  const errors: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') backends.push({ ...specs[i], port: r.value.port, server: r.value });
    else errors.push(`${specs[i].pod} (${specs[i].address}:${specs[i].port}): ${String(r.reason)}`);
  });
  const stop = async (): Promise<void> => {
    await Promise.all(backends.map((b) => b.server.stop()));
  };
  if (errors.length > 0) {
    await stop();
    throw new Error(`startEchoBackends: ${errors.join('; ')}`);
  }
  const one = (pod: string): RunningBackend => {
    const b = backends.find((x) => x.pod === pod);
    if (!b) throw new Error(`no backend for pod ${pod}`);
    return b;
  };
  return {
    backends,
    stop,
    grpc(pod: string) {
      if (protocol !== 'grpc') throw new Error(`backend ${pod} is an HTTP echo server: no gRPC controls`);
      return one(pod).server as RunningGrpcEchoServer;
    },
    async startOne(pod: string) {
      const b = one(pod);
      // Idempotent: makes sure the old server has let go of the port first.
      await b.server.stop();
      b.server = await startSpec(b);
    },
    async stopOne(pod: string) {
      const matching = backends.filter((b) => b.pod === pod);
      if (matching.length === 0) throw new Error(`stopOne: no backend for pod ${pod}`);
      await Promise.all(matching.map((b) => b.server.stop()));
    },
  };
}
