/**
 * A small REST client for the Kubernetes API: JSON requests and line-delimited watches over
 * Node's http(s), authenticated by @kubernetes/client-node's KubeConfig (kubeconfig files,
 * in-cluster service accounts, tokens, client certificates, exec plugins).
 *
 * Why not client-node's generated API classes and ListWatch: the informers need paginated
 * lists, watch bookmarks, a relist on 410 Gone and backoff on every other error (ListWatch stops
 * on the first error), and the status writer needs the `/status` subresource of custom resources
 * with optimistic concurrency. Those are a few REST calls, the same for every kind.
 */
import * as http from 'http';
import * as https from 'https';
import type { KubeConfig } from '@kubernetes/client-node';
import type * as ClientNodeModule from '@kubernetes/client-node';
import { type KubernetesObject } from '../../apis/meta';
import { objectPath, watchedKind } from './kinds';

type ClientNode = typeof ClientNodeModule;

/**
 * client-node 1.x is published as ES modules only, and this project compiles to CommonJS, where
 * tsc rewrites `import()` into `require()` (which cannot load ES modules in every Node 20).
 * A function built at run time keeps a real dynamic `import()`, which CommonJS may always use.
 */
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

async function loadClientNode(): Promise<ClientNode> {
  return (await importEsm('@kubernetes/client-node')) as ClientNode;
}

/** An answer other than 2xx, with the API's `Status` reason (`NotFound`, `Conflict`, `Expired`, ...). */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  /** The object; for ERROR a `Status` (`code` 410 when the resourceVersion is too old). */
  object: Record<string, unknown>;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Default `application/json`; merge patches say `application/merge-patch+json`. */
  contentType?: string;
  timeoutMs?: number;
}

export interface WatchOptions {
  signal: AbortSignal;
  /** The stream fails when nothing (not even a bookmark) arrives for this long. */
  idleTimeoutMs: number;
}

/** What the informers and the status writer need from the API server. */
export interface KubeClient {
  request<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /** Resolves when the server ends the watch or `signal` aborts it; rejects on errors. */
  watch(path: string, query: Query, onEvent: (event: WatchEvent) => void, options: WatchOptions): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export class HttpKubeClient implements KubeClient {
  private agent: http.Agent | undefined;

  private constructor(
    private readonly config: KubeConfig,
    private readonly server: string,
  ) {}

  /** From a kubeconfig file, or (no path) as kubectl would: $KUBECONFIG, ~/.kube/config, in-cluster. */
  static async connect(kubeconfigPath?: string): Promise<HttpKubeClient> {
    const k8s = await loadClientNode();
    const config = new k8s.KubeConfig();
    if (kubeconfigPath) config.loadFromFile(kubeconfigPath);
    else config.loadFromDefault();
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error(`kubeconfig${kubeconfigPath ? ` ${kubeconfigPath}` : ''}: no current cluster`);
    return new HttpKubeClient(config, cluster.server.replace(/\/+$/, ''));
  }

  get serverUrl(): string {
    return this.server;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { url, opts } = await this.prepare(method, path, options.query, options.contentType);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    return new Promise<T>((resolve, reject) => {
      const req = this.transport(url).request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve((text ? JSON.parse(text) : {}) as T);
          else reject(apiError(code, text, `${method} ${path}`));
        });
      });
      req.setTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, () =>
        req.destroy(new Error(`${method} ${path}: no answer within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)),
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  async watch(path: string, query: Query, onEvent: (event: WatchEvent) => void, options: WatchOptions): Promise<void> {
    const { url, opts } = await this.prepare('GET', path, { ...query, watch: true });
    // The first failure wins: destroying the request also fails the response with a generic error.
    let failure: Error | undefined;
    return new Promise<void>((resolve, reject) => {
      if (options.signal.aborted) return resolve();
      const req = this.transport(url).request(url, opts, (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => reject(apiError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), `watch ${path}`)));
          return;
        }
        let partial = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const lines = (partial + chunk).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) {
            if (!line.trim()) continue;
            try {
              onEvent(JSON.parse(line) as WatchEvent);
            } catch (e) {
              // A torn line or a failing handler ends this watch; the informer resumes from the last resourceVersion.
              failure = e as Error;
              req.destroy(failure);
              return;
            }
          }
        });
        res.on('end', () => resolve());
        res.on('error', (e) => (options.signal.aborted ? resolve() : reject(failure ?? e)));
      });
      const abort = (): void => {
        req.destroy();
        resolve();
      };
      options.signal.addEventListener('abort', abort, { once: true });
      req.setTimeout(options.idleTimeoutMs, () => req.destroy(new Error(`watch ${path}: silent for ${options.idleTimeoutMs} ms`)));
      req.on('error', (e) => (options.signal.aborted ? resolve() : reject(failure ?? e)));
      req.on('close', () => options.signal.removeEventListener('abort', abort));
      req.end();
    });
  }

  close(): void {
    this.agent?.destroy();
  }

  private transport(url: URL): typeof https | typeof http {
    return url.protocol === 'https:' ? https : http;
  }

  private async prepare(method: string, path: string, query: Query = {}, contentType = 'application/json'): Promise<{ url: URL; opts: https.RequestOptions }> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const opts: https.RequestOptions = { method, headers: { accept: 'application/json', 'content-type': contentType } };
    // Per request: exec plugins and token files may hand out a fresh credential.
    await this.config.applyToHTTPSOptions(opts);
    // client-node makes a new Agent on every call; one keep-alive agent per client keeps a single
    // TLS connection pool for the watches and the many status writes.
    this.agent ??= url.protocol === 'https:' ? new https.Agent({ ...tlsOptions(opts), keepAlive: true }) : new http.Agent({ keepAlive: true });
    opts.agent = this.agent;
    return { url, opts };
  }
}

type WithStatus = KubernetesObject & { status?: Record<string, unknown> };

/**
 * The status writer's view of the API server (status/kubernetes-writer.ts `StatusApi`): read one
 * object, and replace its status through the `/status` subresource. A PUT carries the object's
 * resourceVersion, so a status computed against an old version fails with 409 Conflict instead
 * of overwriting what another controller wrote meanwhile.
 */
export class KubernetesStatusClient {
  constructor(private readonly client: KubeClient) {}

  async read(kind: string, namespace: string | undefined, name: string): Promise<WithStatus | undefined> {
    const k = watchedKind(kind);
    try {
      const o = await this.client.request<WithStatus>('GET', objectPath(k, namespace, name));
      return { ...o, apiVersion: k.apiVersion, kind: k.kind };
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  async replaceStatus(object: WithStatus): Promise<WithStatus> {
    const k = watchedKind(object.kind);
    const path = `${objectPath(k, object.metadata.namespace, object.metadata.name)}/status`;
    // managedFields would be sent back as given; leaving them out lets the server keep its own.
    const { managedFields: _managed, ...metadata } = object.metadata as KubernetesObject['metadata'] & { managedFields?: unknown };
    return this.client.request<WithStatus>('PUT', path, { body: { ...object, metadata }, query: { fieldManager: 'attache' } });
  }
}

function tlsOptions(opts: https.RequestOptions): https.AgentOptions {
  const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = opts;
  return { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername };
}

function apiError(code: number, body: string, what: string): KubeApiError {
  try {
    const status = JSON.parse(body) as { reason?: string; message?: string };
    return new KubeApiError(code, status.reason ?? String(code), `${what}: ${code} ${status.message ?? body}`);
  } catch {
    return new KubeApiError(code, String(code), `${what}: ${code} ${body.slice(0, 200)}`);
  }
}
