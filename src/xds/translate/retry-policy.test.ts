import { buildRetryPolicy } from './retry-policy';

describe('buildRetryPolicy', () => {
  it('is absent with neither a retry nor a backendRequest timeout', () => {
    expect(buildRetryPolicy(undefined, undefined)).toBeUndefined();
  });

  it('renders a backendRequest timeout alone as per_try_timeout without retry_on (no retries)', () => {
    expect(buildRetryPolicy(undefined, 1500)).toEqual({ per_try_timeout: { seconds: '1', nanos: 500_000_000 } });
  });

  it('joins the triggers into retry_on and keeps every field', () => {
    const policy = buildRetryPolicy(
      {
        attempts: 3,
        retryOn: ['unavailable', 'retriable-status-codes'],
        retriableStatusCodes: [503],
        perTryTimeoutMs: 250,
        backoff: { baseMs: 25, maxMs: 1000 },
      },
      undefined,
    );
    expect(policy).toEqual({
      retry_on: 'unavailable,retriable-status-codes',
      num_retries: { value: 3 },
      per_try_timeout: { seconds: '0', nanos: 250_000_000 },
      retry_back_off: { base_interval: { seconds: '0', nanos: 25_000_000 }, max_interval: { seconds: '1', nanos: 0 } },
      retriable_status_codes: [503],
    });
  });

  it("lets the HTTPRoute's backendRequest win over the policy's per-try timeout", () => {
    const policy = buildRetryPolicy({ attempts: 1, retryOn: ['5xx'], retriableStatusCodes: [], perTryTimeoutMs: 100 }, 400);
    expect(policy?.per_try_timeout).toEqual({ seconds: '0', nanos: 400_000_000 });
  });

  it('leaves out a back-off maximum, status codes and per-try timeout nobody set', () => {
    expect(buildRetryPolicy({ attempts: 2, retryOn: ['reset'], retriableStatusCodes: [], backoff: { baseMs: 50 } }, undefined)).toEqual({
      retry_on: 'reset',
      num_retries: { value: 2 },
      retry_back_off: { base_interval: { seconds: '0', nanos: 50_000_000 } },
    });
  });
});
