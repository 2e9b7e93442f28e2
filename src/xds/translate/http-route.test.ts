import { buildRedirect, clusterNotFoundCode, rewriteFields } from './http-route';

describe('path changes (HTTPPathModifier → Envoy)', () => {
  it.each([
    // [matched prefix, new prefix, Envoy fields]
    ['/foo', '/xyz', { prefix_rewrite: '/xyz' }],
    ['/foo', '/xyz/', { prefix_rewrite: '/xyz' }],
    ['/foo', '/', { regex_rewrite: { pattern: { regex: '^/foo/*' }, substitution: '/' } }],
    ['/foo', '', { regex_rewrite: { pattern: { regex: '^/foo/*' }, substitution: '/' } }],
    ['/a.b(c)', '/', { regex_rewrite: { pattern: { regex: '^/a\\.b\\(c\\)/*' }, substitution: '/' } }],
    ['/', '/xyz', { prefix_rewrite: '/xyz/' }],
    ['/', '/', { prefix_rewrite: '/' }],
  ])('prefix %s → %j', (prefix, value, want) => {
    expect(rewriteFields({ path: { kind: 'prefix', prefix, value } })).toEqual(want);
    expect(buildRedirect({ kind: 'redirect', status: 302, path: { kind: 'prefix', prefix, value } })).toEqual({ response_code: 'FOUND', ...want });
  });

  it('replaces the whole path, a backslash staying literal', () => {
    expect(rewriteFields({ path: { kind: 'full', value: '/a\\1' }, hostname: 'h.example.com' })).toEqual({
      host_rewrite_literal: 'h.example.com',
      regex_rewrite: { pattern: { regex: '^/.*$' }, substitution: '/a\\\\1' },
    });
    expect(buildRedirect({ kind: 'redirect', status: 301, path: { kind: 'full', value: '/new' } })).toEqual({
      response_code: 'MOVED_PERMANENTLY',
      path_redirect: '/new',
    });
  });
});

describe('redirect', () => {
  it('sets scheme, host and port as given', () => {
    expect(buildRedirect({ kind: 'redirect', scheme: 'https', hostname: 'example.org', port: 443, status: 308 })).toEqual({
      response_code: 'PERMANENT_REDIRECT',
      scheme_redirect: 'https',
      host_redirect: 'example.org',
      port_redirect: 443,
    });
  });
});

describe('clusterNotFoundCode', () => {
  it('is 503 unless the route asks for 500', () => {
    expect(clusterNotFoundCode(undefined)).toBe('SERVICE_UNAVAILABLE');
    expect(clusterNotFoundCode(503)).toBe('SERVICE_UNAVAILABLE');
    expect(clusterNotFoundCode(500)).toBe('INTERNAL_SERVER_ERROR');
  });
});
