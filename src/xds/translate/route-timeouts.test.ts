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
});
