/**
 * Bounded polling for e2e tests. Every wait in the harness has a deadline, so a broken
 * system fails a test with a message instead of hanging until jest's global timeout.
 */

export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 100 ms). */
  intervalMs?: number;
  /** Included in the timeout error, to say what was awaited. */
  description?: string;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `cond` until it returns a truthy value, which is returned. A throw counts as "not
 * yet" (the last error is reported on timeout), so conditions may use `expect(...)`.
 */
export async function waitFor<T>(cond: () => T | Promise<T>, opts: WaitOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let lastValue: T | undefined;
  for (;;) {
    try {
      lastValue = await withDeadline(Promise.resolve(cond()), deadline);
      if (lastValue) return lastValue as NonNullable<T>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() + intervalMs > deadline) break;
    await sleep(intervalMs);
  }
  const what = opts.description ? ` for ${opts.description}` : '';
  const last = lastError instanceof Error ? lastError.message : lastError !== undefined ? String(lastError) : `last value ${String(lastValue)}`;
  throw new Error(`waitFor${what}: timed out after ${timeoutMs} ms (${last})`);
}

/** Rejects if `p` has not settled by `deadline` (epoch ms); the underlying work is not cancelled. */
export function withDeadline<T>(p: Promise<T>, deadline: number): Promise<T> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new Error('deadline passed'));
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${remaining} ms`)), remaining);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
