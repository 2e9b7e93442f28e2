/**
 * The one place secret material is taken out of what leaves the process: every body of the
 * debug endpoint (server.ts) and every log line (cli/logger.ts) goes through `redact`.
 *
 * Two nets, so a new shape of data is caught even when nobody thought of its field name:
 *  1. by shape: a Kubernetes Secret's `data`/`stringData` values (Opaque, kubernetes.io/tls, any
 *     type; the keys stay, so an operator sees which keys a Secret has), the
 *     `kubectl.kubernetes.io/last-applied-configuration` annotation (it copies the whole
 *     object, Secret data included) and `managedFields` on every object, and fields that hold
 *     keys by name: the IR's `privateKey`, Envoy's `private_key`, `password`,
 *     `session_ticket_keys`, `generic_secret`;
 *  2. by content: any string that contains a PEM private key, as text or base64-encoded (as a
 *     Secret's data holds it), wherever it is — an error message quoting a file, a log field.
 * Redaction copies: the objects passed in are never changed, and what holds nothing secret is
 * returned as is (no copy), so logging stays cheap.
 */

export const REDACTED = '[redacted]';

/** Annotation `kubectl apply` writes: the last applied object, Secret data included. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Field names whose values are key material, in our IR and in Envoy's JSON. */
const SECRET_FIELDS = new Set(['privateKey', 'private_key', 'password', 'session_ticket_keys', 'generic_secret']);

/** Deeper than any debug body or log object we make; a cycle or a hostile nesting stops here. */
const MAX_DEPTH = 64;

const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
/**
 * Runs long enough to hold a base64 PEM header ("-----BEGIN X PRIVATE KEY-----" is 40+
 * characters), line breaks included: `base64` wraps at 76 columns, and the lines after the
 * first hold the key itself.
 */
const BASE64_RUN = /[A-Za-z0-9+/=\r\n]{40,}/g;
/** base64("-----") at the start of an encoded PEM. */
const BASE64_PEM_START = 'LS0tLS';

function encodesPrivateKey(run: string): boolean {
  const start = run.indexOf(BASE64_PEM_START);
  return start >= 0 && holdsPrivateKey(Buffer.from(run.slice(start).replace(/[\r\n]/g, ''), 'base64').toString('latin1'));
}

function holdsPrivateKey(text: string): boolean {
  return text.includes('PRIVATE KEY');
}

/** `text` with every private key in it (PEM, or base64 of PEM) replaced by `[redacted]`. */
export function redactText(text: string): string {
  let out = text;
  if (out.includes('PRIVATE KEY-----')) out = out.replace(PEM_PRIVATE_KEY, REDACTED);
  // Only text that may hold an encoded PEM is searched.
  if (out.includes(BASE64_PEM_START)) {
    out = out.replace(BASE64_RUN, (run) => {
      if (!encodesPrivateKey(run)) return run;
      // Keep what came before the key in the run (a word on the line above), and line ends.
      const start = run.indexOf(BASE64_PEM_START);
      return `${run.slice(0, start)}${REDACTED}${/[\r\n]*$/.exec(run)?.[0] ?? ''}`;
    });
  }
  return out;
}

function isSecret(o: Record<string, unknown>): boolean {
  return o.kind === 'Secret' && (o.apiVersion === undefined || o.apiVersion === 'v1');
}

/** `{key: '[redacted]'}` for every key: which keys a Secret has is not secret, their values are. */
function keysOnly(values: unknown): unknown {
  if (typeof values !== 'object' || values === null) return values === undefined ? undefined : REDACTED;
  return Object.fromEntries(Object.keys(values).map((k) => [k, REDACTED]));
}

function redactError(err: Error, depth: number): Error {
  const message = redactText(err.message);
  const stack = err.stack === undefined ? undefined : redactText(err.stack);
  const extra = walk({ ...err }, depth + 1) as Record<string, unknown>;
  const cause = (err as { cause?: unknown }).cause === undefined ? undefined : walk((err as { cause?: unknown }).cause, depth + 1);
  const same =
    message === err.message &&
    stack === err.stack &&
    cause === (err as { cause?: unknown }).cause &&
    Object.keys(extra).every((k) => extra[k] === (err as unknown as Record<string, unknown>)[k]);
  if (same) return err;
  const copy = new Error(message);
  Object.assign(copy, extra);
  copy.name = err.name;
  copy.stack = stack;
  if (cause !== undefined) (copy as { cause?: unknown }).cause = cause;
  return copy;
}

function walkObject(o: Record<string, unknown>, depth: number): Record<string, unknown> {
  const secret = isSecret(o);
  let copy: Record<string, unknown> | undefined;
  // for…in and no closures: this runs once per object of a /config_dump (hundreds of thousands).
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
    const v = o[k];
    if (v === undefined) continue;
    let w: unknown;
    if (SECRET_FIELDS.has(k)) w = REDACTED;
    else if (secret && (k === 'data' || k === 'stringData')) w = keysOnly(v);
    else if (k === 'managedFields' && Array.isArray(v)) w = `[${v.length} entries omitted]`;
    else if (k === LAST_APPLIED && typeof v === 'string') w = REDACTED;
    else w = walk(v, depth + 1);
    if (w !== v) (copy ??= { ...o })[k] = w;
  }
  return copy ?? o;
}

function walk(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return holdsPrivateKey(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1')) ? REDACTED : value;
  }
  if (value instanceof Error) return redactError(value, depth);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const w = walk(item, depth + 1);
      if (w !== item) (copy ??= [...value])[i] = w;
    });
    return copy ?? value;
  }
  if (value instanceof Date) return value;
  // YAML prints a Map's or Set's entries: they are walked like an object's.
  if (value instanceof Map) {
    const entries = [...value.entries()];
    const walked = walk(entries, depth + 1) as Array<[unknown, unknown]>;
    return walked === entries ? value : new Map(walked);
  }
  if (value instanceof Set) {
    const items = [...value];
    const walked = walk(items, depth + 1) as unknown[];
    return walked === items ? value : new Set(walked);
  }
  return walkObject(value as Record<string, unknown>, depth);
}

/** `value` without secret material (see above); the same reference when it held none. */
export function redact<T>(value: T): T {
  return walk(value, 0) as T;
}
