/**
 * RouteTimeoutsIR → the timeout fields of an Envoy RouteAction. HTTPRoute's own
 * `timeouts.request` wins over a policy's requestMs (the rule's spec is more specific). With
 * neither, the route timeout stays 0s (off): gRPC streams may last for minutes and Envoy's
 * default is 15 s.
 *
 * Envoy reads these fields in two places, each ignoring some once others are set:
 *  - its router ignores `timeout` on a route that has `max_stream_duration`;
 *  - its connection manager ignores `max_stream_duration.max_stream_duration` for a call with a
 *    grpc-timeout header once `grpc_timeout_header_max` is set (the header, capped, replaces it).
 * So when a policy sets a stream bound, every bound the user wrote is folded into the fields Envoy
 * still reads: the stream's duration is the shorter of maxStreamDuration and the request timeout,
 * and the grpc-timeout cap is the shortest of all three. (A request timeout cut this way ends
 * DEADLINE_EXCEEDED, "downstream duration timeout", not UNAVAILABLE: it is timed from the
 * request's start rather than its end, which for gRPC is the client's view of a deadline.)
 */
import type { RouteTimeoutsIR } from '../../ir/traffic-policy';
import type { RouteAction } from '../../generated/envoy/config/route/v3/RouteAction';
import { millis } from './retry-policy';

type TimeoutFields = Pick<RouteAction, 'timeout' | 'idle_timeout' | 'max_stream_duration'>;

/** The shortest of the bounds that are set; 0 (none) when none is (Envoy: 0 is no bound). */
function shortest(...bounds: Array<number | undefined>): number {
  const set = bounds.filter((b): b is number => b !== undefined && b > 0);
  return set.length === 0 ? 0 : Math.min(...set);
}

export function buildRouteTimeouts(policy: RouteTimeoutsIR | undefined, httpRouteRequestMs: number | undefined): TimeoutFields {
  const requestMs = httpRouteRequestMs ?? policy?.requestMs ?? 0;
  const out: TimeoutFields = { timeout: millis(requestMs) };
  if (!policy) return out;
  if (policy.streamIdleMs !== undefined) out.idle_timeout = millis(policy.streamIdleMs);
  if (policy.maxStreamDurationMs !== undefined || policy.maxGrpcTimeoutMs !== undefined) {
    out.max_stream_duration = {};
    if (policy.maxStreamDurationMs !== undefined || requestMs > 0) {
      out.max_stream_duration.max_stream_duration = millis(shortest(policy.maxStreamDurationMs, requestMs));
    }
    // Set, Envoy bounds the stream by the client's grpc-timeout header, capped at this value;
    // 0s means the header is honoured as sent, uncapped.
    if (policy.maxGrpcTimeoutMs !== undefined) {
      out.max_stream_duration.grpc_timeout_header_max = millis(shortest(policy.maxGrpcTimeoutMs, policy.maxStreamDurationMs, requestMs));
    }
  }
  return out;
}
