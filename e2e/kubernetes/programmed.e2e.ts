/**
 * `Programmed` means traffic flows (issue #16): with a real API server and a real Envoy, a
 * Gateway is `Programmed=False` (Pending, "no proxy connected") until its Envoy connects and
 * ACKs its configuration, `True` then, `False` again once that Envoy is gone, and `True` when it
 * is back; its listener the same. Unmanaged mode: the test starts and stops the Envoy itself,
 * as the local cluster's gateway-proxies (or the chart) would.
 */
import { loopbackAddress, type RunningEnvoy, startGatewayEnvoy, waitFor } from '../../test/harness';
import { apply, condition, get, type LiveObject, type RunningKubernetesControlPlane, startKubernetesControlPlane } from '../../test/harness/kubernetes';
import { gateway, gatewayClass, namespace, type Scope } from './fixtures';

const S: Scope = { namespace: 'e2e-programmed', gatewayClass: 'e2e-programmed', controllerName: 'attache.dev/e2e-programmed' };
const GATEWAY = 'gw';
const KEY = `${S.namespace}/${GATEWAY}`;
const address = loopbackAddress(210);

describe('Kubernetes mode: Programmed follows the Envoys that run the configuration', () => {
  let cp: RunningKubernetesControlPlane;
  let envoy: RunningEnvoy | undefined;

  const startEnvoy = async (id: string): Promise<RunningEnvoy> =>
    startGatewayEnvoy(cp.xds, { id, gateway: KEY, delta: id.endsWith('delta'), listenerPorts: [10080], listenerTimeoutMs: 30_000 });

  /** The Gateway once its Programmed condition and its listener's have this status (and reason). */
  const programmed = (status: 'True' | 'False', reason: string): Promise<LiveObject> =>
    waitFor(
      async () => {
        const gw = await get('gateway', GATEWAY, S.namespace);
        const own = condition(gw.status?.conditions, 'Programmed');
        const listener = condition(gw.status?.listeners?.[0]?.conditions, 'Programmed');
        return own?.status === status && own.reason === reason && listener?.status === status && listener.reason === reason ? gw : undefined;
      },
      { timeoutMs: 30_000, description: `Gateway ${KEY} and its listener Programmed=${status} (${reason})` },
    );

  beforeAll(async () => {
    await apply([namespace(S.namespace), gatewayClass(S.gatewayClass, S.controllerName), gateway(S, GATEWAY)]);
    cp = await startKubernetesControlPlane({ controllerName: S.controllerName, defaultAddress: address });
  });

  afterAll(async () => {
    await envoy?.stop();
    await cp?.stop();
  });

  it('is Programmed=False (Pending) while no Envoy is connected, though the Gateway is accepted', async () => {
    const gw = await programmed('False', 'Pending');
    expect(condition(gw.status?.conditions, 'Accepted')).toMatchObject({ status: 'True', observedGeneration: gw.metadata.generation });
    expect(condition(gw.status?.conditions, 'Programmed')?.message).toBe(`No proxy with node.cluster "${KEY}" is connected`);
  });

  it('turns True once an Envoy of the Gateway has ACKed its configuration', async () => {
    envoy = await startEnvoy('programmed-sotw');
    const gw = await programmed('True', 'Programmed');
    expect((gw.status as { addresses?: unknown } | undefined)?.addresses).toEqual([{ type: 'IPAddress', value: address }]);
  });

  it('goes False when the Envoy is gone, and True again when one is back', async () => {
    await envoy!.stop();
    envoy = undefined;
    await programmed('False', 'Pending');
    envoy = await startEnvoy('programmed-delta');
    await programmed('True', 'Programmed');
  });

  it('writes the Gateway a bounded number of times for all of that', async () => {
    // Four transitions (False, True, False, True) plus the first write of the other conditions;
    // retries and the odd intermediate state allowed for, a storm is not.
    const writes = await cp.statusWrites();
    expect(writes.writesByKind.Gateway).toBeGreaterThanOrEqual(4);
    expect(writes.writesByKind.Gateway).toBeLessThanOrEqual(12);
  });
});
