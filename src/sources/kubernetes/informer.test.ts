import { type KubernetesObject } from '../../apis/meta';
import { Informer, type InformerHandlers } from './informer';
import { KubeApiError, type KubeClient, type Query, type RequestOptions, type WatchEvent, type WatchOptions } from './kube-client';
import { watchedKind } from './kinds';

type Script = (onEvent: (e: WatchEvent) => void) => Promise<void>;

/** Lists and watches scripted in order; once the script runs out, a watch waits for its abort. */
class FakeKubeClient implements KubeClient {
  readonly requests: Array<{ path: string; query?: Query }> = [];
  readonly watches: Query[] = [];

  constructor(
    private readonly lists: Array<object | Error>,
    private readonly scripts: Script[],
  ) {}

  async request<T>(_method: string, path: string, options?: RequestOptions): Promise<T> {
    this.requests.push({ path, query: options?.query });
    const next = this.lists.shift();
    if (!next) throw new Error('no more lists scripted');
    if (next instanceof Error) throw next;
    return next as T;
  }

  async watch(_path: string, query: Query, onEvent: (e: WatchEvent) => void, options: WatchOptions): Promise<void> {
    this.watches.push(query);
    const script = this.scripts.shift();
    if (script) return script(onEvent);
    await new Promise<void>((resolve) => options.signal.addEventListener('abort', () => resolve(), { once: true }));
  }
}

function fakeHandlers(): InformerHandlers & { log: string[] } {
  const log: string[] = [];
  const name = (o: KubernetesObject): string => `${o.kind}/${o.metadata.name}`;
  return {
    log,
    onReplace: (_k, objects) => log.push(`replace ${objects.map(name).join(',')}`),
    onUpsert: (_k, o) => log.push(`upsert ${name(o)}@${o.metadata.resourceVersion}`),
    onDelete: (_k, o) => log.push(`delete ${name(o)}`),
    onError: (_k, e, retryInMs) => log.push(`error ${e.message} retry ${retryInMs}`),
  };
}

const timing = { pageSize: 2, watchTimeoutSeconds: 60, backoffInitialMs: 4, backoffMaxMs: 100, random: () => 0 };
const item = (name: string, rv: string): object => ({ metadata: { name, namespace: 'ns', resourceVersion: rv } });
const page = (rv: string, items: object[], cont?: string): object => ({ metadata: { resourceVersion: rv, continue: cont }, items });
const event = (type: WatchEvent['type'], object: object): WatchEvent => ({ type, object: object as Record<string, unknown> });

async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached within 2 s');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('Informer', () => {
  it('lists page by page, then watches from the list’s resourceVersion with bookmarks', async () => {
    const client = new FakeKubeClient(
      [page('', [item('a', '1'), item('b', '2')], 'next'), page('10', [item('c', '3')])],
      [
        async (on) => {
          on(event('ADDED', { kind: 'GRPCRoute', metadata: { name: 'd', resourceVersion: '11' } }));
          on(event('BOOKMARK', { kind: 'GRPCRoute', metadata: { resourceVersion: '15' } }));
          on(event('DELETED', { kind: 'GRPCRoute', metadata: { name: 'a', resourceVersion: '16' } }));
        },
      ],
    );
    const h = fakeHandlers();
    const informer = new Informer(watchedKind('GRPCRoute'), client, h, timing);
    informer.start();
    await until(() => client.watches.length === 2);
    await informer.stop();
    expect(informer.hasSynced()).toBe(true);
    expect(client.requests.map((r) => r.query?.continue)).toEqual([undefined, 'next']);
    expect(client.requests[0]).toMatchObject({ path: '/apis/gateway.networking.k8s.io/v1/grpcroutes', query: { limit: 2 } });
    expect(h.log).toEqual(['replace GRPCRoute/a,GRPCRoute/b,GRPCRoute/c', 'upsert GRPCRoute/d@11', 'delete GRPCRoute/a']);
    expect(client.watches[0]).toMatchObject({ resourceVersion: '10', allowWatchBookmarks: true, timeoutSeconds: 60 });
    // The next watch resumes after the last event seen, bookmark included.
    expect(client.watches[1]).toMatchObject({ resourceVersion: '16' });
  });

  it('relists at once when the watch says 410 Gone (an ERROR event or the HTTP status)', async () => {
    const gone = async (on: (e: WatchEvent) => void): Promise<void> => on(event('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' }));
    const client = new FakeKubeClient(
      [page('5', [item('a', '1')]), page('20', [item('b', '2')]), page('30', [])],
      [
        gone,
        async () => {
          throw new KubeApiError(410, 'Gone', 'gone');
        },
      ],
    );
    const h = fakeHandlers();
    const informer = new Informer(watchedKind('Secret'), client, h, timing);
    informer.start();
    await until(() => client.watches.length === 3);
    await informer.stop();
    expect(h.log).toEqual(['replace Secret/a', 'replace Secret/b', 'replace ']);
    // Secrets are narrowed on the server to the TLS type, in lists and watches alike.
    expect(client.requests[0].query?.fieldSelector).toBe('type=kubernetes.io/tls');
    expect(client.watches[2]).toMatchObject({ resourceVersion: '30', fieldSelector: 'type=kubernetes.io/tls' });
  });

  it('backs off exponentially on other errors, then recovers', async () => {
    const client = new FakeKubeClient([new Error('connection refused'), new KubeApiError(500, 'InternalError', 'boom'), page('7', [])], []);
    const h = fakeHandlers();
    const informer = new Informer(watchedKind('Service'), client, h, timing);
    informer.start();
    await until(() => informer.hasSynced());
    await informer.stop();
    // random() = 0 takes the low end of the jitter: half of 4 ms, then half of 8 ms.
    expect(h.log).toEqual(['error connection refused retry 2', 'error boom retry 4', 'replace ']);
  });

  it('delivers an optional kind whose CRD is not installed (404) as empty and synced, says so once, and picks the CRD up when it appears', async () => {
    const notFound = (): KubeApiError => new KubeApiError(404, 'NotFound', 'the server could not find the requested resource');
    const client = new FakeKubeClient([notFound(), notFound(), page('9', [item('p', '3')])], []);
    const h = fakeHandlers();
    const informer = new Informer(watchedKind('BackendTrafficPolicy'), client, h, timing);
    informer.start();
    await until(() => client.watches.length === 1);
    await informer.stop();
    expect(client.requests.map((r) => r.path)).toEqual(Array(3).fill('/apis/attache.dev/v1alpha1/backendtrafficpolicies'));
    expect(h.log).toEqual([
      'error backendtrafficpolicies.attache.dev is not served (CRD not installed?): treated as none; the server could not find the requested resource retry 100',
      'replace ',
      'replace BackendTrafficPolicy/p',
    ]);
    expect(client.watches[0]).toMatchObject({ resourceVersion: '9' });
  });

  it('keeps a required kind unsynced on 404 (only our optional CRDs may be absent)', async () => {
    const client = new FakeKubeClient([new KubeApiError(404, 'NotFound', 'no grpcroutes')], []);
    const h = fakeHandlers();
    // A long backoff: the informer is still waiting to retry when it is looked at.
    const informer = new Informer(watchedKind('GRPCRoute'), client, h, { ...timing, backoffInitialMs: 60_000, backoffMaxMs: 60_000 });
    informer.start();
    await until(() => h.log.length === 1);
    expect(informer.hasSynced()).toBe(false);
    await informer.stop();
    expect(h.log).toEqual(['error no grpcroutes retry 30000']);
  });
});
