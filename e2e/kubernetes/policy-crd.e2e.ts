/**
 * Kubernetes mode and our own CRD (BackendTrafficPolicy, attache.dev/v1alpha1): a cluster without
 * it is not held back (the informer counts a 404 as "no policies"; Gateways get their status),
 * and installing it later is picked up without a restart (the list is retried). The API server
 * accepts a policy's status as our writer shapes it (the CRD's status schema). Test files run one
 * at a time (maxWorkers 1), so removing the CRD here disturbs no other file; afterAll puts it back.
 */
import * as path from 'path';
import { ROOT, waitFor } from '../../test/harness';
import { apply, condition, get, kubectl, type RunningKubernetesControlPlane, startKubernetesControlPlane } from '../../test/harness/kubernetes';
import { gateway, gatewayClass, namespace, type Scope } from './fixtures';

const S: Scope = { namespace: 'e2e-policy-crd', gatewayClass: 'e2e-policy-crd', controllerName: 'attache.dev/e2e-policy-crd' };
const CRD = 'crd/backendtrafficpolicies.attache.dev';

async function installCrd(): Promise<void> {
  await kubectl(['apply', '--server-side', '--force-conflicts', '-f', path.join(ROOT, 'crds/attache')]);
  await kubectl(['wait', '--for', 'condition=Established', '--timeout', '60s', CRD]);
}

const POLICY = {
  apiVersion: 'attache.dev/v1alpha1',
  kind: 'BackendTrafficPolicy',
  metadata: { name: 'breaker', namespace: S.namespace },
  spec: { targetRefs: [{ group: '', kind: 'Service', name: 'echo' }], circuitBreaker: { maxConnections: 10 } },
};

describe('Kubernetes mode without, then with, the BackendTrafficPolicy CRD', () => {
  let cp: RunningKubernetesControlPlane | undefined;

  beforeAll(async () => {
    await kubectl(['delete', CRD, '--ignore-not-found', '--wait=true', '--timeout=60s']);
    await apply([namespace(S.namespace), gatewayClass(S.gatewayClass, S.controllerName), gateway(S, 'gw')]);
  });

  afterAll(async () => {
    await cp?.stop();
    await installCrd();
  });

  it('translates and writes Gateway status while the CRD is absent', async () => {
    cp = await startKubernetesControlPlane({ controllerName: S.controllerName, defaultAddress: '127.0.0.1' });
    await waitFor(async () => condition((await get('gateway', 'gw', S.namespace)).status?.conditions, 'Accepted')?.status === 'True', {
      timeoutMs: 20_000,
      description: 'Gateway Accepted written with no BackendTrafficPolicy CRD installed',
    });
  });

  it('picks the CRD and its policies up once installed, without a restart', async () => {
    await installCrd();
    await apply([POLICY]);
    // The informer retries an absent kind's list every 30 s (its backoff cap).
    await waitFor(async () => (await cp!.debug('/objects?format=json')).includes('"breaker"'), {
      timeoutMs: 60_000,
      intervalMs: 500,
      description: 'the policy in the store',
    });
  });

  it("accepts a policy status shaped as the writer writes it (GEP-713 ancestors), beside another controller's", async () => {
    const ancestor = (controllerName: string, name: string) => ({
      ancestorRef: { group: '', kind: 'Service', namespace: S.namespace, name },
      controllerName,
      conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'ok', observedGeneration: 1, lastTransitionTime: '2026-01-01T00:00:00Z' }],
    });
    const status = { ancestors: [ancestor('example.com/other', 'echo'), ancestor(S.controllerName, 'echo')] };
    await kubectl(['patch', 'backendtrafficpolicy', 'breaker', '-n', S.namespace, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
    const live = (await get('backendtrafficpolicy', 'breaker', S.namespace)) as unknown as { status?: { ancestors?: Array<{ controllerName: string }> } };
    expect(live.status?.ancestors?.map((a) => a.controllerName)).toEqual(['example.com/other', S.controllerName]);
  });
});
