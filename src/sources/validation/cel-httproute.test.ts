import { describeRuleCases, errorsOf, expectAllMessagesCovered, type Fields, gatewayApiObject, type RuleCase } from './cel-test-support';

// HTTPRoute is not a kind the store keeps, but its CRD's rules run all the same (validateAgainstCrd).
const BACKEND = { name: 'web', port: 8080 };
const route = (rule: Fields, spec: Fields = {}) =>
  gatewayApiObject('HTTPRoute', { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [BACKEND], ...rule }], ...spec });
const filters = (...fs: Fields[]) => route({ filters: fs });
const path = (type: string, value: string) => route({ matches: [{ path: { type, value } }] });

const SET_HEADER = { set: [{ name: 'x-a', value: 'b' }] };
const requestHeaders = { type: 'RequestHeaderModifier', requestHeaderModifier: SET_HEADER };
const responseHeaders = { type: 'ResponseHeaderModifier', responseHeaderModifier: SET_HEADER };
const cors = (c: Fields = { allowOrigins: ['https://a.example.com'] }) => ({ type: 'CORS', cors: c });
const redirect = (r: Fields = { scheme: 'https' }) => ({ type: 'RequestRedirect', requestRedirect: r });
const rewrite = (r: Fields = { hostname: 'b.example.com' }) => ({ type: 'URLRewrite', urlRewrite: r });
const mirror = (m: Fields = {}) => ({ type: 'RequestMirror', requestMirror: { backendRef: { name: 'copy', port: 1 }, ...m } });
const EXTENSION = { group: 'example.com', kind: 'Filter', name: 'f' };
const PREFIX_REPLACE = { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } };
const EXACT_MATCH = [{ path: { type: 'Exact', value: '/old' } }];
const F = 'spec.rules[0].filters';
const PATH_FIELD = 'spec.rules[0].matches[0].path';
const TYPES = "when type one of ['Exact', 'PathPrefix']";

/** "filter.x must be nil …" and "filter.x must be specified …" for one filter kind. */
function presenceCases(field: string, type: string, filter: Fields, other: Fields): RuleCase[] {
  return [
    { message: `filter.${field} must be nil if the filter.type is not ${type}`, field: `${F}[0]`, object: filters({ ...other, [field]: filter[field] }) },
    { message: `filter.${field} must be specified for ${type} filter.type`, field: `${F}[0]`, object: filters({ type }) },
  ];
}

const cases: RuleCase[] = [
  {
    message: 'sectionName must be specified when parentRefs includes 2 or more references to the same parent',
    field: 'spec.parentRefs',
    object: route({}, { parentRefs: [{ name: 'gw' }, { name: 'gw', sectionName: 'http' }] }),
  },
  {
    message: 'sectionName must be unique when parentRefs includes 2 or more references to the same parent',
    field: 'spec.parentRefs',
    object: route(
      {},
      {
        parentRefs: [
          { name: 'gw', port: 80 },
          { name: 'gw', port: 80 },
        ],
      },
    ),
  },
  {
    message: 'While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128',
    field: 'spec.rules',
    object: route({}, { rules: [43, 43, 43].map((n) => ({ matches: Array.from({ length: n }, (_, i) => ({ path: { value: `/p${i}` } })) })) }),
  },
  { message: 'Must have port for Service reference', field: 'spec.rules[0].backendRefs[0]', object: route({ backendRefs: [{ name: 'web' }] }) },
  { message: 'RequestRedirect filter must not be used together with backendRefs', field: 'spec.rules[0]', object: filters(redirect()) },
  {
    message: 'When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified',
    field: 'spec.rules[0]',
    object: route({ backendRefs: undefined, matches: EXACT_MATCH, filters: [redirect(PREFIX_REPLACE)] }),
  },
  {
    message: 'When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified',
    field: 'spec.rules[0]',
    object: route({ matches: EXACT_MATCH, filters: [rewrite(PREFIX_REPLACE)] }),
  },
  {
    message: 'Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified',
    field: 'spec.rules[0]',
    object: route({ matches: EXACT_MATCH, backendRefs: [{ ...BACKEND, filters: [redirect(PREFIX_REPLACE)] }] }),
  },
  {
    message: 'Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified',
    field: 'spec.rules[0]',
    object: route({ matches: EXACT_MATCH, backendRefs: [{ ...BACKEND, filters: [rewrite(PREFIX_REPLACE)] }] }),
  },
  {
    message: 'May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both',
    field: F,
    object: route({ backendRefs: undefined, filters: [redirect(), rewrite()] }),
  },
  { message: 'CORS filter cannot be repeated', field: F, object: filters(cors(), cors()) },
  { message: 'RequestHeaderModifier filter cannot be repeated', field: F, object: filters(requestHeaders, requestHeaders) },
  { message: 'ResponseHeaderModifier filter cannot be repeated', field: F, object: filters(responseHeaders, responseHeaders) },
  { message: 'RequestRedirect filter cannot be repeated', field: F, object: route({ backendRefs: undefined, filters: [redirect(), redirect()] }) },
  { message: 'URLRewrite filter cannot be repeated', field: F, object: filters(rewrite(), rewrite()) },
  ...presenceCases('cors', 'CORS', cors(), requestHeaders),
  ...presenceCases('requestHeaderModifier', 'RequestHeaderModifier', requestHeaders, responseHeaders),
  ...presenceCases('responseHeaderModifier', 'ResponseHeaderModifier', responseHeaders, requestHeaders),
  ...presenceCases('requestMirror', 'RequestMirror', mirror(), requestHeaders),
  ...presenceCases('requestRedirect', 'RequestRedirect', redirect(), requestHeaders),
  ...presenceCases('urlRewrite', 'URLRewrite', rewrite(), requestHeaders),
  ...presenceCases('extensionRef', 'ExtensionRef', { extensionRef: EXTENSION }, requestHeaders),
  {
    message: "AllowHeaders cannot contain '*' alongside other methods",
    field: `${F}[0].cors.allowHeaders`,
    object: filters(cors({ allowHeaders: ['*', 'x-a'] })),
  },
  {
    message: "AllowMethods cannot contain '*' alongside other methods",
    field: `${F}[0].cors.allowMethods`,
    object: filters(cors({ allowMethods: ['GET', '*'] })),
  },
  {
    message: "AllowOrigins cannot contain '*' alongside other origins",
    field: `${F}[0].cors.allowOrigins`,
    object: filters(cors({ allowOrigins: ['*', 'https://a.example.com'] })),
  },
  {
    message: 'Only one of percent or fraction may be specified in HTTPRequestMirrorFilter',
    field: `${F}[0].requestMirror`,
    object: filters(mirror({ percent: 10, fraction: { numerator: 1 } })),
  },
  {
    message: 'numerator must be less than or equal to denominator',
    field: `${F}[0].requestMirror.fraction`,
    object: filters(mirror({ fraction: { numerator: 101 } })),
  },
  {
    message: "replaceFullPath must be specified when type is set to 'ReplaceFullPath'",
    field: `${F}[0].urlRewrite.path`,
    object: filters(rewrite({ path: { type: 'ReplaceFullPath' } })),
  },
  {
    message: "type must be 'ReplaceFullPath' when replaceFullPath is set",
    field: `${F}[0].urlRewrite.path`,
    object: filters(rewrite({ path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/a', replaceFullPath: '/b' } })),
  },
  {
    message: "replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'",
    field: `${F}[0].requestRedirect.path`,
    object: route({ backendRefs: undefined, filters: [redirect({ path: { type: 'ReplacePrefixMatch' } })] }),
  },
  {
    message: "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set",
    field: `${F}[0].requestRedirect.path`,
    object: route({ backendRefs: undefined, filters: [redirect({ path: { type: 'ReplaceFullPath', replaceFullPath: '/a', replacePrefixMatch: '/b' } })] }),
  },
  { message: `value must be an absolute path and start with '/' ${TYPES}`, field: PATH_FIELD, object: path('Exact', 'relative') },
  { message: `must not contain '//' ${TYPES}`, field: PATH_FIELD, object: path('PathPrefix', '/a//b') },
  { message: `must not contain '/./' ${TYPES}`, field: PATH_FIELD, object: path('PathPrefix', '/a/./b') },
  { message: `must not contain '/../' ${TYPES}`, field: PATH_FIELD, object: path('Exact', '/a/../b') },
  { message: `must not contain '%2f' ${TYPES}`, field: PATH_FIELD, object: path('Exact', '/a%2fb') },
  { message: `must not contain '%2F' ${TYPES}`, field: PATH_FIELD, object: path('Exact', '/a%2Fb') },
  { message: `must not contain '#' ${TYPES}`, field: PATH_FIELD, object: path('Exact', '/a#b') },
  { message: `must not end with '/..' ${TYPES}`, field: PATH_FIELD, object: path('PathPrefix', '/a/..') },
  { message: `must not end with '/.' ${TYPES}`, field: PATH_FIELD, object: path('PathPrefix', '/a/.') },
  {
    message: "must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']",
    field: PATH_FIELD,
    object: path('Exact', '/a b'),
  },
  {
    message: 'backendRequest timeout cannot be longer than request timeout',
    field: 'spec.rules[0].timeouts',
    object: route({ timeouts: { request: '1s', backendRequest: '1m' } }),
  },
];

describe('HTTPRoute CEL rules', () => {
  describeRuleCases('each rule rejects an object that breaks it', cases);
  // The schema's own enum (Exact, PathPrefix, RegularExpression) rejects any other type first.
  expectAllMessagesCovered('HTTPRoute', cases, ["type must be one of ['Exact', 'PathPrefix', 'RegularExpression']"]);

  it('accepts the same shapes when they keep the rules', () => {
    const PREFIX_MATCH = [{ path: { type: 'PathPrefix', value: '/old' } }];
    expect(errorsOf(route({ matches: PREFIX_MATCH, filters: [rewrite(PREFIX_REPLACE), requestHeaders, cors({ allowOrigins: ['*'] })] }))).toEqual([]);
    expect(errorsOf(route({ backendRefs: undefined, filters: [redirect({ statusCode: 301 })] }))).toEqual([]);
    expect(errorsOf(path('RegularExpression', '^/a//b#$'))).toEqual([]);
    expect(errorsOf(path('PathPrefix', '/a/%41b/c.d'))).toEqual([]);
  });

  it('compares durations, and treats a zero request timeout as none', () => {
    expect(errorsOf(route({ timeouts: { request: '1h', backendRequest: '59m59s' } }))).toEqual([]);
    expect(errorsOf(route({ timeouts: { request: '0s', backendRequest: '10s' } }))).toEqual([]);
    expect(errorsOf(route({ timeouts: { request: '500ms', backendRequest: '1s' } }))).toHaveLength(1);
  });

  it('sees the defaulted match: a rule without matches gets PathPrefix /, so a prefix rewrite is allowed', () => {
    expect(errorsOf(route({ filters: [rewrite(PREFIX_REPLACE)] }))).toEqual([]);
  });
});
