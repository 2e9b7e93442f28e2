/**
 * Failure injection driven by request metadata, so one echo backend serves several tests at
 * once (each with its own key) and a test states its faults in the call itself:
 *
 *  - `x-echo-fail-first: N`: the first N calls of this key fail (then the calls succeed);
 *  - `x-echo-fail-code: UNAVAILABLE`: the status they fail with (a gRPC status name or number;
 *    default UNAVAILABLE);
 *  - `x-echo-fail-key: K`: which counter the call counts on (default: the empty key). Counters
 *    are per backend, so "the first N calls" means the first N this backend saw;
 *  - `x-echo-delay-ms: D`: answer (or fail) only after D ms, e.g. to trip a per-try timeout or
 *    hold a circuit breaker's slots;
 *  - `x-echo-delay-first: M`: delay only the first M calls of the key (a slow first try that a
 *    retry gets past).
 *
 * Bad values are the caller's bug: the call fails INVALID_ARGUMENT naming the header, rather
 * than silently succeeding.
 */
import * as grpc from '@grpc/grpc-js';

const FAIL_FIRST = 'x-echo-fail-first';
const FAIL_CODE = 'x-echo-fail-code';
const FAIL_KEY = 'x-echo-fail-key';
const DELAY_MS = 'x-echo-delay-ms';
const DELAY_FIRST = 'x-echo-delay-first';

const MAX_COUNT = 1_000_000;
/** A minute: longer only ties a backend up. */
const MAX_DELAY_MS = 60_000;
/** Keys remembered per backend; the oldest is forgotten beyond this (tests use a handful). */
export const MAX_KEYS = 10_000;

/** What to do with one call. */
export interface FaultDecision {
  /** Fail with this code (after the delay), or succeed. */
  fail?: grpc.status;
  delayMs: number;
}

function single(md: grpc.Metadata, name: string): string | undefined {
  const values = md.get(name);
  if (values.length === 0) return undefined;
  if (values.length > 1) throw new Error(`${name}: one value expected, got ${values.length}`);
  return String(values[0]);
}

function integer(md: grpc.Metadata, name: string, max: number): number | undefined {
  const text = single(md, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || n > max) throw new Error(`${name}: an integer from 0 to ${max} expected, got ${JSON.stringify(text)}`);
  return n;
}

/** A status by name (`UNAVAILABLE`, `unavailable`, `DEADLINE_EXCEEDED`) or number, never OK. */
export function parseStatus(text: string, what: string): grpc.status {
  const byName = (grpc.status as unknown as Record<string, number | undefined>)[text.toUpperCase().replace(/-/g, '_')];
  const code = /^[0-9]+$/.test(text) ? Number(text) : byName;
  if (code === undefined || code <= 0 || code > 16) throw new Error(`${what}: a gRPC status name or number (1-16) expected, got ${JSON.stringify(text)}`);
  return code;
}

/** Per-key call counters of one backend, bounded (oldest key forgotten first). */
export class FaultInjector {
  private readonly counts = new Map<string, number>();

  /** Counts the call on its key and decides; throws (the caller answers INVALID_ARGUMENT) on bad metadata. */
  decide(md: grpc.Metadata): FaultDecision {
    const failFirst = integer(md, FAIL_FIRST, MAX_COUNT);
    const codeText = single(md, FAIL_CODE);
    const failCode = codeText === undefined ? grpc.status.UNAVAILABLE : parseStatus(codeText, FAIL_CODE);
    const delay = integer(md, DELAY_MS, MAX_DELAY_MS) ?? 0;
    const delayFirst = integer(md, DELAY_FIRST, MAX_COUNT);
    if (failFirst === undefined && delay === 0) return { delayMs: 0 };
    const key = single(md, FAIL_KEY) ?? '';
    const n = this.count(key);
    return {
      fail: failFirst !== undefined && n <= failFirst ? failCode : undefined,
      delayMs: delayFirst === undefined || n <= delayFirst ? delay : 0,
    };
  }

  /** Calls counted on `key` so far. */
  calls(key = ''): number {
    return this.counts.get(key) ?? 0;
  }

  private count(key: string): number {
    const n = (this.counts.get(key) ?? 0) + 1;
    // Delete then set moves the key to the end: Map order is then oldest-used first.
    this.counts.delete(key);
    this.counts.set(key, n);
    if (this.counts.size > MAX_KEYS) this.counts.delete(this.counts.keys().next().value as string);
    return n;
  }
}
