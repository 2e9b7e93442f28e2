/**
 * What the apiserver checks on an EndpointSlice beyond its OpenAPI schema
 * (pkg/apis/discovery/validation): every address is of the slice's `addressType`, ports are in
 * 1..65535 with unique DNS-label names, and the counts stay within the API's limits. Envoy
 * refuses an endpoint whose address is not an IP or whose port is 0 or above 65535, and with it
 * the whole update; checked here, the slice is left out instead and named in the error.
 * IPv4 and IPv6 addresses are taken in the canonical text form inet_pton reads (as Envoy does):
 * no leading zeros, no zone (`%eth0`), no brackets or spaces; an IPv6 slice holds no
 * IPv4-mapped address (the apiserver refuses it).
 */
import { isIPv4, isIPv6 } from 'net';
import type { FieldError } from './field-error';

/** The API's limits (maxEndpoints, maxAddresses, maxPorts in the discovery validation). */
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 100;
const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The slice as its schema has already checked it: types are right where fields are set. */
interface SliceShape {
  addressType: string;
  endpoints?: Array<{ addresses: string[] }>;
  ports?: Array<{ name?: string; port?: number; protocol?: string }>;
}

export function endpointSliceErrors(slice: SliceShape): FieldError[] {
  const errors: FieldError[] = [];
  const addressType = slice.addressType;
  if (!ADDRESS_TYPES.includes(addressType)) {
    errors.push({ field: 'addressType', message: `Unsupported value: must be one of ${ADDRESS_TYPES.map((t) => JSON.stringify(t)).join(', ')}` });
  }
  const endpoints = slice.endpoints ?? [];
  if (endpoints.length > MAX_ENDPOINTS) errors.push({ field: 'endpoints', message: `Too many: ${endpoints.length}: must have at most ${MAX_ENDPOINTS} items` });
  endpoints.slice(0, MAX_ENDPOINTS).forEach((ep, i) => {
    const field = `endpoints[${i}].addresses`;
    if (ep.addresses.length === 0) errors.push({ field, message: 'Required value: must contain at least 1 address' });
    if (ep.addresses.length > MAX_ADDRESSES) errors.push({ field, message: `Too many: ${ep.addresses.length}: must have at most ${MAX_ADDRESSES} items` });
    ep.addresses.slice(0, MAX_ADDRESSES).forEach((address, j) => {
      const problem = addressProblem(address, addressType);
      if (problem) errors.push({ field: `${field}[${j}]`, message: `Invalid value: ${JSON.stringify(address)}: ${problem}` });
    });
  });
  const ports = slice.ports ?? [];
  if (ports.length > MAX_PORTS) errors.push({ field: 'ports', message: `Too many: ${ports.length}: must have at most ${MAX_PORTS} items` });
  const names = new Set<string>();
  ports.slice(0, MAX_PORTS).forEach((p, i) => {
    const name = p.name ?? '';
    if (name !== '' && (name.length > 63 || !DNS_LABEL.test(name))) {
      errors.push({ field: `ports[${i}].name`, message: `Invalid value: ${JSON.stringify(name)}: must be empty or a lowercase RFC 1123 label` });
    }
    if (names.has(name)) errors.push({ field: `ports[${i}].name`, message: `Duplicate value: ${JSON.stringify(name)}` });
    names.add(name);
    // An unset port means "all ports" in the API; Attaché never selects such a port.
    if (p.port !== undefined && (p.port < 1 || p.port > 65535)) {
      errors.push({ field: `ports[${i}].port`, message: `Invalid value: ${p.port}: must be between 1 and 65535, inclusive` });
    }
    if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) {
      errors.push({ field: `ports[${i}].protocol`, message: `Unsupported value: must be one of ${PROTOCOLS.map((t) => JSON.stringify(t)).join(', ')}` });
    }
  });
  return errors;
}

function addressProblem(address: string, addressType: string): string | undefined {
  switch (addressType) {
    case 'IPv4':
      return isIPv4(address) ? undefined : 'must be a valid IPv4 address';
    case 'IPv6':
      // isIPv6 takes a zone (`fe80::1%eth0`); neither the apiserver nor Envoy's endpoint parser does.
      if (!isIPv6(address) || address.includes('%')) return 'must be a valid IPv6 address';
      return /^::ffff:/i.test(address) && address.includes('.') ? 'must be a valid IPv6 address, not an IPv4-mapped one' : undefined;
    case 'FQDN':
      return address.length <= 253 && DNS_SUBDOMAIN.test(address) ? undefined : 'must be a lowercase RFC 1123 subdomain';
    default:
      return undefined; // the addressType itself is reported
  }
}
