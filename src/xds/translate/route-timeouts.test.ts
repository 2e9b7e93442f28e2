import { buildRouteTimeouts } from './route-timeouts';

describe('buildRouteTimeouts', () => {
  it('keeps the route timeout off (0s) without policy or HTTPRoute timeout', () => {
    expect(buildRouteTimeouts(undefined, undefined)).toEqual({ timeout: { seconds: '0', nanos: 0 } });
  });

  it("lets the HTTPRoute's request timeout win over the policy's", () => {
    expect(buildRouteTimeouts({ requestMs: 9000 }, 1000).timeout).toEqual({ seconds: '1', nanos: 0 });
    expect(buildRouteTimeouts({ requestMs: 9000 }, undefined).timeout).toEqual({ seconds: '9', nanos: 0 });
  });

  it('renders a 0 grpc-timeout cap as 0s (honour the header uncapped), not as absent', () => {
    expect(buildRouteTimeouts({ maxGrpcTimeoutMs: 0 }, undefined).max_stream_duration).toEqual({ grpc_timeout_header_max: { seconds: '0', nanos: 0 } });
  });

  it('renders stream idle and max stream duration', () => {
    expect(buildRouteTimeouts({ streamIdleMs: 30_000, maxStreamDurationMs: 600_000 }, undefined)).toEqual({
      timeout: { seconds: '0', nanos: 0 },
      idle_timeout: { seconds: '30', nanos: 0 },
      max_stream_duration: { max_stream_duration: { seconds: '600', nanos: 0 } },
    });
  });

  // Envoy's router ignores `timeout` once the route has max_stream_duration: the request timeout
  // must reach the stream bound, or a policy with both would silently have no request timeout.
  it('folds the request timeout into max_stream_duration when a stream bound is set', () => {
    expect(buildRouteTimeouts({ requestMs: 500, maxStreamDurationMs: 10_000 }, undefined).max_stream_duration).toEqual({
      max_stream_duration: { seconds: '0', nanos: 500_000_000 },
    });
    expect(buildRouteTimeouts({ requestMs: 20_000, maxStreamDurationMs: 10_000 }, undefined).max_stream_duration).toEqual({
      max_stream_duration: { seconds: '10', nanos: 0 },
    });
    // The HTTPRoute's request timeout, which wins, is the one folded.
    expect(buildRouteTimeouts({ requestMs: 9000, maxGrpcTimeoutMs: 0 }, 1000).max_stream_duration).toEqual({
      max_stream_duration: { seconds: '1', nanos: 0 },
      grpc_timeout_header_max: { seconds: '1', nanos: 0 },
    });
  });

  // With grpc_timeout_header_max set, a call carrying grpc-timeout is bounded by the header alone:
  // max_stream_duration no longer applies to it, so the cap must include every bound.
  it('caps the grpc-timeout header at the shortest of maxGrpcTimeout, maxStreamDuration and the request timeout', () => {
    expect(buildRouteTimeouts({ maxStreamDurationMs: 1000, maxGrpcTimeoutMs: 0 }, undefined).max_stream_duration).toEqual({
      max_stream_duration: { seconds: '1', nanos: 0 },
      grpc_timeout_header_max: { seconds: '1', nanos: 0 },
    });
    expect(buildRouteTimeouts({ requestMs: 3000, maxStreamDurationMs: 5000, maxGrpcTimeoutMs: 4000 }, undefined).max_stream_duration).toEqual({
      max_stream_duration: { seconds: '3', nanos: 0 },
      grpc_timeout_header_max: { seconds: '3', nanos: 0 },
    });
    expect(buildRouteTimeouts({ maxStreamDurationMs: 5000, maxGrpcTimeoutMs: 500 }, undefined).max_stream_duration).toEqual({
      max_stream_duration: { seconds: '5', nanos: 0 },
      grpc_timeout_header_max: { seconds: '0', nanos: 500_000_000 },
    });
  });

  it('leaves 0s (no bound) alone: a request timeout of 0s folds nothing', () => {
    expect(buildRouteTimeouts({ requestMs: 0, maxGrpcTimeoutMs: 0 }, undefined).max_stream_duration).toEqual({
      grpc_timeout_header_max: { seconds: '0', nanos: 0 },
    });
    expect(buildRouteTimeouts({ maxStreamDurationMs: 0 }, undefined).max_stream_duration).toEqual({ max_stream_duration: { seconds: '0', nanos: 0 } });
  });
});
