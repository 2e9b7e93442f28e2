/**
 * `attache.testing.v1.Ticker` (protos/attache/testing/v1/ticker.proto), served by every gRPC
 * echo backend beside the conformance echo service, whose proto has no streaming method and
 * must stay wire-identical to upstream's.
 *
 * `Tick` is one server-streaming RPC that lasts as long as the caller asks (`count` messages,
 * `interval_ms` apart), so a test can hold a stream open through Envoy past any timeout it
 * wants to prove absent, and see every message arrive, each naming the pod that sent it.
 */
import * as grpc from '@grpc/grpc-js';
import { tickerPackageDefinition } from '../../src/xds/proto';
import type { ProtoGrpcType } from '../generated/ticker';
import type { TickerHandlers } from '../generated/attache/testing/v1/Ticker';

export const TICKER_SERVICE = 'attache.testing.v1.Ticker';

/**
 * Upper bounds of one stream (10,000 messages, a minute between two): a request beyond them
 * is refused with INVALID_ARGUMENT rather than tying a backend up for hours.
 */
export const TICK_MAX_COUNT = 10_000;
const TICK_MAX_INTERVAL_MS = 60_000;

export function tickerService(): grpc.ServiceDefinition {
  const loaded = grpc.loadPackageDefinition(tickerPackageDefinition()) as unknown as ProtoGrpcType;
  return loaded.attache.testing.v1.Ticker.service;
}

/** Handlers for one backend; `pod` is reported in every message. */
export function tickerHandlers(pod: string): TickerHandlers {
  return {
    Tick: (call) => {
      const { count, interval_ms: intervalMs } = call.request;
      if (count > TICK_MAX_COUNT || intervalMs > TICK_MAX_INTERVAL_MS) {
        const details = `count must be at most ${TICK_MAX_COUNT} and interval_ms at most ${TICK_MAX_INTERVAL_MS}`;
        call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details });
        return;
      }
      let seq = 0;
      let timer: NodeJS.Timeout | undefined;
      // A cancelled call (client gone, deadline, server shutdown) must not leave a timer behind.
      call.on('cancelled', () => clearTimeout(timer));
      const tick = (): void => {
        if (call.cancelled) return;
        seq++;
        call.write({ seq, pod });
        if (seq >= count) call.end();
        else timer = setTimeout(tick, intervalMs);
      };
      if (count === 0) call.end();
      else tick();
    },
  };
}
