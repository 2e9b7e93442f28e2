/**
 * Test harness: a real in-process ADS server on loopback and a raw @grpc/grpc-js client built
 * from the same `adsPackageDefinition()`, so tests see exactly the bytes Envoy would. Every
 * wait is bounded; `close()` tears down streams, client and server.
 */
import * as grpc from '@grpc/grpc-js';
import pino, { type Logger } from 'pino';
import type { ProtoGrpcType } from '../../src/generated/ads';
import type { AggregatedDiscoveryServiceClient } from '../../src/generated/envoy/service/discovery/v3/AggregatedDiscoveryService';
import type { DeltaDiscoveryRequest } from '../../src/generated/envoy/service/discovery/v3/DeltaDiscoveryRequest';
import type { DeltaDiscoveryResponse__Output } from '../../src/generated/envoy/service/discovery/v3/DeltaDiscoveryResponse';
import type { DiscoveryRequest } from '../../src/generated/envoy/service/discovery/v3/DiscoveryRequest';
import type { DiscoveryResponse__Output } from '../../src/generated/envoy/service/discovery/v3/DiscoveryResponse';
import type { Node } from '../../src/generated/envoy/config/core/v3/Node';
import { buildSnapshot, type Snapshot, type SnapshotInput } from '../../src/xds/cache/snapshot';
import { SnapshotCache } from '../../src/xds/cache/snapshot-cache';
import { adsPackageDefinition, decodeAny } from '../../src/xds/proto';
import { createXdsServer, type XdsServer } from '../../src/xds/server/ads';
import type { XdsLimits } from '../../src/xds/server/limits';
import type { AckEvent, NackEvent, PushEvent, StreamClosedEvent, StreamEvent } from '../../src/xds/server/callbacks';

const TEST_INSTANCE_ID = 'test';
const DEFAULT_WAIT_MS = 2000;
/** How long "nothing arrives" is watched for; responses on loopback take well under 10 ms. */
const SILENCE_MS = 150;

export function fakeNode(cluster = 'gw', id = 'envoy-1'): Node {
  return { id, cluster, user_agent_name: 'attache-test' };
}

/** One client stream with its responses queued for `nextResponse`. */
export class AdsTestStream<Req, Res> {
  private readonly queue: Res[] = [];
  private readonly waiters: Array<(response: Res) => void> = [];
  /** Resolves with the final status once the server ends the call. */
  readonly status: Promise<grpc.StatusObject>;

  constructor(readonly call: grpc.ClientDuplexStream<Req, Res>) {
    call.on('data', (response: Res) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(response);
      else this.queue.push(response);
    });
    // Errors arrive as the final status too; swallow them here so a cancel is not unhandled.
    call.on('error', () => undefined);
    this.status = new Promise((resolve) => call.on('status', resolve));
  }

  send(request: Req): void {
    this.call.write(request);
  }

  take(): Res | undefined {
    return this.queue.shift();
  }

  wait(resolve: (response: Res) => void): () => void {
    this.waiters.push(resolve);
    return () => {
      const i = this.waiters.indexOf(resolve);
      if (i >= 0) this.waiters.splice(i, 1);
    };
  }

  close(): void {
    this.call.cancel();
  }
}

/** The next response on `stream`, failing the test if none arrives within `timeoutMs`. */
export function nextResponse<Req, Res>(stream: AdsTestStream<Req, Res>, timeoutMs = DEFAULT_WAIT_MS): Promise<Res> {
  const queued = stream.take();
  if (queued !== undefined) return Promise.resolve(queued);
  return new Promise((resolve, reject) => {
    const cancel = stream.wait((response) => {
      clearTimeout(timer);
      resolve(response);
    });
    const timer = setTimeout(() => {
      cancel();
      reject(new Error(`no response within ${timeoutMs} ms`));
    }, timeoutMs);
  });
}

/** Fails if any response arrives within `ms`. */
export async function expectNoResponse<Req, Res>(stream: AdsTestStream<Req, Res>, ms = SILENCE_MS): Promise<void> {
  const unexpected = await nextResponse(stream, ms).catch(() => undefined);
  if (unexpected !== undefined) throw new Error(`unexpected response: ${JSON.stringify(unexpected)}`);
}

export interface RecordedEvents {
  opened: StreamEvent[];
  closed: StreamClosedEvent[];
  acks: AckEvent[];
  nacks: NackEvent[];
  pushes: PushEvent[];
}

export interface AdsHarness {
  cache: SnapshotCache;
  server: XdsServer;
  events: RecordedEvents;
  sotw(): AdsTestStream<DiscoveryRequest, DiscoveryResponse__Output>;
  delta(): AdsTestStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse__Output>;
  /** Builds a snapshot and sets it for `key` (default `gw`, the cluster of `fakeNode()`); throws if the cache refuses it. */
  publish(input: SnapshotInput, key?: string): Snapshot;
  close(): Promise<void>;
}

export interface AdsHarnessOptions {
  instanceId?: string;
  /** Default here 1000 ms, so a test that forgets to fetch endpoints fails fast rather than slowly. */
  warmingTimeoutMs?: number;
  /** TLS for the server (default plaintext) and for the client, which must then match. */
  serverCredentials?: grpc.ServerCredentials;
  clientCredentials?: grpc.ChannelCredentials;
  /** Channel options, e.g. `grpc.ssl_target_name_override` for a certificate's DNS name. */
  clientOptions?: grpc.ChannelOptions;
  /** The server's logger (default silent), for tests that check what it logs. */
  logger?: Logger;
  /** Per-client bounds of the server (limits.ts). */
  limits?: Partial<XdsLimits>;
}

export async function startAdsHarness(options: AdsHarnessOptions = {}): Promise<AdsHarness> {
  const cache = new SnapshotCache();
  const events: RecordedEvents = { opened: [], closed: [], acks: [], nacks: [], pushes: [] };
  const server = createXdsServer({
    cache,
    logger: options.logger ?? pino({ level: 'silent' }),
    instanceId: options.instanceId ?? TEST_INSTANCE_ID,
    warmingTimeoutMs: options.warmingTimeoutMs ?? 1000,
    shutdownGraceMs: 200,
    limits: options.limits,
    callbacks: {
      onStreamOpen: (e) => events.opened.push(e),
      onStreamClosed: (e) => events.closed.push(e),
      onAck: (e) => events.acks.push(e),
      onNack: (e) => events.nacks.push(e),
      onPush: (e) => events.pushes.push(e),
    },
  });
  const port = await server.listen('127.0.0.1:0', options.serverCredentials);
  const loaded = grpc.loadPackageDefinition(adsPackageDefinition()) as unknown as ProtoGrpcType;
  const Client = loaded.envoy.service.discovery.v3.AggregatedDiscoveryService;
  const client: AggregatedDiscoveryServiceClient = new Client(
    `127.0.0.1:${port}`,
    options.clientCredentials ?? grpc.credentials.createInsecure(),
    options.clientOptions ?? {},
  );
  const closers: Array<() => void> = [];
  const track = <Req, Res>(stream: AdsTestStream<Req, Res>): AdsTestStream<Req, Res> => {
    closers.push(() => stream.close());
    return stream;
  };
  return {
    cache,
    server,
    events,
    sotw: () => track(new AdsTestStream(client.StreamAggregatedResources())),
    delta: () => track(new AdsTestStream(client.DeltaAggregatedResources())),
    publish: (input, key = 'gw') => {
      const snapshot = buildSnapshot(input);
      const result = cache.setSnapshot(key, snapshot);
      if (!result.ok) throw new Error(`setSnapshot(${key}) refused: ${result.errors.join('; ')}`);
      return snapshot;
    },
    close: async () => {
      for (const close of closers) close();
      client.close();
      await server.shutdown();
    },
  };
}

/**
 * A fresh harness for each test of the file (closed after it), handed to `use`:
 * `let h: AdsHarness; adsHarnessPerTest((started) => (h = started));`.
 */
export function adsHarnessPerTest(use: (h: AdsHarness) => void, options: AdsHarnessOptions = {}): void {
  let current: AdsHarness | undefined;
  beforeEach(async () => {
    current = await startAdsHarness(options);
    use(current);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
}

/** The names inside a SotW response's resources, decoded from the Anys (CLAs name themselves `cluster_name`). */
export function resourceNames(response: DiscoveryResponse__Output): string[] {
  return (response.resources ?? []).map((any) => {
    const message = decodeAny(any);
    return String(message.name ?? message.cluster_name);
  });
}

/** Polls `condition` until it holds or `timeoutMs` passes (for effects that follow a response, e.g. callbacks). */
export async function eventually(condition: () => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
