/**
 * Raw gRPC for the benchmark: backends that answer `/bench.Route<i>/Call` for every route index
 * with the name of the pod, and a client that calls any path with an empty message.
 *
 * No proto is needed: messages are raw bytes (an empty request; the pod name as the reply),
 * which is all Envoy routes on (the :path and :authority headers). One server per Service is
 * bound to each of its endpoints' addresses, so 1,000 endpoints cost 50 servers, not 1,000.
 */
import * as grpc from '@grpc/grpc-js';

const BACKEND_PORT = 3000;
const identity = (b: Buffer): Buffer => b;

export interface RawBackend {
  stop(): Promise<void>;
}

/** A method definition per path (`/service/method`), each answering `pod`. */
function serviceOf(paths: readonly string[], pod: string): { definition: grpc.ServiceDefinition; handlers: grpc.UntypedServiceImplementation } {
  const definition: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
  const handlers: grpc.UntypedServiceImplementation = {};
  const reply = Buffer.from(pod);
  for (const path of paths) {
    definition[path] = {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
      originalName: path,
    };
    handlers[path] = (_call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, reply);
  }
  return { definition, handlers };
}

/** One server answering `paths` as `pod`, listening on port 3000 of every address. */
export async function startRawBackend(pod: string, addresses: readonly string[], paths: readonly string[]): Promise<RawBackend> {
  const server = new grpc.Server();
  const { definition, handlers } = serviceOf(paths, pod);
  server.addService(definition, handlers);
  try {
    for (const address of addresses) {
      await new Promise<void>((resolve, reject) =>
        server.bindAsync(`${address}:${BACKEND_PORT}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
      );
    }
  } catch (err) {
    server.forceShutdown();
    throw err;
  }
  return {
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())).then(() => server.forceShutdown()),
  };
}

export interface RawResult {
  code: grpc.status;
  /** Who answered (OK only). */
  pod?: string;
  details?: string;
}

/** Short reconnect backoffs, as in the e2e harness: a route that appears must be seen at once. */
const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
};

/** A raw gRPC client to one target (Envoy's listener); `fresh` opens its own TCP connection. */
export class RawClient {
  private readonly client: grpc.Client;

  constructor(target: string, fresh = false) {
    const options = fresh ? { ...CHANNEL_OPTIONS, 'grpc.use_local_subchannel_pool': 1 } : CHANNEL_OPTIONS;
    this.client = new grpc.Client(target, grpc.credentials.createInsecure(), options);
  }

  call(path: string, authority: string, timeoutMs = 5000): Promise<RawResult> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        path,
        identity,
        identity,
        Buffer.alloc(0),
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs, host: authority },
        (err, reply) => {
          if (err) resolve({ code: err.code, details: err.details });
          else resolve({ code: grpc.status.OK, pod: reply?.toString() });
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}

/** One call on a connection of its own (catches listeners being drained or rebuilt). */
export async function callFresh(target: string, path: string, authority: string, timeoutMs?: number): Promise<RawResult> {
  const client = new RawClient(target, true);
  try {
    return await client.call(path, authority, timeoutMs);
  } finally {
    client.close();
  }
}
