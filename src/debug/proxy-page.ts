/**
 * `/proxies` in pages: the number of connected proxies is not ours to bound (every Envoy of every
 * Gateway, plus whatever else connects), so one answer carries at most MAX_PAGE of them, says
 * how many there are and how many it left out, and counts every proxy by sync state — so
 * `attache proxies` tells whether all are in sync without fetching them all.
 */
import type { ProxyView, SyncState } from './proxy-view';

/** Proxies in one answer when the caller names no ?limit=. */
export const DEFAULT_PAGE = 500;
/** The largest ?limit= accepted: about 1 kB of YAML per proxy, so a page stays near 1 MB at most. */
export const MAX_PAGE = 1000;

export interface PageRequest {
  offset: number;
  limit: number;
}

export interface ProxyPage {
  /** Connected (identified) proxies in all. */
  total: number;
  offset: number;
  limit: number;
  /** Proxies not in this page (before and after it). */
  omitted: number;
  /** Every connected proxy counted by sync state, not only this page's. */
  sync: Record<SyncState, number>;
  /** Oldest stream first, as they connected. */
  proxies: ProxyView[];
}

function count(text: string | null, name: string, fallback: number, max: number): number | string {
  if (text === null) return fallback;
  if (!/^\d+$/.test(text)) return `?${name}= must be a whole number, got "${text}"`;
  return Math.min(Number(text), max);
}

/** `?offset=` and `?limit=` (clamped to MAX_PAGE), or an error message. */
export function pageRequest(params: URLSearchParams): PageRequest | string {
  const offset = count(params.get('offset'), 'offset', 0, Number.MAX_SAFE_INTEGER);
  const limit = count(params.get('limit'), 'limit', DEFAULT_PAGE, MAX_PAGE);
  if (typeof offset === 'string') return offset;
  if (typeof limit === 'string') return limit;
  return { offset, limit };
}

export function proxyPage(all: readonly ProxyView[], page: PageRequest): ProxyPage {
  const proxies = all.slice(page.offset, page.offset + page.limit);
  const sync: Record<SyncState, number> = { SYNCED: 0, STALE: 0, NACKED: 0 };
  for (const p of all) sync[p.sync]++;
  return { total: all.length, offset: page.offset, limit: page.limit, omitted: all.length - proxies.length, sync, proxies };
}
