import { describeRuleCases, errorsOf, expectAllMessagesCovered, type Fields, gatewayApiObject, type RuleCase } from './cel-test-support';

const BACKEND = { name: 'echo', port: 50051 };
const route = (rule: Fields, spec: Fields = {}) =>
  gatewayApiObject('GRPCRoute', { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [BACKEND], ...rule }], ...spec });
const filters = (...fs: Fields[]) => route({ filters: fs });
const method = (m: Fields) => route({ matches: [{ method: m }] });

const SET_HEADER = { set: [{ name: 'x-a', value: 'b' }] };
const requestHeaders = { type: 'RequestHeaderModifier', requestHeaderModifier: SET_HEADER };
const responseHeaders = { type: 'ResponseHeaderModifier', responseHeaderModifier: SET_HEADER };
const mirror = (m: Fields = {}) => ({ type: 'RequestMirror', requestMirror: { backendRef: { name: 'copy', port: 1 }, ...m } });
const EXTENSION = { group: 'example.com', kind: 'Filter', name: 'f' };
const F = 'spec.rules[0].filters';

const cases: RuleCase[] = [
  {
    message: 'sectionName must be specified when parentRefs includes 2 or more references to the same parent',
    field: 'spec.parentRefs',
    object: route({}, { parentRefs: [{ name: 'gw' }, { name: 'gw', sectionName: 'grpc' }] }),
  },
  {
    message: 'sectionName must be unique when parentRefs includes 2 or more references to the same parent',
    field: 'spec.parentRefs',
    object: route(
      {},
      {
        parentRefs: [
          { name: 'gw', sectionName: 'grpc' },
          { name: 'gw', sectionName: 'grpc' },
        ],
      },
    ),
  },
  {
    message: 'While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128',
    field: 'spec.rules',
    object: route({}, { rules: [43, 43, 43].map((n) => ({ matches: Array.from({ length: n }, (_, i) => ({ method: { method: `M${i}` } })) })) }),
  },
  { message: 'Must have port for Service reference', field: 'spec.rules[0].backendRefs[0]', object: route({ backendRefs: [{ name: 'echo' }] }) },
  { message: 'RequestHeaderModifier filter cannot be repeated', field: F, object: filters(requestHeaders, requestHeaders) },
  { message: 'ResponseHeaderModifier filter cannot be repeated', field: F, object: filters(responseHeaders, responseHeaders) },
  {
    message: 'filter.requestHeaderModifier must be nil if the filter.type is not RequestHeaderModifier',
    field: `${F}[0]`,
    object: filters({ ...responseHeaders, requestHeaderModifier: SET_HEADER }),
  },
  {
    message: 'filter.requestHeaderModifier must be specified for RequestHeaderModifier filter.type',
    field: `${F}[0]`,
    object: filters({ type: 'RequestHeaderModifier' }),
  },
  {
    message: 'filter.responseHeaderModifier must be nil if the filter.type is not ResponseHeaderModifier',
    field: `${F}[0]`,
    object: filters({ ...requestHeaders, responseHeaderModifier: SET_HEADER }),
  },
  {
    message: 'filter.responseHeaderModifier must be specified for ResponseHeaderModifier filter.type',
    field: `${F}[0]`,
    object: filters({ type: 'ResponseHeaderModifier' }),
  },
  {
    message: 'filter.requestMirror must be nil if the filter.type is not RequestMirror',
    field: `${F}[0]`,
    object: filters({ ...requestHeaders, requestMirror: mirror().requestMirror }),
  },
  { message: 'filter.requestMirror must be specified for RequestMirror filter.type', field: `${F}[0]`, object: filters({ type: 'RequestMirror' }) },
  {
    message: 'filter.extensionRef must be nil if the filter.type is not ExtensionRef',
    field: `${F}[0]`,
    object: filters({ ...requestHeaders, extensionRef: EXTENSION }),
  },
  { message: 'filter.extensionRef must be specified for ExtensionRef filter.type', field: `${F}[0]`, object: filters({ type: 'ExtensionRef' }) },
  {
    message: 'Only one of percent or fraction may be specified in HTTPRequestMirrorFilter',
    field: `${F}[0].requestMirror`,
    object: filters(mirror({ percent: 50, fraction: { numerator: 1 } })),
  },
  {
    message: 'numerator must be less than or equal to denominator',
    field: `${F}[0].requestMirror.fraction`,
    object: filters(mirror({ fraction: { numerator: 5, denominator: 2 } })),
  },
  {
    message: "One or both of 'service' or 'method' must be specified",
    field: 'spec.rules[0].matches[0].method',
    // `type` is not written: the schema default (Exact) is, and the rule reads it.
    object: method({}),
  },
  {
    message: 'service must only contain valid characters (matching ^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$)',
    field: 'spec.rules[0].matches[0].method',
    object: method({ service: 'echo-service', method: 'Echo' }),
  },
  {
    message: 'method must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)',
    field: 'spec.rules[0].matches[0].method',
    object: method({ service: 'pkg.Echo', method: 'Echo/All' }),
  },
];

describe('GRPCRoute CEL rules', () => {
  describeRuleCases('each rule rejects an object that breaks it', cases);
  expectAllMessagesCovered('GRPCRoute', cases);

  it('accepts the same shapes when they keep the rules', () => {
    expect(
      errorsOf(
        route(
          {},
          {
            parentRefs: [
              { name: 'gw', sectionName: 'a' },
              { name: 'gw', sectionName: 'b' },
            ],
          },
        ),
      ),
    ).toEqual([]);
    // Same name, other namespace: not the same parent (the rule reads `namespace` as `__namespace__`).
    expect(errorsOf(route({}, { parentRefs: [{ name: 'gw' }, { name: 'gw', namespace: 'other' }] }))).toEqual([]);
    expect(errorsOf(method({ service: 'Pkg.V1.Echo', method: 'Echo' }))).toEqual([]);
    expect(errorsOf(method({ type: 'RegularExpression', service: 'pkg\\..*' }))).toEqual([]);
    expect(errorsOf(filters(requestHeaders, responseHeaders, mirror({ fraction: { numerator: 1 } })))).toEqual([]);
  });

  it('runs rules at every instance of their node: a backendRef filter and a mirror backendRef', () => {
    const backendFilters = route({ backendRefs: [BACKEND, { ...BACKEND, filters: [requestHeaders, requestHeaders] }] });
    expect(errorsOf(backendFilters)).toEqual([{ field: 'spec.rules[0].backendRefs[1].filters', message: 'RequestHeaderModifier filter cannot be repeated' }]);
    const mirrorWithoutPort = filters({ type: 'RequestMirror', requestMirror: { backendRef: { name: 'copy' } } });
    expect(errorsOf(mirrorWithoutPort)).toEqual([{ field: `${F}[0].requestMirror.backendRef`, message: 'Must have port for Service reference' }]);
  });

  it('does not apply the rules when the schema check already failed', () => {
    const errors = errorsOf(route({ backendRefs: [{ name: 'echo', weight: -1 }] }));
    expect(errors.map((e) => e.message)).not.toContain('Must have port for Service reference');
  });
});
