/**
 * RouteTimeoutsIR → the timeout fields of an Envoy RouteAction. HTTPRoute's own
 * `timeouts.request` wins over a policy's requestMs (the rule's spec is more specific). With
 * neither, the route timeout stays 0s (off): gRPC streams may last for minutes and Envoy's
 * default is 15 s.
 */
import type { RouteTimeoutsIR } from '../../ir/traffic-policy';
import type { RouteAction } from '../../generated/envoy/config/route/v3/RouteAction';
import { millis } from './retry-policy';

type TimeoutFields = Pick<RouteAction, 'timeout' | 'idle_timeout' | 'max_stream_duration'>;

export function buildRouteTimeouts(policy: RouteTimeoutsIR | undefined, httpRouteRequestMs: number | undefined): TimeoutFields {
  const out: TimeoutFields = { timeout: millis(httpRouteRequestMs ?? policy?.requestMs ?? 0) };
  if (!policy) return out;
  if (policy.streamIdleMs !== undefined) out.idle_timeout = millis(policy.streamIdleMs);
  if (policy.maxStreamDurationMs !== undefined || policy.maxGrpcTimeoutMs !== undefined) {
    out.max_stream_duration = {};
    if (policy.maxStreamDurationMs !== undefined) out.max_stream_duration.max_stream_duration = millis(policy.maxStreamDurationMs);
    // Set, Envoy bounds the stream by the client's grpc-timeout header, capped at this value;
    // 0s means the header is honoured as sent, uncapped.
    if (policy.maxGrpcTimeoutMs !== undefined) out.max_stream_duration.grpc_timeout_header_max = millis(policy.maxGrpcTimeoutMs);
  }
  return out;
}
