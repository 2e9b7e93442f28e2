/**
 * Just enough DER to see how a key or certificate was *encoded*, which node:crypto does not
 * tell: OpenSSL maps explicit EC curve parameters that equal P-256 to `prime256v1`, while
 * Envoy's BoringSSL refuses them. Reads tag-length-value elements of definite length; anything
 * malformed throws (callers have already had the bytes parsed by node:crypto, so it is rare).
 */

export interface Tlv {
  tag: number;
  /** Where the content starts and ends (exclusive) in the buffer. */
  start: number;
  end: number;
}

export const Tag = {
  Integer: 0x02,
  BitString: 0x03,
  OctetString: 0x04,
  Null: 0x05,
  Oid: 0x06,
  Sequence: 0x30,
  /** `[0]` constructed, context-specific: EC parameters in SEC1, the version in X.509. */
  Context0: 0xa0,
} as const;

/** The element at `offset`, within `limit`. */
export function readTlv(buf: Buffer, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new Error('DER: truncated element');
  const tag = buf[offset];
  let length = buf[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    // Four length bytes address 4 GiB; keys and certificates are kilobytes.
    if (bytes === 0 || bytes > 4 || start + bytes > limit) throw new Error('DER: unsupported length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + buf[start + i];
    start += bytes;
  }
  const end = start + length;
  if (end > limit) throw new Error('DER: element overruns its parent');
  return { tag, start, end };
}

/** The elements inside a constructed element, in order. */
export function childrenOf(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = parent.start; offset < parent.end;) {
    const child = readTlv(buf, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** Every PEM block's label (e.g. `PRIVATE KEY`) and DER, in order. */
export function pemBlocks(pem: string): Array<{ label: string; der: Buffer }> {
  return [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)].map((m) => ({
    label: m[1],
    der: Buffer.from(m[2].replace(/\s+/g, ''), 'base64'),
  }));
}
