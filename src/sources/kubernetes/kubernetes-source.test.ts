import pino from 'pino';
import { type KubernetesObject } from '../../apis/meta';
import { type StoreChange } from '../../store/store';
import { type KubeClient, type Query, type RequestOptions, type WatchEvent, type WatchOptions } from './kube-client';
import { forStore, KubernetesSource } from './kubernetes-source';

/** Answers each collection path with a fixed list; watches stay open, silent, until stopped. */
class FakeKubeClient implements KubeClient {
  constructor(private readonly lists: Record<string, object[]>) {}

  async request<T>(_method: string, path: string, _options?: RequestOptions): Promise<T> {
    return { metadata: { resourceVersion: '1' }, items: this.lists[path] ?? [] } as T;
  }

  async watch(_path: string, _query: Query, _onEvent: (e: WatchEvent) => void, options: WatchOptions): Promise<void> {
    await new Promise<void>((resolve) => options.signal.addEventListener('abort', () => resolve(), { once: true }));
  }
}

const timing = { pageSize: 500, watchTimeoutSeconds: 60, backoffInitialMs: 1, backoffMaxMs: 10, random: () => 0 };

function secret(name: string): object {
  return { metadata: { name, namespace: 'ns', resourceVersion: '3' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } };
}

function gatewayNaming(certs: Array<{ name: string; namespace?: string }>): object {
  return {
    metadata: { name: 'gw', namespace: 'ns', resourceVersion: '4', managedFields: [{ manager: 'kubectl' }] },
    spec: { gatewayClassName: 'c', listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: certs } }] },
    status: { conditions: [] },
  };
}

async function synced(source: KubernetesSource): Promise<StoreChange[]> {
  const deadline = Date.now() + 2000;
  while (!source.hasSynced()) {
    if (Date.now() > deadline) throw new Error(`not synced: ${source.unsyncedKinds().join(', ')}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  return source.drain();
}

function upserted(changes: StoreChange[], kind: string): KubernetesObject[] {
  return changes.flatMap((c) => (c.op === 'upsert' && c.object.kind === kind ? [c.object] : []));
}

describe('KubernetesSource', () => {
  it('delivers objects without status, resourceVersion and managedFields, but observes them whole', async () => {
    const client = new FakeKubeClient({ '/apis/gateway.networking.k8s.io/v1/gateways': [gatewayNaming([])] });
    const source = new KubernetesSource(client, pino({ level: 'silent' }), timing);
    source.start(() => undefined);
    const [gw] = upserted(await synced(source), 'Gateway');
    await source.stop();
    expect(gw).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'ns' },
      spec: expect.any(Object),
    });
    expect(source.observedObject('Gateway', 'ns', 'gw')).toMatchObject({ metadata: { resourceVersion: '4' }, status: { conditions: [] } });
  });

  it('passes on only the TLS Secrets a Gateway listener names', async () => {
    const client = new FakeKubeClient({
      '/apis/gateway.networking.k8s.io/v1/gateways': [gatewayNaming([{ name: 'cert' }, { name: 'elsewhere', namespace: 'other' }])],
      '/api/v1/secrets': [secret('cert'), secret('unrelated')],
    });
    const source = new KubernetesSource(client, pino({ level: 'silent' }), timing);
    source.start(() => undefined);
    const secrets = upserted(await synced(source), 'Secret');
    await source.stop();
    expect(secrets.map((s) => s.metadata.name)).toEqual(['cert']);
    // Observed all the same: the writer and the next Gateway edit can still see it.
    expect(source.observedObjects('Secret')).toHaveLength(2);
  });

  it('strips server-side fields without touching the input', () => {
    const o = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', resourceVersion: '9', uid: 'u', generation: 2 }, status: {} };
    expect(forStore(o as KubernetesObject)).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', uid: 'u', generation: 2 } });
    expect(o.metadata.resourceVersion).toBe('9');
  });

  it("keeps a Service's load-balancer status (a provisioned Gateway's address), nothing else of status", () => {
    const o = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] }, conditions: [] } };
    expect(forStore(o as KubernetesObject)).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } },
    });
    const gw = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g' }, status: { loadBalancer: {} } };
    expect(forStore(gw as KubernetesObject)).toEqual({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g' } });
  });
});
