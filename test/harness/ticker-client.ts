/**
 * Client of the echo backends' server-streaming `attache.testing.v1.Ticker/Tick`
 * (tools/echo/ticker-service.ts): holds one stream open through Envoy for as long as the test
 * asks and collects every message, to prove that nothing on the way cuts long streams.
 *
 * Like `callEcho`, it never throws for gRPC errors: the status is part of the result, along
 * with the messages received before it.
 */
import * as grpc from '@grpc/grpc-js';
import { tickerPackageDefinition } from '../../src/xds/proto';
import type { ProtoGrpcType } from '../../tools/generated/ticker';
import type { TickResponse__Output } from '../../tools/generated/attache/testing/v1/TickResponse';

export interface TickCallOptions {
  /** host:port of Envoy's listener (or a backend directly). */
  target: string;
  /** :authority to send; default is the target. */
  authority?: string;
  count: number;
  intervalMs: number;
  /** Deadline of the whole stream; required, so a stuck stream ends the test, not jest. */
  timeoutMs: number;
}

export interface TickResult {
  code: grpc.status;
  details?: string;
  messages: TickResponse__Output[];
}

/** One Tick stream on its own connection, closed when the stream ends. */
export function callTick(opts: TickCallOptions): Promise<TickResult> {
  const proto = grpc.loadPackageDefinition(tickerPackageDefinition()) as unknown as ProtoGrpcType;
  const client = new proto.attache.testing.v1.Ticker(opts.target, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  const options: grpc.CallOptions = { deadline: Date.now() + opts.timeoutMs };
  if (opts.authority !== undefined) options.host = opts.authority;
  const messages: TickResponse__Output[] = [];
  return new Promise((resolve) => {
    const call = client.Tick({ count: opts.count, interval_ms: opts.intervalMs }, options);
    call.on('data', (m: TickResponse__Output) => messages.push(m));
    // A stream ends with exactly one 'status'; errors also emit 'error', which must be handled.
    call.on('error', () => undefined);
    call.on('status', (s: grpc.StatusObject) => {
      const done = (): void => {
        client.close();
        resolve({ code: s.code, details: s.details || undefined, messages });
      };
      // 'status' can come before buffered messages are read; on OK, 'end' follows the last one.
      if (s.code !== grpc.status.OK || call.readableEnded) done();
      else call.once('end', done);
    });
  });
}
