import { type KubernetesObject } from '../apis/meta';
import { Store } from './store';

function fakeRoute(name: string, gen = 1, kind = 'GRPCRoute'): KubernetesObject {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind, metadata: { name, namespace: 'default', generation: gen } };
}

describe('Store', () => {
  it('reports a change only when content changes', () => {
    const store = new Store();
    expect(store.replaceAll([fakeRoute('a')])).toBe(true);
    expect(store.replaceAll([fakeRoute('a')])).toBe(false);
    expect(store.replaceAll([fakeRoute('a', 2)])).toBe(true);
    expect(store.resources().grpcRoutes).toHaveLength(1);
  });
  it('recognises the very object it holds without comparing content', () => {
    const store = new Store();
    const a = fakeRoute('a');
    store.replaceAll([a]);
    expect(store.replaceAll([a])).toBe(false);
    expect(store.get('GRPCRoute', 'default', 'a')).toBe(a);
  });
  it('deletes what a full reload no longer holds, and ignores unsupported kinds', () => {
    const store = new Store();
    store.replaceAll([fakeRoute('a'), fakeRoute('b'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }]);
    expect(store.size()).toBe(2);
    expect(store.replaceAll([fakeRoute('b')])).toBe(true);
    expect(store.resources().grpcRoutes.map((r) => r.metadata.name)).toEqual(['b']);
  });
  it('keeps GRPCRoutes and HTTPRoutes apart, even with the same name', () => {
    const store = new Store();
    store.replaceAll([fakeRoute('a'), fakeRoute('a', 1, 'HTTPRoute')]);
    expect(store.resources().grpcRoutes).toHaveLength(1);
    expect(store.resources().httpRoutes.map((r) => r.kind)).toEqual(['HTTPRoute']);
  });
  it('applies single changes', () => {
    const store = new Store();
    expect(store.apply([{ op: 'upsert', object: fakeRoute('a') }])).toBe(true);
    expect(store.get('GRPCRoute', 'default', 'a')).toBeDefined();
    expect(store.apply([{ op: 'delete', kind: 'GRPCRoute', namespace: 'default', name: 'a' }])).toBe(true);
    expect(store.apply([{ op: 'delete', kind: 'GRPCRoute', namespace: 'default', name: 'a' }])).toBe(false);
  });
  it('tells which kinds changed since it was last asked', () => {
    const store = new Store();
    store.replaceAll([fakeRoute('a'), { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 's', namespace: 'default' } }]);
    expect([...store.takeChangedKinds()].sort()).toEqual(['EndpointSlice', 'GRPCRoute']);
    expect(store.takeChangedKinds().size).toBe(0);
    store.replaceAll([
      fakeRoute('a'),
      { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 's', namespace: 'default', labels: { x: 'y' } } },
    ]);
    expect([...store.takeChangedKinds()]).toEqual(['EndpointSlice']);
    store.apply([{ op: 'delete', kind: 'GRPCRoute', namespace: 'default', name: 'a' }]);
    expect([...store.takeChangedKinds()]).toEqual(['GRPCRoute']);
  });
  it('fills in the default namespace of namespaced kinds, without changing the object given', () => {
    const store = new Store();
    const route: KubernetesObject = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' } };
    const gatewayClass: KubernetesObject = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'c' } };
    store.replaceAll([route, gatewayClass]);
    expect(store.resources().httpRoutes[0].metadata.namespace).toBe('default');
    expect(route.metadata.namespace).toBeUndefined();
    expect(store.get('HTTPRoute', undefined, 'r')).toBe(store.get('HTTPRoute', 'default', 'r'));
    expect(store.resources().gatewayClasses[0]).toBe(gatewayClass);
    expect(store.replaceAll([route, gatewayClass])).toBe(false);
    expect(store.apply([{ op: 'delete', kind: 'HTTPRoute', name: 'r' }])).toBe(true);
  });
});
