/**
 * The provisioner against a real API server: a Gateway of our class gets its ServiceAccount,
 * Deployment, Service and PodDisruptionBudget, owned by the Gateway and labelled with its
 * spec.infrastructure labels; a change of its GatewayParameters (replicas, then autoscaling, then
 * replicas again) changes the Deployment and adds, then deletes, the HorizontalPodAutoscaler; and
 * deleting the Gateway deletes them all, through the garbage collector of a
 * kube-controller-manager this file runs (only that controller, so nothing else in the cluster
 * changes; test files run one at a time). Whether the Pods run Envoy is the local kubelet's part,
 * not tested here.
 */
import * as path from 'path';
import { ROOT, spawnTracked, type TrackedProcess, waitFor, waitForLine } from '../../test/harness';
import { apply, get, kubeconfig, kubectl, remove, type RunningKubernetesControlPlane, startKubernetesControlPlane } from '../../test/harness/kubernetes';
import { gatewayClass, namespace, type Scope } from './fixtures';

const S: Scope = { namespace: 'e2e-provisioner', gatewayClass: 'e2e-provisioner', controllerName: 'attache.dev/e2e-provisioner' };
const NAME = 'attache-gw';
const KINDS = ['serviceaccount', 'service', 'deployment', 'poddisruptionbudget'] as const;

interface Owned {
  metadata: {
    uid: string;
    resourceVersion: string;
    labels?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string; uid: string; controller?: boolean }>;
  };
  spec?: { replicas?: number; type?: string; ports?: Array<{ port: number; targetPort: number }> };
}

async function read(kind: string, name = NAME): Promise<Owned | undefined> {
  try {
    return JSON.parse(await kubectl(['get', kind, name, '-n', S.namespace, '-o', 'json'])) as Owned;
  } catch (e) {
    if (/NotFound/.test((e as Error).message)) return undefined;
    throw e;
  }
}

function parameters(envoy: Record<string, unknown>): object {
  return { apiVersion: 'attache.dev/v1alpha1', kind: 'GatewayParameters', metadata: { name: 'envoys', namespace: S.namespace }, spec: { envoy } };
}

const GATEWAY = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'gw', namespace: S.namespace },
  spec: {
    gatewayClassName: S.gatewayClass,
    infrastructure: { labels: { team: 'payments' }, annotations: { 'example.com/owner': 'payments@example.com' } },
    listeners: [{ name: 'grpc', protocol: 'HTTP', port: 80 }],
  },
};

describe('the provisioner on a real API server', () => {
  let cp: RunningKubernetesControlPlane | undefined;
  let gc: TrackedProcess | undefined;

  beforeAll(async () => {
    await kubectl(['wait', '--for', 'condition=Established', '--timeout', '60s', 'crd/gatewayparameters.attache.dev']);
    gc = spawnTracked('kube-controller-manager', path.join(ROOT, '.cache/bin/kube-controller-manager'), [
      '--kubeconfig',
      kubeconfig(),
      '--secure-port',
      '0',
      '--leader-elect=false',
      '--controllers',
      'garbage-collector-controller',
    ]);
    await waitForLine(gc, /garbage/i, 60_000);
    await apply([
      namespace(S.namespace),
      {
        ...(gatewayClass(S.gatewayClass, S.controllerName) as object),
        spec: { controllerName: S.controllerName, parametersRef: { group: 'attache.dev', kind: 'GatewayParameters', name: 'envoys', namespace: S.namespace } },
      },
      parameters({ replicas: 1 }),
    ]);
    cp = await startKubernetesControlPlane({
      controllerName: S.controllerName,
      defaultAddress: '127.0.0.1',
      extraArgs: ['--provision=true', '--provision-xds-address', 'attache.attache-system.svc:18000', '--provision-image', 'attache:e2e'],
    });
  });

  afterAll(async () => {
    await cp?.stop();
    await gc?.stop();
  });

  it('creates the objects of a Gateway, owned by it and labelled with its infrastructure labels', async () => {
    await apply([GATEWAY]);
    const gateway = await waitFor(async () => (await get('gateway', 'gw', S.namespace)).metadata as { uid?: string }, { description: 'the Gateway' });
    for (const kind of KINDS) {
      const object = await waitFor(() => read(kind), { timeoutMs: 30_000, description: `${kind}/${NAME}` });
      expect(object.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Gateway', name: 'gw', uid: gateway.uid, controller: true })]);
      expect(object.metadata.labels).toMatchObject({
        team: 'payments',
        'app.kubernetes.io/managed-by': 'attache',
        'gateway.networking.k8s.io/gateway-name': 'gw',
      });
    }
    const svc = (await read('service'))!;
    expect(svc.spec?.type).toBe('LoadBalancer');
    expect(svc.spec?.ports?.map((p) => [p.port, p.targetPort])).toEqual([[80, 10080]]);
    expect((await read('deployment'))!.spec?.replicas).toBe(1);
    expect(cp!.proc.logs()).not.toMatch(/provisioning failed/);
  });

  it('follows its parameters: replicas, then an autoscaler, then replicas without it', async () => {
    await apply([parameters({ replicas: 3 })]);
    await waitFor(async () => (await read('deployment'))?.spec?.replicas === 3, { timeoutMs: 30_000, description: 'Deployment scaled to 3' });
    await apply([parameters({ autoscaling: { minReplicas: 2, maxReplicas: 4 } })]);
    await waitFor(() => read('horizontalpodautoscaler'), { timeoutMs: 30_000, description: 'the HorizontalPodAutoscaler' });
    await apply([parameters({ replicas: 2 })]);
    await waitFor(async () => (await read('horizontalpodautoscaler')) === undefined, { timeoutMs: 30_000, description: 'the HorizontalPodAutoscaler deleted' });
    await waitFor(async () => (await read('deployment'))?.spec?.replicas === 2, { timeoutMs: 30_000, description: 'Deployment back at 2 replicas' });
  });

  it('writes nothing that has not changed, even after a restart', async () => {
    const versions = async (): Promise<string[]> => Promise.all(KINDS.map(async (k) => (await read(k))!.metadata.resourceVersion));
    const before = await versions();
    await cp!.stop();
    cp = await startKubernetesControlPlane({
      controllerName: S.controllerName,
      defaultAddress: '127.0.0.1',
      extraArgs: ['--provision=true', '--provision-xds-address', 'attache.attache-system.svc:18000', '--provision-image', 'attache:e2e'],
    });
    // A second Gateway: once its objects exist, the restarted control plane has made a full pass
    // (passes cover every Gateway, one at a time), so gw's objects were compared by then.
    await apply([{ ...GATEWAY, metadata: { name: 'gw2', namespace: S.namespace } }]);
    await waitFor(async () => (await kubectl(['get', 'deployment', 'attache-gw2', '-n', S.namespace, '-o', 'name'], undefined).catch(() => '')).trim() !== '', {
      timeoutMs: 30_000,
      description: 'the second Gateway provisioned',
    });
    await waitFor(() => read('poddisruptionbudget', 'attache-gw2'), { timeoutMs: 30_000, description: "the second Gateway's last object" });
    // The restarted control plane applied the second Gateway's four objects and nothing of the first.
    const provisioned = async (): Promise<{ applied: number; failed: number }> =>
      ((await cp!.statusWrites()) as unknown as { provisioned: { applied: number; failed: number } }).provisioned;
    await waitFor(async () => (await provisioned()).applied >= 4, { description: 'the applier counted its writes' });
    expect(await provisioned()).toMatchObject({ applied: 4, failed: 0 });
    expect(await versions()).toEqual(before);
    await remove('gateway', 'gw2', S.namespace);
  });

  it('leaves nothing behind once the Gateway is deleted (owner references, garbage collector)', async () => {
    // The control plane stopped first: the garbage collector alone must delete them.
    await cp!.stop();
    cp = undefined;
    await remove('gateway', 'gw', S.namespace);
    for (const kind of KINDS) {
      await waitFor(async () => (await read(kind)) === undefined, { timeoutMs: 60_000, intervalMs: 500, description: `${kind}/${NAME} deleted` });
    }
  });
});
