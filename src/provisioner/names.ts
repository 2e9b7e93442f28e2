/**
 * Names and label values of the objects provisioned for a Gateway.
 *
 * A Gateway's name is a DNS subdomain: up to 253 characters, dots allowed, a digit may lead.
 * The objects made for it live in the Gateway's namespace and all share one name:
 *
 *   attache-<gateway name>                       when that is a DNS-1035 label (at most 63
 *                                                characters, no dot), as Services require
 *   attache-<first characters, dots → ->-<hash>  otherwise: cut so the whole is 63 characters,
 *                                                <hash> = first 10 hex digits of SHA-256(name)
 *
 * The hash keeps two long (or dotted) names that share a prefix apart (`a.b` and `a-b` both
 * become `attache-a-b-…`, with different hashes). The client certificate Secret the Envoys mount
 * is `<that name>-xds`.
 *
 * Label values are capped at 63 characters: a longer Gateway name becomes its first 52
 * characters, `-` and the same 10-digit hash (trailing dots, dashes or underscores before the
 * dash are dropped, so the value stays valid).
 */
import { createHash } from 'crypto';

const MAX_LABEL = 63;
const HASH_DIGITS = 10;
const PREFIX = 'attache-';
/** A DNS-1035 label: what Service names must be (and every other kind here accepts). */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function hashOf(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, HASH_DIGITS);
}

/** The name of every object provisioned for the Gateway named `gatewayName` (see above). */
export function provisionedName(gatewayName: string): string {
  const plain = `${PREFIX}${gatewayName}`;
  if (plain.length <= MAX_LABEL && DNS_1035_LABEL.test(plain)) return plain;
  const room = MAX_LABEL - PREFIX.length - 1 - HASH_DIGITS;
  const head = gatewayName.replace(/\./g, '-').slice(0, room).replace(/-+$/, '');
  return `${PREFIX}${head}${head ? '-' : ''}${hashOf(gatewayName)}`;
}

/** The Secret with the Envoys' xDS client certificate (tls.crt, tls.key, ca.crt). */
export function xdsClientSecretName(gatewayName: string): string {
  return `${provisionedName(gatewayName)}-xds`;
}

/** `value` as a label value (at most 63 characters; see above). `value` is a valid label value but for its length. */
export function labelValue(value: string): string {
  if (value.length <= MAX_LABEL) return value;
  const head = value.slice(0, MAX_LABEL - 1 - HASH_DIGITS).replace(/[-._]+$/, '');
  return `${head}-${hashOf(value)}`;
}
