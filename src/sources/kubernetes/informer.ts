/**
 * One informer per watched kind: list, then watch from the list's resourceVersion, for as long
 * as it runs (client-go's Reflector, without the local store: the source keeps the objects).
 *  - Lists are paginated (`limit`/`continue`), so a large cluster is not one huge response.
 *  - Watches ask for bookmarks (`allowWatchBookmarks`) so the resourceVersion stays fresh on
 *    quiet kinds, and end after `timeoutSeconds`; the next watch resumes where it stopped.
 *  - 410 Gone (as an HTTP status or a watch ERROR event: the resourceVersion was compacted away)
 *    means events were lost: relist at once, and let the caller replace the whole kind.
 *  - Any other error backs off exponentially with jitter (capped), then resumes.
 *  - A kind served by an optional CRD of ours (kinds.ts `optional`) whose list answers 404 Not
 *    Found (the CRD is not installed, or was deleted) is delivered as empty and counts as synced,
 *    so a cluster without our CRD still gets its Gateways translated; the list is retried every
 *    `backoffMaxMs`, so installing the CRD later is picked up without a restart. Reported once
 *    per absence, not at every retry.
 */
import { type KubernetesObject } from '../../apis/meta';
import { KubeApiError, type KubeClient, type WatchEvent } from './kube-client';
import { collectionPath, type WatchedKind } from './kinds';

export interface InformerHandlers {
  /** The complete current set of the kind (first list, or a relist after 410 Gone). */
  onReplace(kind: WatchedKind, objects: KubernetesObject[]): void;
  onUpsert(kind: WatchedKind, object: KubernetesObject): void;
  onDelete(kind: WatchedKind, object: KubernetesObject): void;
  /** A failed list or watch; the informer retries by itself after `retryInMs`. */
  onError(kind: WatchedKind, error: Error, retryInMs: number): void;
}

export interface InformerTiming {
  pageSize: number;
  watchTimeoutSeconds: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** In [0, 1); injected so tests get exact delays. */
  random: () => number;
}

export const DEFAULT_INFORMER_TIMING: InformerTiming = {
  pageSize: 500,
  // client-go picks 5–10 minutes; a fresh watch now and then also proves the connection alive.
  watchTimeoutSeconds: 300,
  backoffInitialMs: 200,
  backoffMaxMs: 30_000,
  random: Math.random,
};

/** A watch that ends this soon without an event counts as a failure, so a server that keeps closing it is not hammered. */
const MIN_HEALTHY_WATCH_MS = 1000;

interface ListResponse {
  metadata: { resourceVersion?: string; continue?: string };
  items: Array<Record<string, unknown>>;
}

export class Informer {
  private resourceVersion = '';
  private synced = false;
  /** An optional kind's CRD is not served (404 on the list): delivered as empty until it is. */
  private absent = false;
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    readonly kind: WatchedKind,
    private readonly client: KubeClient,
    private readonly handlers: InformerHandlers,
    private readonly timing: InformerTiming = DEFAULT_INFORMER_TIMING,
  ) {}

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  /** True once the first full list has been delivered. */
  hasSynced(): boolean {
    return this.synced;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      try {
        if (!this.resourceVersion) await this.list();
        const healthy = await this.watchOnce();
        failures = healthy ? 0 : failures + 1;
        if (!healthy) await this.sleep(this.backoff(failures));
      } catch (e) {
        if (this.abort.signal.aborted) break;
        if (isGone(e)) {
          this.resourceVersion = '';
          continue;
        }
        if (this.kind.optional && isNotFound(e)) {
          this.notServed(e as Error);
          await this.sleep(this.timing.backoffMaxMs);
          continue;
        }
        failures++;
        const delay = this.backoff(failures);
        this.handlers.onError(this.kind, e as Error, delay);
        await this.sleep(delay);
      }
    }
  }

  private async list(): Promise<void> {
    const items: KubernetesObject[] = [];
    let cont: string | undefined;
    let resourceVersion: string;
    do {
      const page = await this.client.request<ListResponse>('GET', collectionPath(this.kind), {
        query: { limit: this.timing.pageSize, continue: cont, fieldSelector: this.kind.fieldSelector },
      });
      for (const item of page.items ?? []) items.push(this.typed(item));
      cont = page.metadata.continue || undefined;
      resourceVersion = page.metadata.resourceVersion ?? '';
    } while (cont && !this.abort.signal.aborted);
    if (this.abort.signal.aborted) return;
    this.resourceVersion = resourceVersion;
    this.absent = false;
    this.handlers.onReplace(this.kind, items);
    this.synced = true;
  }

  /** The optional kind is not served: none of it exists, as far as translation is concerned. */
  private notServed(error: Error): void {
    this.resourceVersion = '';
    if (this.absent) return;
    this.absent = true;
    this.handlers.onError(
      this.kind,
      new Error(`${this.kind.plural}.${this.kind.apiVersion.split('/')[0]} is not served (CRD not installed?): treated as none; ${error.message.trim()}`),
      this.timing.backoffMaxMs,
    );
    this.handlers.onReplace(this.kind, []);
    this.synced = true;
  }

  /** One watch, until the server ends it; false when it ended suspiciously fast and empty. */
  private async watchOnce(): Promise<boolean> {
    const started = Date.now();
    let events = 0;
    const query = {
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: this.timing.watchTimeoutSeconds,
      fieldSelector: this.kind.fieldSelector,
    };
    const onEvent = (event: WatchEvent): void => {
      events++;
      this.apply(event);
    };
    const idleTimeoutMs = (this.timing.watchTimeoutSeconds + 30) * 1000;
    await this.client.watch(collectionPath(this.kind), query, onEvent, { signal: this.abort.signal, idleTimeoutMs });
    return events > 0 || Date.now() - started >= MIN_HEALTHY_WATCH_MS || this.abort.signal.aborted;
  }

  private apply(event: WatchEvent): void {
    if (event.type === 'ERROR') {
      const status = event.object as { code?: number; reason?: string; message?: string };
      // Thrown into the watch stream, which ends it; run() relists on 410 and backs off otherwise.
      throw new KubeApiError(status.code ?? 500, status.reason ?? 'WatchError', `watch ${this.kind.plural}: ${status.message ?? 'error event'}`);
    }
    const object = this.typed(event.object);
    if (object.metadata.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
    if (event.type === 'ADDED' || event.type === 'MODIFIED') this.handlers.onUpsert(this.kind, object);
    else if (event.type === 'DELETED') this.handlers.onDelete(this.kind, object);
  }

  /** List items carry no apiVersion/kind (the list does); set them so every object names its kind. */
  private typed(item: Record<string, unknown>): KubernetesObject {
    return { ...item, apiVersion: this.kind.apiVersion, kind: this.kind.kind } as unknown as KubernetesObject;
  }

  private backoff(failures: number): number {
    const base = Math.min(this.timing.backoffMaxMs, this.timing.backoffInitialMs * 2 ** Math.min(failures - 1, 20));
    return Math.round(base * (0.5 + this.timing.random() / 2));
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.abort.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function isNotFound(e: unknown): boolean {
  return e instanceof KubeApiError && e.status === 404;
}

function isGone(e: unknown): boolean {
  return e instanceof KubeApiError && (e.status === 410 || e.reason === 'Expired' || e.reason === 'Gone');
}
