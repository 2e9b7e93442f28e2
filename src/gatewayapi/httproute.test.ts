import { type HTTPRouteMatch } from '../apis/gateway-api';
import { httpOnlyFilters, redirectAction } from './httproute-filters';
import { backendProtocol, httpMatchIssues, httpRouteMatch, pathMatch, replaceablePrefix } from './httproute';
import { comparePrecedence, type MatchPrecedence, type Ranked } from './precedence';

describe('pathMatch (HTTPPathMatch)', () => {
  it.each([
    [
      { type: 'Exact' as const, value: '/a/' },
      { kind: 'exact', value: '/a/' },
    ],
    [
      { type: 'PathPrefix' as const, value: '/a' },
      { kind: 'segmentPrefix', value: '/a' },
    ],
    [
      { type: 'PathPrefix' as const, value: '/a/' },
      { kind: 'segmentPrefix', value: '/a' },
    ],
    [
      { type: 'PathPrefix' as const, value: '/' },
      { kind: 'prefix', value: '/' },
    ],
    [{}, { kind: 'prefix', value: '/' }],
    [
      { type: 'RegularExpression' as const, value: '/a/[0-9]+' },
      { kind: 'regex', value: '/a/[0-9]+' },
    ],
  ])('%j → %j', (path, want) => {
    expect(pathMatch(path)).toEqual(want);
  });
});

describe('httpRouteMatch', () => {
  it('keeps the first query param per case-sensitive name and matches the method', () => {
    const { match, precedence } = httpRouteMatch({
      method: 'PUT',
      queryParams: [
        { name: 'a', value: '1' },
        { name: 'A', value: '2' },
        { name: 'a', value: '3' },
      ],
    });
    expect(match.queryParams).toEqual([
      { name: 'a', kind: 'exact', value: '1' },
      { name: 'A', kind: 'exact', value: '2' },
    ]);
    expect(match.method).toBe('PUT');
    expect(match.grpcOnly).toBe(false);
    expect(precedence).toMatchObject({ pathType: 'prefix', pathChars: 1, hasMethod: true, queryParamCount: 2 });
  });

  it('checks only the regexes it will use', () => {
    const m: HTTPRouteMatch = {
      headers: [
        { name: 'x', value: 'ok' },
        { name: 'X', type: 'RegularExpression', value: '(' },
      ],
      queryParams: [{ name: 'q', type: 'RegularExpression', value: '(' }],
    };
    expect(httpMatchIssues(m, 'm').map((i) => i.field)).toEqual(['m.queryParams[0].value']);
  });
});

describe('HTTPRoute precedence', () => {
  const ranked = (precedence: Partial<MatchPrecedence>, ruleIndex: number, hostname = 'a.example.com'): Ranked => ({
    hostname,
    precedence: { kind: 'HTTPRoute', pathType: 'prefix', pathChars: 1, hasMethod: false, headerCount: 0, queryParamCount: 0, ...precedence } as MatchPrecedence,
    source: { namespace: 'ns', name: 'r' },
    ruleIndex,
    matchIndex: 0,
  });
  const order = (...items: Ranked[]): number[] => [...items].sort(comparePrecedence).map((r) => r.ruleIndex);

  it('orders Exact, then RegularExpression, then the longest PathPrefix', () => {
    expect(
      order(
        ranked({ pathChars: 4 }, 0),
        ranked({ pathType: 'regex', pathChars: 2 }, 1),
        ranked({ pathType: 'exact', pathChars: 2 }, 2),
        ranked({ pathChars: 9 }, 3),
      ),
    ).toEqual([2, 1, 3, 0]);
  });

  it('then a method, then more headers, then more query params', () => {
    expect(order(ranked({ queryParamCount: 3 }, 0), ranked({ headerCount: 1 }, 1), ranked({ hasMethod: true }, 2), ranked({}, 3))).toEqual([2, 1, 0, 3]);
  });

  it('puts every GRPCRoute match first, whatever its hostname', () => {
    const grpc: Ranked = { ...ranked({}, 9, '*'), precedence: { serviceChars: 0, methodChars: 0, headerCount: 0 } };
    expect(order(ranked({ pathType: 'exact', pathChars: 20 }, 0, 'exact.example.com'), grpc)).toEqual([9, 0]);
  });
});

describe('RequestRedirect', () => {
  const redirect = (filter: Parameters<typeof redirectAction>[0]['filter'], prefix?: string): ReturnType<typeof redirectAction> =>
    redirectAction({ filter, field: 'f' }, prefix);

  it("writes the scheme's well-known port unless a port is given", () => {
    expect(redirect({ scheme: 'https' }).action).toMatchObject({ scheme: 'https', port: 443, status: 302 });
    expect(redirect({ scheme: 'http', port: 8080 }).action).toMatchObject({ port: 8080 });
    expect(redirect({ hostname: 'example.org' }).action?.port).toBeUndefined();
  });

  it('replaces a prefix only under one PathPrefix match', () => {
    const path = { type: 'ReplacePrefixMatch' as const, replacePrefixMatch: '/new' };
    expect(redirect({ path }, '/old').action?.path).toEqual({ kind: 'prefix', prefix: '/old', value: '/new' });
    expect(redirect({ path }, undefined).issues[0].message).toMatch(/exactly one match, of type PathPrefix/);
    expect(replaceablePrefix([{ path: { type: 'PathPrefix', value: '/old/' } }])).toBe('/old');
    expect(replaceablePrefix([{ path: { type: 'Exact', value: '/old' } }])).toBeUndefined();
    expect(replaceablePrefix([{}, {}])).toBeUndefined();
  });

  it('refuses a relative path', () => {
    expect(redirect({ path: { type: 'ReplaceFullPath', replaceFullPath: 'relative' } }).issues[0].field).toBe('f.path.replaceFullPath');
  });

  it('takes one RequestRedirect or URLRewrite per rule', () => {
    const { taken, own } = httpOnlyFilters();
    expect(own({ type: 'RequestRedirect', requestRedirect: {} }, 'a')).toBe(true);
    expect(own({ type: 'URLRewrite', urlRewrite: {} }, 'b')).toBe(true);
    expect(own({ type: 'CORS' }, 'c')).toBe(false);
    expect(taken.invalid.map((i) => i.field)).toEqual(['b']);
  });
});

describe('backendProtocol', () => {
  it('is h2c only for appProtocol kubernetes.io/h2c', () => {
    expect(backendProtocol({ port: 80, appProtocol: 'kubernetes.io/h2c' })).toBe('h2c');
    expect(backendProtocol({ port: 80, appProtocol: 'http' })).toBe('http1');
    expect(backendProtocol({ port: 80 })).toBe('http1');
  });
});
