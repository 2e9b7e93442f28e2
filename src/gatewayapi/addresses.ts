/**
 * Addresses for Gateways that ask for none. With an address pool (`--address-pool
 * 127.0.100.0/24`), each such Gateway gets its own address, so several Gateways can use the
 * same ports on one machine (one Envoy per Gateway, as in the conformance suite). The choice
 * hashes the Gateway's namespace/name, so adding or removing other Gateways does not move it
 * (only a hash collision probes to the next free address). Without a pool, every Gateway gets
 * the default address.
 */
import { type Service } from '../apis/core';
import { type Gateway } from '../apis/gateway-api';
import { gatewayKey } from './naming';

export interface AddressPool {
  /** First address as a 32-bit number, and how many addresses follow it. */
  base: number;
  size: number;
}

export function parseAddressPool(cidr: string): AddressPool {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) throw new Error(`address pool "${cidr}": expected an IPv4 CIDR such as 127.0.100.0/24`);
  const bits = Number(m[5]);
  if (bits < 8 || bits > 30) throw new Error(`address pool "${cidr}": the prefix must be between /8 and /30`);
  const ip = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - bits);
  const base = ip - (ip % size);
  // Skip the network address (.0) and the last one, which look odd even on loopback.
  return { base: base + 1, size: size - 2 };
}

function toNumber(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m || m.slice(1).some((o) => Number(o) > 255)) return undefined;
  return m.slice(1).reduce((acc, o) => acc * 256 + Number(o), 0);
}

function toDotted(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** FNV-1a: a small stable hash, identical across processes and versions. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * True when the Gateway leaves its address to us: no spec.addresses, or only `IPAddress` entries
 * without a value ("an empty value asks the implementation to assign one", GatewayAddressEmpty).
 */
export function wantsAssignedAddress(g: Gateway): boolean {
  return (g.spec.addresses ?? []).every((a) => (a.type ?? 'IPAddress') === 'IPAddress' && !a.value);
}

/** Is this dotted IPv4 address one the pool hands out? With a pool, static addresses must be too (GatewayStaticAddresses). */
export function inPool(pool: AddressPool, ip: string): boolean {
  const n = toNumber(ip);
  return n !== undefined && n >= pool.base && n < pool.base + pool.size;
}

/** Gateway key → pool address, for the Gateways that leave their address to us; never one a Gateway asked for. */
export function allocateAddresses(gateways: readonly Gateway[], pool: AddressPool): Map<string, string> {
  const keys = gateways
    .filter(wantsAssignedAddress)
    .map((g) => gatewayKey(g.metadata.namespace, g.metadata.name))
    .sort();
  const used = new Set<number>();
  for (const g of gateways) {
    for (const a of g.spec.addresses ?? []) {
      const n = a.value ? toNumber(a.value) : undefined;
      if (n !== undefined && n >= pool.base && n < pool.base + pool.size) used.add(n - pool.base);
    }
  }
  const out = new Map<string, string>();
  for (const key of keys) {
    let slot = fnv1a(key) % pool.size;
    for (let tries = 0; used.has(slot) && tries < pool.size; tries++) slot = (slot + 1) % pool.size;
    used.add(slot);
    out.set(key, toDotted(pool.base + slot));
  }
  return out;
}

/** An entry of GatewayStatus.addresses. */
export interface GatewayStatusAddress {
  type: 'IPAddress' | 'Hostname';
  value: string;
}

/**
 * A provisioned Gateway's addresses (`--provision`), from the Service generated for it: the
 * load balancer's ingress (`ip` → IPAddress, `hostname` → Hostname), else the Service's cluster
 * IPs (every family of a dual-stack Service); none while the Service does not exist or has
 * neither (headless). Deduplicated, in the Service's order.
 */
export function serviceAddresses(service: Service | undefined): GatewayStatusAddress[] {
  if (!service) return [];
  const ingress = service.status?.loadBalancer?.ingress ?? [];
  const fromIngress = ingress.flatMap((i): GatewayStatusAddress[] =>
    i.ip ? [{ type: 'IPAddress', value: i.ip }] : i.hostname ? [{ type: 'Hostname', value: i.hostname }] : [],
  );
  const clusterIPs = service.spec?.clusterIPs?.length ? service.spec.clusterIPs : service.spec?.clusterIP ? [service.spec.clusterIP] : [];
  const found =
    fromIngress.length > 0 ? fromIngress : clusterIPs.filter((ip) => ip !== 'None' && ip !== '').map((ip) => ({ type: 'IPAddress' as const, value: ip }));
  const seen = new Set<string>();
  return found.filter((a) => !seen.has(`${a.type}/${a.value}`) && seen.add(`${a.type}/${a.value}`));
}
