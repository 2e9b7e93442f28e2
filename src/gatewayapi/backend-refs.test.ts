import { type Service } from '../apis/core';
import { emptyResources } from '../store/resources';
import { type BackendContext, resolveBackendRef } from './backend-refs';
import { ResourceIndex } from './resource-index';

function context(services: Service[]): BackendContext {
  return { routeKind: 'HTTPRoute', routeNamespace: 'default', protocol: 'http1', index: new ResourceIndex({ ...emptyResources(), services }) };
}

describe('resolveBackendRef', () => {
  it('resolves a Service port to its cluster', () => {
    const service: Service = { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name: 'echo' }, spec: { ports: [{ port: 80 }] } };
    const r = resolveBackendRef({ name: 'echo', port: 80 }, 'b', context([service]));
    expect(r.destination).toEqual({ cluster: 'service/default/echo/80/http1', weight: 1 });
    expect(r.issue).toBeUndefined();
  });

  // The Service schema does not require spec (the generated types say so): such a Service has no port.
  it('reports a Service without spec as having no such port', () => {
    const service: Service = { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name: 'bare' } };
    const r = resolveBackendRef({ name: 'bare', port: 80 }, 'b', context([service]));
    expect(r.destination).toEqual({ weight: 1 });
    expect(r.issue).toMatchObject({ reason: 'BackendNotFound', field: 'b', message: 'b.port: Service default/bare has no port 80' });
  });
});
