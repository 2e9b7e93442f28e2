/**
 * Every object of one collection that carries our labels, read page by page — what the
 * provisioner's applier and the xDS client certificate issuer start from. Bounded: pages of PAGE
 * objects, at most MAX_PAGES pages (100,000 objects); past that the list fails rather than grow.
 */
import type { KubeClient } from '../sources/kubernetes/kube-client';

const PAGE = 500;
const MAX_PAGES = 200;

type Page = { items?: Array<Record<string, unknown>>; metadata?: { continue?: string } };

export async function listLabelled(client: KubeClient, collection: string, labelSelector: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let next: string | undefined;
  let pages = 0;
  do {
    if (++pages > MAX_PAGES) throw new Error(`${collection}: more than ${MAX_PAGES * PAGE} objects with our labels`);
    const page = await client.request<Page>('GET', collection, { query: { labelSelector, limit: PAGE, continue: next } });
    items.push(...(page.items ?? []));
    next = page.metadata?.continue || undefined;
  } while (next);
  return items;
}
