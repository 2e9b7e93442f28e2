/**
 * Fault isolation of the pure pipeline: an object that makes translation throw (a bug, here
 * provoked with a shape validation would never let through) is left out and reported, and
 * every other route and Gateway is still translated.
 */
import type { KubernetesObject } from '../apis/meta';
import { groupByKind } from '../store/resources';
import { translateAll } from './translate-all';

const OPTIONS = { controllerName: 'attache.dev/gateway-controller', defaultAddress: '127.0.0.1', privilegedPortShift: 10000, now: '2026-01-01T00:00:00Z' };

function gateway(name: string): KubernetesObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: 'default' },
    spec: { gatewayClassName: 'attache', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
  } as KubernetesObject;
}

function grpcRoute(name: string, rules: unknown): KubernetesObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: { name, namespace: 'default' },
    spec: { parentRefs: [{ name: 'gw' }], hostnames: [`${name}.example.com`], rules },
  } as KubernetesObject;
}

const CLASS = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GatewayClass',
  metadata: { name: 'attache' },
  spec: { controllerName: 'attache.dev/gateway-controller' },
} as KubernetesObject;

function policy(name: string, spec: unknown): KubernetesObject {
  return { apiVersion: 'attache.dev/v1alpha1', kind: 'BackendTrafficPolicy', metadata: { name, namespace: 'default' }, spec } as KubernetesObject;
}

const GOOD_ROUTE = [{ matches: [{ method: { service: 'a.B' } }], backendRefs: [{ name: 'backend', port: 9000 }] }];
const SERVICE = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'backend', namespace: 'default' },
  spec: { ports: [{ port: 9000 }] },
} as KubernetesObject;

describe('translateAll with traffic policies', () => {
  it('applies them: the route gets the policy in its IR, the policy a status', () => {
    const resources = groupByKind([
      CLASS,
      gateway('gw'),
      SERVICE,
      grpcRoute('good', GOOD_ROUTE),
      policy('retry', { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', name: 'good' }], retry: { attempts: 2 } }),
    ]);
    const result = translateAll(resources, OPTIONS);
    expect(result.failures).toEqual([]);
    const route = result.ir[0].listeners[0].filterChains[0].virtualHosts[0].routes[0];
    expect(route.trafficPolicy).toMatchObject({ retry: { attempts: 2 }, policies: ['default/retry'] });
    expect(result.status.find((s) => s.kind === 'BackendTrafficPolicy')).toMatchObject({
      name: 'retry',
      status: { ancestors: [{ conditions: [{ status: 'True' }] }] },
    });
  });

  it('leaves out a policy that makes the stage throw, and applies the others', () => {
    const resources = groupByKind([
      CLASS,
      gateway('gw'),
      SERVICE,
      grpcRoute('good', GOOD_ROUTE),
      policy('broken', { targetRefs: 7 }),
      policy('retry', { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', name: 'good' }], retry: { attempts: 2 } }),
    ]);
    const result = translateAll(resources, OPTIONS);
    expect(result.failures).toEqual([{ object: 'BackendTrafficPolicy default/broken', error: expect.any(String) }]);
    expect(result.ir[0].listeners[0].filterChains[0].virtualHosts[0].routes[0].trafficPolicy?.policies).toEqual(['default/retry']);
    const broken = result.status.find((s) => s.kind === 'BackendTrafficPolicy' && s.name === 'broken');
    expect(broken).toMatchObject({ status: { ancestors: [] } });
  });
});

describe('translateAll', () => {
  it('leaves out a route that makes translation throw, and translates the others', () => {
    const resources = groupByKind([
      CLASS,
      gateway('gw'),
      grpcRoute('good', [{ matches: [{ method: { service: 'a.B' } }] }]),
      grpcRoute('broken', [{ matches: 5 }]),
    ]);
    const result = translateAll(resources, OPTIONS);
    expect(result.failures).toEqual([{ object: 'GRPCRoute default/broken', error: expect.stringContaining('flatMap') }]);
    const hosts = result.ir[0].listeners.flatMap((l) => l.filterChains.flatMap((c) => c.virtualHosts.map((vh) => vh.name)));
    expect(hosts).toEqual(['good.example.com']);
    const broken = result.status.find((s) => s.kind === 'GRPCRoute' && s.name === 'broken');
    expect(broken && 'parents' in broken.status ? broken.status.parents[0].conditions[0] : undefined).toMatchObject({
      type: 'Accepted',
      status: 'False',
      reason: 'UnsupportedValue',
    });
    expect(result.status.find((s) => s.kind === 'GRPCRoute' && s.name === 'good')).toBeDefined();
  });

  it('translates everything in one pass when nothing throws', () => {
    const result = translateAll(groupByKind([CLASS, gateway('gw'), grpcRoute('good', [{ matches: [{ method: { service: 'a.B' } }] }])]), OPTIONS);
    expect(result.failures).toEqual([]);
    expect([...result.resources.keys()]).toEqual(['default/gw']);
  });
});
