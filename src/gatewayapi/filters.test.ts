import { emptyResources } from '../store/resources';
import { type Service } from '../apis/core';
import { type ReferenceGrant, type RouteFilter } from '../apis/gateway-api';
import { type BackendContext } from './backend-refs';
import { headerModifier, mirrorPercent, translateFilters } from './filters';
import { ResourceIndex } from './resource-index';

function fakeService(namespace: string, name: string): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec: { ports: [{ name: 'grpc', port: 8080 }] } };
}

function fakeContext(grants: ReferenceGrant[] = []): BackendContext {
  const resources = { ...emptyResources(), services: [fakeService('default', 'echo'), fakeService('other', 'shadow')], referenceGrants: grants };
  return { routeKind: 'GRPCRoute', routeNamespace: 'default', protocol: 'h2c', index: new ResourceIndex(resources) };
}

describe('headerModifier', () => {
  it('lower-cases names and keeps set, add and remove apart', () => {
    const r = headerModifier({ set: [{ name: 'X-Set', value: 'a' }], add: [{ name: 'X-Add', value: 'b' }], remove: ['X-Gone'] }, 'f');
    expect(r).toEqual({ modifier: { set: [{ name: 'x-set', value: 'a' }], add: [{ name: 'x-add', value: 'b' }], remove: ['x-gone'] }, issues: [] });
  });

  it.each([
    [{ set: [{ name: 'Host', value: 'x' }] }, 'f.set[0].name', /cannot be modified/],
    [{ remove: ['host'] }, 'f.remove[0]', /cannot be modified/],
    // Found by the generated inputs of e2e/envoy-accepts.e2e.ts: the schema lets it through, Envoy does not.
    [{ remove: [''] }, 'f.remove[0]', /may not be empty/],
    [{ set: [{ name: 'x-a', value: '1' }], add: [{ name: 'X-A', value: '2' }] }, 'f.add[0].name', /more than one action/],
    [
      {
        set: [
          { name: 'x-a', value: '1' },
          { name: 'X-A', value: '2' },
        ],
      },
      'f.set[1].name',
      /more than one action/,
    ],
    [{ add: [{ name: 'x-a', value: 'one\r\ntwo' }] }, 'f.add[0].value', /NUL, CR or LF/],
  ])('refuses %j at %s', (filter, field, message) => {
    const r = headerModifier(filter, 'f');
    expect(r.modifier).toBeUndefined();
    expect(r.issues[0]).toMatchObject({ reason: 'UnsupportedValue', field });
    expect(r.issues[0].message).toMatch(message);
  });

  it('yields no modifier for an empty filter', () => {
    expect(headerModifier({}, 'f')).toEqual({ issues: [] });
  });
});

describe('mirrorPercent', () => {
  it.each([
    [{}, 100],
    [{ percent: 0 }, 0],
    [{ percent: 42 }, 42],
    [{ fraction: { numerator: 1, denominator: 8 } }, 12.5],
    [{ fraction: { numerator: 1, denominator: 3 } }, 33.3333],
    [{ fraction: { numerator: 7 } }, 7],
  ])('%j → %s %%', (mirror, want) => {
    expect(mirrorPercent(mirror)).toBe(want);
  });
});

describe('translateFilters', () => {
  it('resolves mirrors like backendRefs, ReferenceGrant included', () => {
    const filters: RouteFilter[] = [
      { type: 'RequestMirror', requestMirror: { backendRef: { name: 'echo', port: 8080 }, percent: 10 } },
      { type: 'RequestMirror', requestMirror: { backendRef: { name: 'shadow', namespace: 'other', port: 8080 } } },
      { type: 'RequestMirror', requestMirror: { backendRef: { name: 'missing', port: 8080 } } },
      { type: 'RequestMirror', requestMirror: { backendRef: { name: 'echo', port: 8080 }, percent: 0 } },
    ];
    const r = translateFilters(filters, 'f', fakeContext());
    expect(r.mirrors).toEqual([{ cluster: 'service/default/echo/8080/h2c', percent: 10 }]);
    expect(r.clusters.map((c) => c.name)).toEqual(['service/default/echo/8080/h2c']);
    expect(r.refIssues.map((i) => i.reason)).toEqual(['RefNotPermitted', 'BackendNotFound']);
    expect(r.invalid).toEqual([]);
  });

  it('configures a cross-namespace mirror the ReferenceGrant allows', () => {
    const grant: ReferenceGrant = {
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { namespace: 'other', name: 'g' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', namespace: 'default' }], to: [{ group: '', kind: 'Service' }] },
    };
    const r = translateFilters(
      [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'shadow', namespace: 'other', port: 8080 } } }],
      'f',
      fakeContext([grant]),
    );
    expect(r.mirrors).toEqual([{ cluster: 'service/other/shadow/8080/h2c', percent: 100 }]);
  });

  it('marks an ExtensionRef unresolved, with ResolvedRefs=False, without dropping the rule', () => {
    const r = translateFilters([{ type: 'ExtensionRef', extensionRef: { group: 'example.com', kind: 'X', name: 'y' } }], 'f', fakeContext());
    expect(r.unresolved).toBe(true);
    expect(r.refIssues[0]).toMatchObject({ type: 'ResolvedRefs', reason: 'InvalidKind', field: 'f[0].extensionRef' });
    expect(r.invalid).toEqual([]);
  });

  it('makes an unknown filter type or a repeated header modifier invalid', () => {
    const r = translateFilters(
      [
        { type: 'URLRewrite' },
        { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'a', value: '1' }] } },
        { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'b', value: '2' }] } },
      ],
      'f',
      fakeContext(),
    );
    expect(r.invalid.map((i) => i.field)).toEqual(['f[0].type', 'f[2]']);
  });
});
