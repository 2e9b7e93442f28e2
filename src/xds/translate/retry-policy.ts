/**
 * RetryIR → Envoy route `retry_policy`. HTTPRoute's own `timeouts.backendRequest` (a per-try
 * timeout without retries, route.ts) wins over a policy's perTryTimeout: the rule's own spec is
 * more specific than a policy attached to it, as Envoy Gateway orders them too.
 */
import type { RetryIR } from '../../ir/traffic-policy';
import type { RetryPolicy } from '../../generated/envoy/config/route/v3/RetryPolicy';
import { seconds } from './typed-config';

export function buildRetryPolicy(retry: RetryIR | undefined, backendRequestMs: number | undefined): RetryPolicy | undefined {
  const perTryMs = backendRequestMs ?? retry?.perTryTimeoutMs;
  if (!retry) {
    // Envoy applies per_try_timeout to the first attempt too, and no retry_on means no retries.
    return perTryMs === undefined ? undefined : { per_try_timeout: millis(perTryMs) };
  }
  const policy: RetryPolicy = {
    // Envoy's retry_on is one comma-separated string; the IR already uses its names.
    retry_on: retry.retryOn.join(','),
    num_retries: { value: retry.attempts },
  };
  if (perTryMs !== undefined) policy.per_try_timeout = millis(perTryMs);
  if (retry.backoff) {
    policy.retry_back_off = { base_interval: millis(retry.backoff.baseMs) };
    if (retry.backoff.maxMs !== undefined) policy.retry_back_off.max_interval = millis(retry.backoff.maxMs);
  }
  if (retry.retriableStatusCodes.length > 0) policy.retriable_status_codes = [...retry.retriableStatusCodes];
  return policy;
}

/** A Duration from milliseconds. */
export function millis(ms: number): { seconds: string; nanos: number } {
  return seconds(ms / 1000);
}
