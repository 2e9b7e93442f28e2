import pino from 'pino';
import { type KubernetesObject } from '../apis/meta';
import { type ProvisionOptions } from '../provisioner/options';
import { provision } from '../provisioner/provision';
import { KubeApiError, type KubeClient, type RequestOptions } from '../sources/kubernetes/kube-client';
import { groupByKind } from '../store/resources';
import { HASH_ANNOTATION, ProvisionApplier } from './provision-applier';

/** An API server of one map: apply stores the body, delete removes, list filters by our labels. */
class FakeApi implements KubeClient {
  readonly objects = new Map<string, Record<string, unknown>>();
  readonly calls: string[] = [];
  failNext = 0;

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    this.calls.push(`${method} ${path}`);
    if (this.failNext > 0) {
      this.failNext--;
      throw new KubeApiError(500, 'InternalError', 'injected');
    }
    if (method === 'GET') {
      const plural = path.split('/').pop()!;
      const items = [...this.objects.entries()].filter(([p]) => p.split('/').at(-2) === plural).map(([, o]) => o);
      return { items: items.filter((o) => (o.metadata as { labels?: Record<string, string> }).labels?.['app.kubernetes.io/managed-by'] === 'attache') } as T;
    }
    if (method === 'PATCH') {
      expect(options.contentType).toBe('application/apply-patch+yaml');
      expect(options.query).toEqual({ fieldManager: 'attache', force: true });
      this.objects.set(path, structuredClone(options.body) as Record<string, unknown>);
      return options.body as T;
    }
    if (method === 'DELETE') {
      if (!this.objects.delete(path)) throw new KubeApiError(404, 'NotFound', `${path} not found`);
      return {} as T;
    }
    throw new Error(`unexpected ${method} ${path}`);
  }

  watch(): Promise<void> {
    throw new Error('no watch');
  }

  kinds(): string[] {
    return [...this.objects.values()].map((o) => `${o.kind as string} ${(o.metadata as { name: string }).name}`).sort();
  }
}

const OPTIONS: ProvisionOptions = {
  controllerName: 'attache.dev/gateway-controller',
  privilegedPortShift: 10000,
  xdsAddress: { host: 'attache.attache-system.svc', port: 18000 },
  controlPlaneImage: 'attache:test',
};

const CLASS = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GatewayClass',
  metadata: { name: 'attache' },
  spec: { controllerName: OPTIONS.controllerName },
};

function gateway(name: string, infrastructure?: Record<string, unknown>): KubernetesObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: 'apps', uid: `uid-${name}` },
    spec: { gatewayClassName: 'attache', listeners: [{ name: 'grpc', protocol: 'HTTP', port: 80 }], ...(infrastructure ? { infrastructure } : {}) },
  } as KubernetesObject;
}

function params(name: string, envoy: Record<string, unknown>): KubernetesObject {
  return { apiVersion: 'attache.dev/v1alpha1', kind: 'GatewayParameters', metadata: { name, namespace: 'apps' }, spec: { envoy } } as KubernetesObject;
}

const ref = (name: string): Record<string, unknown> => ({ parametersRef: { group: 'attache.dev', kind: 'GatewayParameters', name } });
const wanted = (...objects: KubernetesObject[]) => provision(groupByKind([CLASS as KubernetesObject, ...objects]), OPTIONS);
const log = pino({ level: 'silent' });

async function run(applier: ProvisionApplier, result: ReturnType<typeof wanted>): Promise<void> {
  applier.sync(result);
  await applier.idle();
}

describe('ProvisionApplier', () => {
  it('applies every object of a Gateway once, and writes nothing when nothing changed', async () => {
    const api = new FakeApi();
    const applier = new ProvisionApplier({ client: api, log });
    await run(applier, wanted(gateway('gw')));
    expect(api.kinds()).toEqual(['Deployment attache-gw', 'PodDisruptionBudget attache-gw', 'Service attache-gw', 'ServiceAccount attache-gw']);
    expect(api.calls.filter((c) => c.startsWith('PATCH'))).toHaveLength(4);
    expect(api.calls).toContain('PATCH /apis/apps/v1/namespaces/apps/deployments/attache-gw');
    api.calls.length = 0;
    await run(applier, wanted(gateway('gw')));
    expect(api.calls).toEqual([]);
    expect(applier.counters()).toMatchObject({ applied: 4, unchanged: 4, failed: 0 });
  });

  it('after a restart, reads what it applied from the hash annotation and still writes nothing', async () => {
    const api = new FakeApi();
    await run(new ProvisionApplier({ client: api, log }), wanted(gateway('gw')));
    api.calls.length = 0;
    await run(new ProvisionApplier({ client: api, log }), wanted(gateway('gw')));
    expect(api.calls.every((c) => c.startsWith('GET'))).toBe(true);
    const deployment = api.objects.get('/apis/apps/v1/namespaces/apps/deployments/attache-gw') as { metadata: { annotations: Record<string, string> } };
    expect(deployment.metadata.annotations[HASH_ANNOTATION]).toMatch(/^[0-9a-f]{16}$/);
  });

  it('updates the Deployment when the parameters change, and deletes the HPA when autoscaling gives way to replicas', async () => {
    const api = new FakeApi();
    const applier = new ProvisionApplier({ client: api, log });
    await run(applier, wanted(gateway('gw', ref('p')), params('p', { autoscaling: { minReplicas: 2, maxReplicas: 5 } })));
    expect(api.kinds()).toContain('HorizontalPodAutoscaler attache-gw');
    const deploymentPath = '/apis/apps/v1/namespaces/apps/deployments/attache-gw';
    expect((api.objects.get(deploymentPath) as { spec: { replicas?: number } }).spec.replicas).toBeUndefined();
    api.calls.length = 0;
    await run(applier, wanted(gateway('gw', ref('p')), params('p', { replicas: 4 })));
    expect((api.objects.get(deploymentPath) as { spec: { replicas?: number } }).spec.replicas).toBe(4);
    expect(api.kinds()).not.toContain('HorizontalPodAutoscaler attache-gw');
    expect(api.calls.sort()).toEqual(['DELETE /apis/autoscaling/v2/namespaces/apps/horizontalpodautoscalers/attache-gw', `PATCH ${deploymentPath}`]);
  });

  it('deletes the objects of a Gateway that is no longer ours, and leaves those of a Gateway whose parameters do not resolve', async () => {
    const api = new FakeApi();
    const applier = new ProvisionApplier({ client: api, log });
    await run(applier, wanted(gateway('gone'), gateway('typo', ref('p')), params('p', { replicas: 1 })));
    expect(api.kinds()).toHaveLength(8);
    await run(applier, wanted(gateway('typo', ref('p-typo'))));
    expect(api.kinds()).toEqual(['Deployment attache-typo', 'PodDisruptionBudget attache-typo', 'Service attache-typo', 'ServiceAccount attache-typo']);
  });

  it('never deletes an object with our labels that no Gateway owns', async () => {
    const api = new FakeApi();
    const path = '/api/v1/namespaces/apps/services/attache-mine';
    api.objects.set(path, { kind: 'Service', metadata: { name: 'attache-mine', namespace: 'apps', labels: { 'app.kubernetes.io/managed-by': 'attache' } } });
    await run(new ProvisionApplier({ client: api, log }), wanted());
    expect(api.objects.has(path)).toBe(true);
  });

  it('tries a failed write again on the next pass, and deletes nothing before it could list what it owns', async () => {
    const api = new FakeApi();
    const applier = new ProvisionApplier({ client: api, log, retryMs: 60_000 });
    api.failNext = 1; // the first list
    await run(applier, wanted(gateway('gw')));
    expect(api.objects.size).toBe(0);
    await run(applier, wanted(gateway('gw')));
    expect(api.kinds()).toHaveLength(4);
    applier.stop();
  });
});
